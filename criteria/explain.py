"""Vietnamese sentences of an evaluation: number format, values, sources, rules, keys.

Plain Vietnamese with Vietnamese number format (decimal comma, thousands dot). Pure Python, no
Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from criteria.results import MET, MISSING, UNMET
from criteria.schema import AllRule, AnyRule, CriteriaSetSpec, Rule

STATUS_LABELS = {MET: "Đạt", UNMET: "Chưa đạt", MISSING: "Chưa có số liệu"}
OPERATOR_SYMBOLS = {">=": "≥", "<=": "≤", "==": "="}
NEGATED_SYMBOLS = {">=": "<", "<=": ">", "==": "≠"}


def format_number(value: Decimal | int | float) -> str:
    """Vietnamese number format: 1234567.5 -> '1.234.567,5'. Exact for any finite value (no
    rounding to the decimal context, so 1e28 does not raise); "không xác định" for NaN/infinity."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return "không xác định"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    return f"{result},{fraction}" if fraction else result


def format_raw(raw: object) -> str:
    """A value as received, short enough for a sentence (1e400 stays '1E+400')."""
    if isinstance(raw, Decimal | float):
        text = str(raw)
    else:
        text = str(raw).strip()
    return text if len(text) <= 40 else text[:37] + "…"


def format_value(value: Decimal | bool, unit: str = "") -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_share(share: float | Fraction) -> str:
    percent = Decimal(str(round(float(share) * 100, 1)))
    return format_number(percent) + "%"


def source_text(document: str, article: str | None, illustrative: bool, verified: bool) -> str:
    text = document if not article else f"{document}, {article}"
    flags = []
    if illustrative:
        flags.append("minh họa")
    if not verified:
        flags.append("chưa xác minh")
    return f"{text} ({', '.join(flags)})" if flags else text


def describe_rule(rule: Rule, labels: Mapping[str, str], top: bool = True) -> str:
    if isinstance(rule, str):
        return labels.get(rule, rule)
    if isinstance(rule, AllRule):
        text = " và ".join(describe_rule(r, labels, False) for r in rule.all)
    elif isinstance(rule, AnyRule):
        text = " hoặc ".join(describe_rule(r, labels, False) for r in rule.any)
    else:
        inner = ", ".join(describe_rule(r, labels, False) for r in rule.of)
        text = f"ít nhất {rule.at_least} trong {len(rule.of)}: {inner}"
    n_children = len(
        rule.all
        if isinstance(rule, AllRule)
        else rule.any
        if isinstance(rule, AnyRule)
        else rule.of
    )
    return text if top or n_children == 1 else f"({text})"


def key_phrase(spec: CriteriaSetSpec, key: str) -> str:
    name = spec.key_name(key)
    if spec.threshold_by == "region":
        return name if name.lower().startswith("vùng") else f"vùng {name}"
    return name if name.lower().startswith("nhóm") else f"nhóm {name}"


def no_threshold_text(spec: CriteriaSetSpec, key: str, year: int) -> str:
    """Why an indicator has no threshold for a unit: it has no region/group yet, or no entry
    applies to its region/group and year. Never shows a bare code."""
    if not key.strip():
        if spec.threshold_by == "group":
            return (
                "Xã chưa có nhóm xã (QĐ 51/2025) được xác nhận nên chưa xác định được ngưỡng"
            )
        return "Xã chưa có vùng kinh tế - xã hội nên chưa xác định được ngưỡng"
    if spec.has_key(key):
        where = key_phrase(spec, key)
    else:
        kind = "vùng" if spec.threshold_by == "region" else "nhóm"
        where = f'{kind} "{key}" (không có trong danh sách {kind} của bộ)'
    return f"Chưa có ngưỡng áp dụng cho {where}, năm {year}"
