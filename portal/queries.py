"""The public read models: only periods the province published, only public fields."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from assessments.models import Period
from assessments.queries import (
    commune_statuses,
    period_context,
    programme_communes,
    province_on,
)
from dashboard.lineage import predecessor_results
from finance.money import rate
from finance.queries import commune_finance
from planning.models import RoadmapItem
from portal.models import Feedback, FeedbackStatus, PortalSettings, PublishedPeriod


def published_periods() -> list[Period]:
    return [p.period for p in PublishedPeriod.objects.select_related("period").order_by("period__as_of")]


def public_period(code: str | None) -> Period | None:
    """The published period asked for (404 for any other), or the latest published one."""
    periods = published_periods()
    if code:
        for p in periods:
            if p.code == code:
                return p
        raise Http404
    return periods[-1] if periods else None


@dataclass
class CommuneRow:
    unit: object
    level: str
    decision_number: str
    decision_date: object
    criteria_met: int | None
    criteria_total: int | None


def commune_rows(period: Period) -> tuple[object, list[CommuneRow], object]:
    """The communes of the province in the period, with their recognition in force and (if the
    province publishes them) the criteria met as computed."""
    config = PortalSettings.current()
    ctx = period_context(period)
    province = province_on(period.as_of)
    units = list(programme_communes(period.as_of, province).order_by("name")) if province else []
    rows = []
    for s in commune_statuses(ctx, units):
        rec = s.recognition
        rows.append(CommuneRow(
            unit=s.unit,
            level=(ctx.level_names.get(rec.level_code, rec.level_code) if rec else ""),
            decision_number=rec.decision_number if rec else "",
            decision_date=rec.decision_date if rec else None,
            criteria_met=s.criteria_met if config.show_computed_criteria else None,
            criteria_total=s.criteria_total if config.show_computed_criteria else None,
        ))
    return province, rows, ctx


@dataclass
class CommunePage:
    unit: object
    status: object
    ctx: object
    criteria: list
    predecessor_period: Period | None
    predecessors: list
    items: list
    money: CommuneMoney | None
    feedback: list

    @property
    def level_name(self) -> str:
        rec = self.status.recognition
        return self.ctx.level_names.get(rec.level_code, rec.level_code) if rec else ""


def commune_page(unit, period: Period) -> CommunePage:
    config = PortalSettings.current()
    ctx = period_context(period)
    status = commune_statuses(ctx, [unit])[0]
    criteria = []
    if config.show_computed_criteria:
        criteria = [(code, ctx.criterion_names.get(code, code), st)
                    for code, st in status.criteria_status.items()]
    pred_period, preds = predecessor_results(unit)
    published = {p.pk for p in published_periods()}
    if pred_period is not None and (pred_period.pk not in published or not config.show_computed_criteria):
        # Figures of an unpublished period stay private; recognitions are public decisions.
        for row in preds:
            row.criteria_met = row.criteria_total = None
    items = list(RoadmapItem.objects.active().filter(unit=unit).order_by("target_date", "pk"))
    return CommunePage(unit, status, ctx, criteria, pred_period, preds, items, commune_money(unit),
                       published_feedback(unit=unit))


@dataclass
class CommuneMoney:
    projects: int
    allocated: int
    disbursed: int

    @property
    def rate(self):
        return rate(self.disbursed, self.allocated)


def commune_money(unit) -> CommuneMoney | None:
    """The commune's capital allocated to its projects and disbursed to date, from the finance
    app's own read model (two queries); None when the commune has no project."""
    money = commune_finance(unit)
    if not money["projects"]:
        return None
    return CommuneMoney(len(money["projects"]), money["allocated"], money["disbursed"])


# --- residents' feedback ---------------------------------------------------------------------------

PUBLIC_FEEDBACK_LIMIT = 100


def published_feedback(*, unit=None, article=None) -> list[Feedback]:
    """The published feedback of a commune or an article, newest first (one query)."""
    qs = Feedback.objects.filter(status=FeedbackStatus.PUBLISHED)
    qs = qs.filter(unit=unit) if unit is not None else qs.filter(article=article)
    return list(qs.only("pk", "name", "text", "answer", "submitted_at", "answered_at", "published_at")
                .order_by("-published_at", "-pk")[:PUBLIC_FEEDBACK_LIMIT])


def feedback_queue(status: str | None) -> tuple[dict[str, int], list[Feedback]]:
    """The moderation queue: counts per status and the rows of one status (held and pending
    first by default), with their commune or article (two queries)."""
    from django.db.models import Count

    counts = dict(Feedback.objects.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    if status in FeedbackStatus.values:
        statuses = [status]
    else:
        statuses = [FeedbackStatus.HELD, FeedbackStatus.PENDING]
    rows = list(Feedback.objects.filter(status__in=statuses).select_related("unit", "article")
                .order_by("submitted_at", "pk")[:200])
    return counts, rows
