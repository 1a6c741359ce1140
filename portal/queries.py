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
from planning.models import RoadmapItem
from portal.models import PortalSettings, PublishedPeriod


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
    return CommunePage(unit, status, ctx, criteria, pred_period, preds, items)
