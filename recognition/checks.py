"""Reading a dossier: the frozen snapshot, the QĐ 18 Điều 4.1 conditions checked on it, and where
today's data differs. Nothing here writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from assessments.models import Evaluation, IndicatorValue, Period
from assessments.queries import explained_results, period_context
from recognition import rules
from units.models import Unit

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"


def _evaluations(unit: Unit, period: Period) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(unit=unit, period=period, version=F("criteria_set__current_version"))
        .select_related("criteria_set", "version")
        .order_by("criteria_set__level_rank")
    )


def level_info(period: Period, level_code: str):
    """(family, level name, level rank, set code) of the level in the period's family, or None."""
    ctx = period_context(period)
    found = ctx.level_sets.get(level_code)
    if found is None:
        return None
    spec = found[2]
    return ctx.family, ctx.level_names.get(level_code, level_code), spec.level.rank, spec.code


def build_snapshot(unit: Unit, period: Period, level_code: str, on: datetime.date) -> dict | None:
    """The commune's evaluation for the dossier's level as JSON: every set's result with values,
    thresholds, explanations and set versions, and the stored values with their ids. None when
    the commune has no evaluation of the level's set in the period."""
    info = level_info(period, level_code)
    if info is None:
        return None
    family, level_name, rank, set_code = info
    results = explained_results(unit, period, _evaluations(unit, period))
    sets = {
        e.criteria_set.code: {"version_id": e.version_id, "version": e.version.number,
                              "level_code": e.criteria_set.level_code, "result": result.to_dict()}
        for e, result in results
    }
    if set_code not in sets:
        return None
    values = {
        v.indicator: {"id": v.pk, "value": _raw(v),
                      "recorded_at": v.recorded_at.isoformat(), "source": v.source}
        for v in IndicatorValue.objects.filter(unit=unit, period=period, family=family, is_current=True)
    }
    return {"taken_on": on.isoformat(), "period": period.code, "family": family, "level_code": level_code,
            "level_name": level_name, "level_rank": rank, "set_code": set_code, "sets": sets, "values": values}


def _raw(value: IndicatorValue):
    if value.number is not None:
        return format(value.number, "f")
    return value.boolean


def target_result(snapshot: dict | None) -> dict | None:
    if not snapshot:
        return None
    return snapshot["sets"][snapshot["set_code"]]["result"]


def criteria_problem(snapshot: dict | None) -> str | None:
    """Why the snapshot does not show every criterion of the level met (None when it does)."""
    result = target_result(snapshot)
    if result is None:
        return _("No self-assessment snapshot has been frozen.")
    unmet = [c["code"] for c in result["criteria"] if c["status"] == "unmet"]
    missing = [c["code"] for c in result["criteria"] if c["status"] == "missing"]
    if not unmet and not missing:
        return None
    parts = []
    if unmet:
        parts.append(_("criteria not met: %(codes)s") % {"codes": ", ".join(unmet)})
    if missing:
        parts.append(_("criteria without data: %(codes)s") % {"codes": ", ".join(missing)})
    return _("The snapshot does not meet every criterion of the level (%(what)s).") % {"what": "; ".join(parts)}


def posting_problem(start, end, broadcasts, today: datetime.date) -> str | None:
    rule = rules.posting_rule()
    if start is None or end is None or broadcasts is None:
        return _("The posting dates and the number of broadcasts are required.")
    if end < start:
        return _("The posting cannot end before it starts.")
    if end > today:
        return _("The posting cannot end in the future.")
    days = (end - start).days + 1
    if days < rule.min_days:
        return _("The report was posted for %(days)s days; the rule requires %(min)s days (%(source)s, %(status)s).") % {
            "days": days, "min": rule.min_days, "source": rule.source, "status": rule.status}
    if broadcasts < rule.min_broadcasts:
        return _("The report was broadcast %(n)s times; the rule requires at least %(min)s (%(source)s, %(status)s).") % {
            "n": broadcasts, "min": rule.min_broadcasts, "source": rule.source, "status": rule.status}
    return None


def satisfaction_problem(share: float) -> str | None:
    threshold = rules.satisfaction_threshold()
    if share < threshold:
        return _("Satisfaction is %(share)s%%, under the reference %(min)s%% (%(source)s, %(status)s).") % {
            "share": _percent(share), "min": _percent(threshold), "source": rules.SATISFACTION_SOURCE,
            "status": rules.SATISFACTION_STATUS}
    return None


def pending_survey(dossier) -> Condition:
    """The satisfaction condition before the survey stage is recorded: the result of the latest
    closed survey round attached to the dossier (surveys app), or not yet known."""
    from surveys import stats
    from surveys.queries import closed_rounds_for_dossier

    source = f"{rules.SATISFACTION_SOURCE} — {rules.SATISFACTION_STATUS}"
    rounds = closed_rounds_for_dossier(dossier)
    if not rounds:
        return Condition(_("Residents' satisfaction"), UNKNOWN, _("No survey result recorded."), source)
    latest = rounds[0]
    share = stats.share(latest.satisfied_n, latest.answered) or 0.0
    problem = satisfaction_problem(share)
    note = _("Closed survey round \"%(title)s\": %(share)s%% of %(n)s households; not yet recorded in the "
             "dossier.") % {"title": latest.title, "share": _percent(share), "n": latest.answered}
    return Condition(_("Residents' satisfaction"), UNMET if problem else MET,
                     f"{problem} {note}" if problem else note, source)


def _percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass
class Condition:
    label: str
    state: str
    detail: str
    source: str = ""


def conditions(dossier) -> list[Condition]:
    """QĐ 18/2022 Điều 4.1 conditions for the dossier: met, unmet or not yet known."""
    rows = []
    problem = criteria_problem(dossier.snapshot) if dossier.snapshot else None
    result = target_result(dossier.snapshot)
    rows.append(Condition(
        _("All criteria of the level met (on the snapshot)"),
        UNKNOWN if result is None else (UNMET if problem else MET),
        problem or (_("%(met)s/%(total)s criteria met") % {"met": result["criteria_met"],
                                                           "total": result["criteria_total"]} if result else ""),
        "QĐ 18/2022/QĐ-TTg Điều 4.1(a)"))
    rule = rules.posting_rule()
    if dossier.posting_start is None:
        rows.append(Condition(_("Public posting"), UNKNOWN, rule.text, f"{rule.source} — {rule.status}"))
    else:
        problem = posting_problem(dossier.posting_start, dossier.posting_end, dossier.broadcasts,
                                  dossier.posting_end)
        rows.append(Condition(_("Public posting"), UNMET if problem else MET, problem or rule.text,
                              f"{rule.source} — {rule.status}"))
    survey = getattr(dossier, "survey", None)
    if survey is None:
        rows.append(pending_survey(dossier))
    else:
        problem = satisfaction_problem(survey.share)
        rows.append(Condition(_("Residents' satisfaction"), UNMET if problem else MET,
                              problem or f"{_percent(survey.share)}% ≥ {_percent(rules.satisfaction_threshold())}%",
                              f"{rules.SATISFACTION_SOURCE} — {rules.SATISFACTION_STATUS}"))
    rows.append(Condition(_("No outstanding construction debt"), UNKNOWN,
                          _("Not recorded in this system yet."), "QĐ 18/2022/QĐ-TTg Điều 4.1(c)"))
    rows.append(Condition(_("Security and order"), UNKNOWN,
                          _("Not recorded in this system yet."), "QĐ 18/2022/QĐ-TTg Điều 4.1(d)"))
    return rows


@dataclass
class Difference:
    code: str
    name: str
    then_value: object
    then_status: str
    now_value: object
    now_status: str


def differences(dossier) -> list[Difference]:
    """Indicators of the level's set whose value or status today differs from the snapshot."""
    then = target_result(dossier.snapshot)
    if then is None:
        return []
    now = None
    for e, result in explained_results(dossier.unit, dossier.period, _evaluations(dossier.unit, dossier.period)):
        if e.criteria_set.code == dossier.snapshot["set_code"]:
            now = result.to_dict()
    if now is None:
        return []
    now_rows = {i["code"]: i for c in now["criteria"] for i in c["indicators"]}
    rows = []
    for criterion in then["criteria"]:
        for ind in criterion["indicators"]:
            current = now_rows.get(ind["code"])
            if current is None:
                rows.append(Difference(ind["code"], ind["name"], ind["value"], ind["status"], None, "missing"))
            elif current["value"] != ind["value"] or current["status"] != ind["status"]:
                rows.append(Difference(ind["code"], ind["name"], ind["value"], ind["status"],
                                       current["value"], current["status"]))
    return rows
