"""The revocation check of QĐ 18/2022/QĐ-TTg. Pure Python, no Django."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from criteria.explain import format_share
from criteria.results import UNMET, RevocationCheck, SetResult


def revocation_check(set_result: SetResult, key_criteria: Iterable[str]) -> RevocationCheck:
    """QĐ 18/2022/QĐ-TTg: recognition is revoked when 50% or more of the criteria fail, or 30% to
    under 50% fail including a key criterion (income, environment, defence and security).
    Only "unmet" criteria count as failing; "missing" ones do not."""
    return revocation_check_counts(
        unmet_codes=[c.code for c in set_result.criteria if c.status == UNMET],
        total=set_result.criteria_total,
        key_criteria=key_criteria,
        missing=set_result.criteria_missing,
        names={c.code: c.name for c in set_result.criteria},
    )


def revocation_check_counts(
    unmet_codes: Iterable[str],
    total: int,
    key_criteria: Iterable[str],
    missing: int = 0,
    names: Mapping[str, str] | None = None,
) -> RevocationCheck:
    """`revocation_check` from stored counts: the codes of the unmet criteria and the total."""
    keys = set(key_criteria)
    unmet_list = list(unmet_codes)
    unmet = len(unmet_list)
    key_failing = [code for code in unmet_list if code in keys]
    share = Fraction(unmet, total) if total else Fraction(0)
    rule_met = share >= Fraction(1, 2) or (share >= Fraction(3, 10) and bool(key_failing))
    names = names or {}
    text = f"{unmet}/{total} tiêu chí chưa đạt ({format_share(share)})"
    if key_failing:
        text += ", gồm tiêu chí then chốt " + ", ".join(
            f"{code} ({names[code]})" if code in names else code for code in key_failing
        )
    if rule_met:
        text += ": thuộc trường hợp thu hồi quyết định công nhận theo QĐ 18/2022/QĐ-TTg"
    else:
        text += ": chưa đến mức thu hồi quyết định công nhận theo QĐ 18/2022/QĐ-TTg"
    if missing:
        text += f"; {missing} tiêu chí chưa có số liệu, không được tính là chưa đạt"
    return RevocationCheck(
        unmet=unmet,
        total=total,
        share=float(share),
        key_failing=key_failing,
        rule_met=rule_met,
        explanation=text,
    )
