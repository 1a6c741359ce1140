"""The conditions of QĐ 18/2022/QĐ-TTg Điều 4.1 (c) and (d) on a dossier, the posting's broadcasts,
and the revocation check of a revocation dossier. Nothing here writes.

(c) no outstanding basic-construction debt: from the finance records when the commune has any
(finance.queries.debt_for_units), otherwise from a recorded declaration with its document;
(d) security and order: a recorded confirmation (who, document, date).
`all_conditions` is the list the dossier page shows: checks.conditions (criteria, posting,
satisfaction) with the two placeholders of (c) and (d) replaced by these."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from assessments.queries import commune_statuses, period_context
from config.text import clean_text
from recognition import checks
from recognition.checks import MET, UNKNOWN, UNMET, Condition
from recognition.models import ConditionKind, ConditionRecord

DEBT_SOURCE = "QĐ 18/2022/QĐ-TTg Điều 4.1(c)"
SECURITY_SOURCE = "QĐ 18/2022/QĐ-TTg Điều 4.1(d)"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def latest_records(dossier) -> dict[str, ConditionRecord]:
    """The latest declaration/confirmation of each kind (one query)."""
    latest = {}
    for record in ConditionRecord.objects.filter(dossier=dossier).order_by("recorded_at", "pk"):
        latest[record.kind] = record
    return latest


def finance_debt(unit) -> int | None:
    """The commune's outstanding construction debt in đồng from the finance records, or None when
    the finance records hold nothing for the commune (no project, no debt)."""
    from finance.models import Debt, Project
    from finance.queries import debt_for_units

    if not (Project.objects.filter(unit=unit).exists() or Debt.objects.filter(unit=unit).exists()):
        return None
    return debt_for_units([unit.pk]).get(unit.pk, 0)


def _record_text(record: ConditionRecord) -> str:
    return _("%(by)s, %(doc)s of %(day)s") % {"by": record.declared_by, "doc": record.document_ref,
                                              "day": record.declared_on.strftime("%d/%m/%Y")}


def debt_condition(dossier, records: dict | None = None) -> Condition:
    label = _("No outstanding construction debt")
    debt = finance_debt(dossier.unit)
    if debt is not None:
        if debt > 0:
            return Condition(label, UNMET, _("The finance records show %(amount)s of outstanding construction "
                                             "debt.") % {"amount": _money(debt)}, DEBT_SOURCE)
        return Condition(label, MET, _("The finance records show no outstanding construction debt."), DEBT_SOURCE)
    record = (records if records is not None else latest_records(dossier)).get(ConditionKind.NO_DEBT)
    if record is None:
        return Condition(label, UNKNOWN, _("No finance records for the commune and no declaration recorded."),
                         DEBT_SOURCE)
    if record.holds:
        return Condition(label, MET, _("Declared without outstanding construction debt: %(record)s.")
                         % {"record": _record_text(record)}, DEBT_SOURCE)
    return Condition(label, UNMET, _("Declared with outstanding construction debt: %(record)s.")
                     % {"record": _record_text(record)}, DEBT_SOURCE)


def security_condition(dossier, records: dict | None = None) -> Condition:
    label = _("Security and order")
    record = (records if records is not None else latest_records(dossier)).get(ConditionKind.SECURITY)
    if record is None:
        return Condition(label, UNKNOWN, _("No confirmation of the security and order condition recorded."),
                         SECURITY_SOURCE)
    if record.holds:
        return Condition(label, MET, _("Confirmed not complex in security and order: %(record)s.")
                         % {"record": _record_text(record)}, SECURITY_SOURCE)
    return Condition(label, UNMET, _("Recorded as complex in security and order: %(record)s.")
                     % {"record": _record_text(record)}, SECURITY_SOURCE)


def all_conditions(dossier) -> list[Condition]:
    """Every Điều 4.1 condition of a recognition dossier: met, unmet or not yet known."""
    rows = [c for c in checks.conditions(dossier) if c.source not in (DEBT_SOURCE, SECURITY_SOURCE)]
    records = latest_records(dossier)
    return rows + [debt_condition(dossier, records), security_condition(dossier, records)]


def decision_problem(dossier) -> str | None:
    """Why the conditions (c) and (d) stop the decision (None when both are met)."""
    records = latest_records(dossier)
    for condition in (debt_condition(dossier, records), security_condition(dossier, records)):
        if condition.state != MET:
            state = _("not met") if condition.state == UNMET else _("not yet known")
            return _("The condition \"%(label)s\" is %(state)s: %(detail)s (%(source)s).") % {
                "label": condition.label, "state": state, "detail": condition.detail, "source": condition.source}
    return None


# --- posting ----------------------------------------------------------------------------------


def broadcasts_problem(start: datetime.date | None, end: datetime.date | None, dates: list[datetime.date],
                       today: datetime.date) -> str | None:
    """The broadcasts, one date each, fall within the posting and are enough for the rule."""
    problem = checks.posting_problem(start, end, len(dates), today)
    if problem:
        return problem
    outside = sorted(d for d in dates if d < start or d > end)
    if outside:
        return _("Broadcasts must fall within the posting (%(start)s – %(end)s); outside it: %(dates)s.") % {
            "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y"),
            "dates": ", ".join(d.strftime("%d/%m/%Y") for d in outside)}
    return None


def parse_comment_lines(text: str) -> list[tuple[str, str, str]]:
    """'who | comment | answer' per line into (who, comment, answer); ValueError with the line
    number when a line has no comment or more than three parts."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [clean_text(p).strip() for p in line.split("|")]
        if len(parts) > 3:
            raise ValueError(_("Line %(n)s: at most three parts (who | comment | answer).") % {"n": number})
        if len(parts) == 1:
            parts = ["", parts[0], ""]
        parts += [""] * (3 - len(parts))
        if not parts[1]:
            raise ValueError(_("Line %(n)s: the comment is empty.") % {"n": number})
        rows.append((parts[0][:200], parts[1], parts[2]))
    return rows


# --- revocation -------------------------------------------------------------------------------


def revocation_check(unit, period, recognition) -> dict | None:
    """The QĐ 18 revocation check of the recognised commune in the period, as on the watch page
    (assessments.queries.commune_statuses), as JSON; None when no rule applies or no data."""
    ctx = period_context(period)
    statuses = commune_statuses(ctx, [unit])
    if not statuses or statuses[0].revocation is None:
        return None
    status, check = statuses[0], statuses[0].revocation
    return {"period": period.code, "recognition": recognition.pk, "rule": ctx.revocation_rule,
            "unmet": check.unmet, "total": check.total, "share": check.share, "key_failing": check.key_failing,
            "rule_met": check.rule_met, "explanation": check.explanation,
            "recognised_by": status.recognition.pk if status.recognition else None}


def revocation_problem(check: dict | None) -> str | None:
    if check is None:
        return _("No revocation rule applies to the commune in this period, or it has no evaluation.")
    if not check["rule_met"]:
        return _("The revocation rule is not met: %(why)s") % {"why": check["explanation"]}
    return None

