"""The province dashboard's read model: a fixed number of queries for any number of communes."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import Period, Recognition
from assessments.queries import (
    CommuneStatus,
    PeriodContext,
    active_recognition_q,
    commune_statuses,
    period_context,
    programme_communes,
    province_on,
    recognition_counts_for,
)
from planning.models import Phase, PhaseTarget
from units.models import AttributeName
from units.queries import attributes_on


@dataclass
class PlanRow:
    level_code: str
    level_name: str
    year: int
    target: int
    actual: int | None

    @property
    def percent(self) -> Decimal | None:
        if not self.target or self.actual is None:
            return None
        return (Decimal(self.actual) * 100 / self.target).quantize(Decimal("1"), ROUND_HALF_UP)


@dataclass
class CriterionRate:
    code: str
    name: str
    met: int
    unmet: int
    missing: int
    total: int

    @property
    def percent(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (Decimal(self.met) * 100 / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Dashboard:
    ctx: PeriodContext
    province: object | None
    statuses: list[CommuneStatus]
    communes: int = 0
    evaluated: int = 0
    recognised_by_level: dict[str, int] = field(default_factory=dict)
    meeting_by_level: dict[str, int] = field(default_factory=dict)
    average_met: Decimal | None = None
    average_met_recognised: Decimal | None = None
    distribution: list[tuple[int, int]] = field(default_factory=list)
    rates: list[CriterionRate] = field(default_factory=list)
    closest: list[CommuneStatus] = field(default_factory=list)
    at_risk: list[CommuneStatus] = field(default_factory=list)
    revocable: int = 0
    meets_unrecognised: list[CommuneStatus] = field(default_factory=list)
    below_floor: int = 0
    phase: Phase | None = None
    plan: list[PlanRow] = field(default_factory=list)
    # Communes whose thresholds have no key (no confirmed group in 2026-2030), None if n/a.
    without_key: int | None = None


def _avg(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def province_dashboard(period: Period, *, closest: int = 10, area=None) -> Dashboard:
    """The dashboard of the deployment's province, or of `area` (dashboard.areas.Area: the
    whole country, a region or a province) when given."""
    ctx = period_context(period)
    if area is not None:
        province = area.province
        units = list(programme_communes(period.as_of, area=area).order_by("sort_name"))
    else:
        province = province_on(period.as_of)
        units = list(programme_communes(period.as_of, province).order_by("sort_name")) if province else []
    statuses = commune_statuses(ctx, units)
    board = Dashboard(ctx=ctx, province=province, statuses=statuses, communes=len(units))
    evaluated = [s for s in statuses if s.criteria_met is not None]
    board.evaluated = len(evaluated)
    ranks = ctx.level_ranks
    for level, rank in ranks.items():
        board.recognised_by_level[level] = sum(
            1 for s in statuses
            if s.recognition and recognition_counts_for(s.recognition, level, rank, ctx.family)
        )
        board.meeting_by_level[level] = sum(
            1 for s in evaluated if s.level_reached and ranks.get(s.level_reached, 0) >= rank
        )
    board.average_met = _avg([s.criteria_met for s in evaluated])
    board.average_met_recognised = _avg([s.criteria_met for s in evaluated if s.recognised])
    total = ctx.spec and sum(len(g.criteria) for g in ctx.spec.groups) or 0
    counts = Counter(s.criteria_met for s in evaluated)
    board.distribution = [(n, counts.get(n, 0)) for n in range(total + 1)]
    if ctx.spec is not None:
        for group in ctx.spec.groups:
            for criterion in group.criteria:
                tally = Counter(s.criteria_status.get(criterion.code, "missing") for s in evaluated)
                board.rates.append(
                    CriterionRate(criterion.code, criterion.name, tally["met"], tally["unmet"],
                                  tally["missing"], len(evaluated))
                )
    board.closest = sorted(
        (s for s in evaluated if not s.recognised and not s.level_reached),
        key=lambda s: (-s.criteria_met, s.criteria_missing or 0, s.unit.sort_name),
    )[:closest]
    board.at_risk = sorted(
        (s for s in evaluated if s.at_risk),
        key=lambda s: (not s.revocable, s.criteria_met, s.unit.sort_name),
    )
    board.revocable = sum(1 for s in board.at_risk if s.revocable)
    board.meets_unrecognised = [s for s in evaluated if s.meets_but_unrecognised]
    if ctx.spec is not None and ctx.spec.threshold_by == "group":
        keyed = attributes_on([u.pk for u in units], AttributeName.GROUP, period.as_of)
        board.without_key = sum(1 for u in units if not keyed.get(u.pk))
    # The phase plan is the deployment province's own: not shown for another area.
    own = area is None or area.is_home
    board.phase = Phase.objects.filter(family=ctx.family).first() if ctx.family and own else None
    if board.phase is not None:
        if board.phase.target_min_criteria:
            board.below_floor = sum(1 for s in evaluated if s.criteria_met < board.phase.target_min_criteria)
        board.plan = _plan_rows(board, province, ctx)
    return board


def _plan_rows(board: Dashboard, province, ctx: PeriodContext) -> list[PlanRow]:
    """Targets against recognitions in force at the end of each year of the phase (one query
    for the targets, one for the recognitions)."""
    targets = list(PhaseTarget.objects.filter(phase=board.phase).order_by("year", "level_code"))
    unit_ids = [s.unit.pk for s in board.statuses]
    recognitions = list(
        Recognition.objects.filter(unit_id__in=unit_ids).select_related("revocation")
    ) if unit_ids else []
    rows = []
    for t in targets:
        if t.year > board.ctx.period.start.year:
            actual = None
        else:
            day = min(datetime.date(t.year, 12, 31), board.ctx.period.as_of)
            rank = ctx.level_ranks.get(t.level_code, 1)
            units = set()
            for r in recognitions:
                revoked = getattr(r, "revocation", None)
                if recognition_counts_for(r, t.level_code, rank, ctx.family) and r.decision_date <= day and (
                    revoked is None or revoked.decision_date > day
                ):
                    units.add(r.unit_id)
            actual = len(units)
        rows.append(PlanRow(t.level_code, ctx.level_names.get(t.level_code, t.level_code), t.year,
                            t.target_count, actual))
    return rows


__all__ = ["province_dashboard", "Dashboard", "active_recognition_q"]
