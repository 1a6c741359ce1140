"""The one-page commune summary (for printing) and a commune's criteria met across periods.

Reads only; a fixed number of queries whatever the number of criteria, periods or communes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from assessments import queries
from assessments.models import Evaluation, Period
from planning.models import RoadmapItem
from units.models import Unit


@dataclass
class CriterionLine:
    code: str
    name: str
    status: str  # met / unmet / missing
    indicators_met: int
    indicators_total: int


@dataclass
class TrendPoint:
    period: Period
    criteria_met: int
    criteria_total: int
    set_name: str

    @property
    def percent(self) -> float:
        return 100.0 * self.criteria_met / self.criteria_total if self.criteria_total else 0.0


@dataclass
class CommuneSummary:
    unit: Unit
    period: Period
    ctx: queries.PeriodContext
    status: queries.CommuneStatus | None
    group: queries.KeyStatus | None
    criteria: list[CriterionLine] = field(default_factory=list)
    recognitions: list = field(default_factory=list)
    open_items: int = 0
    overdue_items: int = 0
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def criteria_met(self) -> int:
        return sum(1 for c in self.criteria if c.status == "met")

    @property
    def criteria_unmet(self) -> int:
        return sum(1 for c in self.criteria if c.status == "unmet")

    @property
    def criteria_missing(self) -> int:
        return sum(1 for c in self.criteria if c.status not in ("met", "unmet"))


def criterion_lines(spec, stored: dict) -> list[CriterionLine]:
    """Each criterion of the base set with its status and how many of its indicators are met,
    from the compact statuses stored with an evaluation."""
    criteria = (stored or {}).get("criteria", {})
    indicators = (stored or {}).get("indicators", {})
    lines = []
    for group in spec.groups:
        for c in group.criteria:
            codes = [i.code for i in c.indicators]
            lines.append(CriterionLine(
                code=c.code, name=c.name, status=criteria.get(c.code, "missing"),
                indicators_met=sum(1 for code in codes if indicators.get(code) == "met"),
                indicators_total=len(codes),
            ))
    return lines


def commune_trend(unit: Unit) -> list[TrendPoint]:
    """Criteria met per period, on the lowest-level set evaluated in each period (one query)."""
    best: dict[int, TrendPoint] = {}
    ranks: dict[int, int] = {}
    rows = (Evaluation.objects.filter(unit=unit).select_related("period", "criteria_set")
            .order_by("period__start", "criteria_set__level_rank"))
    for e in rows:
        if e.period_id in best and ranks[e.period_id] <= e.criteria_set.level_rank:
            continue
        best[e.period_id] = TrendPoint(e.period, e.criteria_met, e.criteria_total, e.criteria_set.name)
        ranks[e.period_id] = e.criteria_set.level_rank
    return sorted(best.values(), key=lambda p: p.period.start)


def commune_summary(unit: Unit, period: Period, *, today: datetime.date) -> CommuneSummary:
    ctx = queries.period_context(period)
    status = queries.commune_statuses(ctx, [unit])[0] if ctx.base_set is not None else None
    summary = CommuneSummary(unit=unit, period=period, ctx=ctx, status=status,
                             group=queries.group_status(unit, period))
    if ctx.spec is not None and status is not None and status.criteria_total is not None:
        stored = (Evaluation.objects.filter(unit=unit, period=period, version=ctx.base_set.current_version_id)
                  .values_list("result", flat=True).first())
        summary.criteria = criterion_lines(ctx.spec, stored)
    summary.recognitions = list(unit.recognitions.select_related("revocation").order_by("decision_date"))
    counts = RoadmapItem.objects.filter(unit=unit).active().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(target_date__lt=today)))
    summary.open_items, summary.overdue_items = counts["open"], counts["overdue"]
    summary.trend = commune_trend(unit)
    return summary
