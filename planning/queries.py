"""Read models of the planning pages: a constant number of queries whatever the number of
communes or items."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from assessments.queries import (
    PeriodContext,
    active_recognition_q,
    commune_statuses,
    latest_period,
    period_context,
    programme_communes,
    province_on,
)
from criteria import engine
from criteria.queries import current_catalog
from planning.models import (
    ACTIVE_STATUSES,
    CommuneTarget,
    FieldVisit,
    ItemStatus,
    Phase,
    RoadmapItem,
    Task,
    TaskStatus,
)
from units.models import AttributeName, Unit
from units.queries import attributes_on


def today() -> datetime.date:
    return timezone.localdate()


def current_context() -> PeriodContext | None:
    period = latest_period()
    return period_context(period) if period is not None else None


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    label: str
    name: str
    unit: str
    criterion: str
    criterion_name: str


def indicator_defs(ctx: PeriodContext) -> dict[str, IndicatorDef]:
    """The base set's indicators by code, in the set's order."""
    if ctx.spec is None:
        return {}
    return {
        ind.code: IndicatorDef(ind.code, ind.label or ind.code, ind.name, ind.unit or "", c.code, c.name)
        for g in ctx.spec.groups
        for c in g.criteria
        for ind in c.indicators
    }


def indicator_statuses(ctx: PeriodContext, unit_ids) -> dict[int, dict[str, str]]:
    """{unit id: {indicator code: status}} from the stored base-set evaluations (one query)."""
    if ctx.base_set is None:
        return {}
    return {
        uid: (result or {}).get("indicators", {})
        for uid, result in Evaluation.objects.filter(
            unit_id__in=list(unit_ids), period=ctx.period, version=ctx.base_set.current_version_id
        ).values_list("unit_id", "result")
    }


# ------------------------------------------------------------------ proposals


@dataclass
class Proposal:
    indicator: IndicatorDef
    value: str
    threshold: str
    covered_by: list[RoadmapItem] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code


def _value_text(value, unit: str) -> str:
    if value is None:
        return ""
    return engine.format_value(value, unit)


def _threshold_text(resolved, unit: str) -> str:
    if resolved is None:
        return ""
    return f"{engine.OPERATOR_SYMBOLS.get(resolved.operator, resolved.operator)} {engine.format_value(resolved.value, unit)}"


def proposals(ctx: PeriodContext, unit: Unit, items: list[RoadmapItem] = ()) -> list[Proposal]:
    """One proposal per unmet indicator of the commune (base set, the context's period): its
    value now and the threshold to reach, with the active items already covering it."""
    if ctx.spec is None:
        return []
    statuses = indicator_statuses(ctx, [unit.pk]).get(unit.pk, {})
    unmet = [d for code, d in indicator_defs(ctx).items() if statuses.get(code) == "unmet"]
    if not unmet:
        return []
    attribute = AttributeName.GROUP if ctx.spec.threshold_by == "group" else AttributeName.REGION
    key = attributes_on([unit.pk], attribute, ctx.period.as_of).get(unit.pk, "")
    context = engine.Context(key=key, on_date=ctx.period.as_of)
    catalog = current_catalog(ctx.family)
    values = {
        code: boolean if number is None else number
        for code, number, boolean in IndicatorValue.objects.filter(
            unit=unit, period=ctx.period, family=ctx.family, is_current=True, indicator__in=[d.code for d in unmet]
        ).values_list("indicator", "number", "boolean")
    }
    covering = defaultdict(list)
    for item in items:
        if item.status in ACTIVE_STATUSES:
            for ind in item.indicators.all():
                covering[ind.indicator].append(item)
    out = []
    for d in unmet:
        resolved = engine.threshold_for(ctx.spec, d.code, context, catalog)
        out.append(Proposal(d, _value_text(values.get(d.code), d.unit), _threshold_text(resolved, d.unit),
                            covering.get(d.code, [])))
    return out


# ------------------------------------------------------------------ items


def items_queryset() -> QuerySet[RoadmapItem]:
    return (
        RoadmapItem.objects.select_related("unit", "unit__parent", "helping_agency")
        .prefetch_related(
            "indicators",
            Prefetch("tasks", queryset=Task.objects.select_related("organisation")),
        )
    )


def annotate_items(items: list[RoadmapItem], ctx: PeriodContext | None, day: datetime.date | None = None):
    """Set on each item: `statuses` {indicator: status now}, `met` (every indicator met in the
    latest evaluation), `overdue` (still active, past its target date and not met). One query."""
    day = day or today()
    statuses = indicator_statuses(ctx, {i.unit_id for i in items}) if ctx is not None else {}
    for item in items:
        codes = [ind.indicator for ind in item.indicators.all()]
        now = statuses.get(item.unit_id, {})
        item.statuses = {code: now.get(code, "missing") for code in codes}
        item.met = bool(codes) and all(s == "met" for s in item.statuses.values())
        item.active = item.status in ACTIVE_STATUSES
        item.overdue = item.active and item.target_date < day and not item.met
    return items


def overdue(items: list[RoadmapItem]) -> list[RoadmapItem]:
    return [i for i in items if i.overdue]


# ------------------------------------------------------------------ watch over recognised communes


@dataclass
class WatchRow:
    status: object
    since: dict[str, Period | None]
    items: list[RoadmapItem]

    @property
    def unit(self):
        return self.status.unit


@dataclass
class Watch:
    ctx: PeriodContext
    rows: list[WatchRow]
    overdue: list[RoadmapItem]


def watch(ctx: PeriodContext, units: list[Unit], day: datetime.date | None = None) -> Watch:
    """Recognised communes failing criteria now: which, since when, the revocation rule, and
    their active roadmap items; and every overdue item of the units."""
    statuses = [s for s in commune_statuses(ctx, units) if s.at_risk]
    ids = [s.unit.pk for s in statuses]
    history = defaultdict(list)
    if ctx.base_set is not None and ids:
        for uid, period_id, as_of, criteria in (
            Evaluation.objects.filter(unit_id__in=ids, criteria_set=ctx.base_set, period__start__lte=ctx.period.start)
            .order_by("-period__start")
            .values_list("unit_id", "period_id", "period__as_of", "criteria_status")
        ):
            history[uid].append((period_id, as_of, criteria))
    periods = {p.pk: p for p in Period.objects.all()}
    items = annotate_items(list(items_queryset().filter(unit__in=[u.pk for u in units]).filter(
        status__in=ACTIVE_STATUSES)), ctx, day)
    by_unit = defaultdict(list)
    for item in items:
        by_unit[item.unit_id].append(item)
    rows = []
    for s in statuses:
        since = {}
        recognised_on = s.recognition.decision_date
        for code in s.failing:
            first = None
            for period_id, as_of, criteria in history[s.unit.pk]:
                if criteria.get(code) != "unmet" or as_of < recognised_on:
                    break
                first = periods.get(period_id)
            since[code] = first
        rows.append(WatchRow(s, since, by_unit.get(s.unit.pk, [])))
    rows.sort(key=lambda r: (not r.status.revocable, -(r.status.criteria_unmet or 0), r.unit.sort_name))
    return Watch(ctx, rows, [i for i in items if i.overdue])


# ------------------------------------------------------------------ agency


@dataclass
class CriterionTrend:
    code: str
    name: str
    by_period: list[tuple[Period, int, int]]  # (period, met, unmet)
    failing: list[Unit]


@dataclass
class AgencyView:
    criteria: list[CriterionTrend]
    items: list[RoadmapItem]
    overdue: list[RoadmapItem]
    tasks: list[Task]
    visits: list[FieldVisit]
    helped: list[Unit]


def agency_view(organisation, ctx: PeriodContext, units: list[Unit], day: datetime.date | None = None) -> AgencyView:
    unit_ids = [u.pk for u in units]
    by_id = {u.pk: u for u in units}
    codes = []
    if ctx.base_set is not None:
        codes = sorted(
            organisation.assignments.filter(criteria_set_code=ctx.base_set.code).values_list("criterion_code", flat=True),
            key=lambda c: [int(p) if p.isdigit() else p for p in c.split(".")],
        )
    periods = list(Period.objects.filter(evaluations__isnull=False).distinct().order_by("start"))
    counts = defaultdict(lambda: [0, 0])
    failing = defaultdict(list)
    if codes:
        for uid, period_id, criteria in Evaluation.objects.filter(
            unit_id__in=unit_ids, criteria_set=ctx.base_set
        ).values_list("unit_id", "period_id", "criteria_status"):
            for code in codes:
                status = criteria.get(code)
                if status == "met":
                    counts[(code, period_id)][0] += 1
                elif status == "unmet":
                    counts[(code, period_id)][1] += 1
                    if period_id == ctx.period.pk:
                        failing[code].append(by_id[uid])
    trends = [
        CriterionTrend(code, ctx.criterion_names.get(code, ""),
                       [(p, *counts[(code, p.pk)]) for p in periods],
                       sorted(failing[code], key=lambda u: u.sort_name))
        for code in codes
    ]
    items = annotate_items(list(
        items_queryset().filter(unit_id__in=unit_ids, status__in=ACTIVE_STATUSES)
        .filter(Q(indicators__criterion__in=codes) | Q(helping_agency=organisation)
                | Q(tasks__organisation=organisation))
        .distinct()
    ), ctx, day)
    tasks = list(
        Task.objects.filter(organisation=organisation, status=TaskStatus.OPEN)
        .select_related("unit", "item", "visit")
    )
    visits = list(organisation.visits.select_related("unit").prefetch_related("tasks"))
    helped = sorted((h.unit for h in organisation.helped.select_related("unit")), key=lambda u: u.sort_name)
    return AgencyView(trends, items, [i for i in items if i.overdue], tasks, visits, helped)


# ------------------------------------------------------------------ targets against actual


@dataclass
class YearRow:
    year: int
    targets: dict[str, int | None]
    recognised: dict[str, int]
    meeting: dict[str, int | None]
    min_target: int | None = None
    below_min: int | None = None
    avg_target: Decimal | None = None
    average: Decimal | None = None


def targets_vs_actual(phase: Phase, ctx: PeriodContext, units: list[Unit]) -> list[YearRow]:
    """Per year of the phase: the targets, the recognitions in force at year end and the counts
    computed from that year's evaluations (a fixed number of queries)."""
    unit_ids = [u.pk for u in units]
    ranks = ctx.level_ranks
    targets = defaultdict(dict)
    for t in phase.targets.all():
        targets[t.year][t.level_code] = t.target_count
    year_targets = {t.year: t for t in phase.year_targets.all()}
    recognitions = list(Recognition.objects.filter(unit_id__in=unit_ids).select_related("revocation"))
    evaluations = defaultdict(list)
    if ctx.base_set is not None:
        for year, met, rank in Evaluation.objects.filter(
            unit_id__in=unit_ids, criteria_set=ctx.base_set, period__kind="year"
        ).values_list("period__start__year", "criteria_met", "level_rank"):
            evaluations[year].append((met, rank))
    rows = []
    for year in range(phase.start_year, phase.end_year + 1):
        end = datetime.date(year, 12, 31)
        best = {}
        for r in recognitions:
            revoked = getattr(r, "revocation", None)
            if r.decision_date <= end and (revoked is None or revoked.decision_date > end):
                best[r.unit_id] = max(best.get(r.unit_id, 0), r.level_rank)
        evs = evaluations.get(year, [])
        yt = year_targets.get(year)
        row = YearRow(
            year=year,
            targets={lvl: targets[year].get(lvl) for lvl in ranks},
            recognised={lvl: sum(1 for v in best.values() if v >= rank) for lvl, rank in ranks.items()},
            meeting={lvl: (sum(1 for _m, r in evs if r >= rank) if evs else None) for lvl, rank in ranks.items()},
            min_target=yt.min_criteria if yt else None,
            avg_target=yt.avg_criteria if yt else None,
        )
        if evs:
            row.average = (Decimal(sum(m for m, _r in evs)) / len(evs)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if row.min_target is not None:
                row.below_min = sum(1 for m, _r in evs if m < row.min_target)
        rows.append(row)
    return rows


# ------------------------------------------------------------------ where to invest first


@dataclass
class RankRow:
    unit: Unit
    unmet: list[str]
    covered: list[str]
    cost: int
    target: CommuneTarget | None
    items: list[RoadmapItem]

    @property
    def fully_covered(self) -> bool:
        return set(self.unmet) <= set(self.covered)


def invest_ranking(ctx: PeriodContext, units: list[Unit]) -> list[RankRow]:
    """Communes not yet meeting the base standard, closest first: fewest unmet indicators, then
    the lowest estimated cost of their active items, then the earliest target year."""
    ids = [u.pk for u in units]
    statuses = indicator_statuses(ctx, ids)
    met_level = set(
        Evaluation.objects.filter(unit_id__in=ids, period=ctx.period, version=ctx.base_set.current_version_id,
                                  all_met=True).values_list("unit_id", flat=True)
    ) if ctx.base_set is not None else set()
    targets = {t.unit_id: t for t in CommuneTarget.objects.filter(unit_id__in=ids)}
    items = defaultdict(list)
    for item in RoadmapItem.objects.filter(unit_id__in=ids, status__in=ACTIVE_STATUSES).prefetch_related("indicators"):
        items[item.unit_id].append(item)
    rows = []
    for unit in units:
        if unit.pk in met_level or unit.pk not in statuses:
            continue
        unmet = sorted(c for c, s in statuses[unit.pk].items() if s == "unmet")
        if not unmet:
            continue
        target = targets.get(unit.pk)
        usable = [i for i in items[unit.pk] if target is None or i.target_date.year <= target.year]
        covered = sorted({ind.indicator for i in usable for ind in i.indicators.all()} & set(unmet))
        rows.append(RankRow(unit, unmet, covered, sum(i.estimated_cost for i in usable), target, usable))
    rows.sort(key=lambda r: (len(r.unmet), not r.fully_covered, r.cost,
                             r.target.year if r.target else 9999, r.unit.name))
    return rows


def optimiser_inputs(rows: list[RankRow]):
    from planning.optimiser import Candidate

    candidates = [
        Candidate(item.pk, row.unit.pk, item.estimated_cost,
                  frozenset(ind.indicator for ind in item.indicators.all()) & frozenset(row.unmet))
        for row in rows for item in row.items
    ]
    needs = {row.unit.pk: frozenset(row.unmet) for row in rows}
    return candidates, needs


def commune_targets(units: QuerySet[Unit]) -> list[CommuneTarget]:
    """The communes' target levels and years among `units`, by year then commune name (one query)."""
    return list(CommuneTarget.objects.filter(unit__in=units).select_related("unit").order_by("year", "unit__sort_name"))


def province_units(ctx: PeriodContext) -> list[Unit]:
    return list(programme_communes(ctx.period.as_of, province_on(ctx.period.as_of)).order_by("sort_name"))


__all__ = ["active_recognition_q", "ItemStatus"]
