"""Read models of the finance pages and reports: a constant number of queries whatever the
number of projects, communes or months (aggregates in the database, small results in Python).
The dashboard, the commune section and the monthly report all read from here."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance import rules
from finance.models import (
    Allocation,
    CapitalKind,
    Debt,
    Disbursement,
    DisbursementCorrection,
    LineMonth,
    PlanLine,
    Project,
    Repayment,
)
from finance.money import rate
from planning.models import CommuneTarget, Phase
from units.models import Unit

# The label of plan lines given to a programme as a whole, not to one of its components.
NO_COMPONENT = "không phân theo nội dung thành phần"


def today() -> datetime.date:
    return timezone.localdate()


# ------------------------------------------------------------------ debt


def _repaid_subquery():
    return Coalesce(
        Subquery(Repayment.objects.filter(debt=OuterRef("pk")).values("debt")
                 .annotate(s=Sum("amount")).values("s")[:1]),
        Value(0),
    )


def debt_for_units(unit_ids) -> dict[int, int]:
    """{unit id: outstanding construction debt in đồng} for the units that owe something: one
    query for any number of units."""
    out: dict[int, int] = defaultdict(int)
    rows = (Debt.objects.filter(unit_id__in=unit_ids).annotate(repaid=_repaid_subquery())
            .values_list("unit_id", "amount", "repaid"))
    for unit_id, amount, repaid in rows:
        if amount - repaid > 0:
            out[unit_id] += amount - repaid
    return dict(out)


@dataclass
class DebtRow:
    debt: Debt
    repaid: int

    @property
    def outstanding(self) -> int:
        return self.debt.amount - self.repaid


def debts(*, unit_ids=None, province: Unit | None = None, open_only: bool = True,
          until: datetime.date | None = None) -> list[DebtRow]:
    """Debts (owed since `until` or earlier) with their repayments to date (one query), oldest first."""
    qs = Debt.objects.select_related("project", "unit").annotate(repaid=_repaid_subquery())
    if until is not None:
        qs = qs.filter(since__lte=until)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if province is not None:
        qs = qs.filter(Q(unit__parent=province) | Q(unit__parent__parent=province))
    rows = [DebtRow(d, d.repaid) for d in qs.order_by("since", "pk")]
    return [r for r in rows if r.outstanding > 0] if open_only else rows


# ------------------------------------------------------------------ a province-year


def plan_years(province_ids=None) -> list[tuple[int, int]]:
    """(year, province id) pairs that have a plan, newest first; only of these provinces when
    `province_ids` is given (ids or a subquery: finance.permissions.readable_province_ids)."""
    qs = PlanLine.objects.all()
    if province_ids is not None:
        qs = qs.filter(province_id__in=province_ids)
    return list(qs.values_list("year", "province_id").distinct().order_by("-year", "province_id"))


def phase_for(year: int) -> Phase | None:
    return Phase.objects.filter(start_year__lte=year, end_year__gte=year).order_by("start_year").first()


@dataclass
class GroupRow:
    label: str
    plan: int = 0
    allocated: int = 0
    disbursed: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.disbursed, self.plan)

    @property
    def rate_allocated(self) -> Decimal | None:
        return rate(self.disbursed, self.allocated)


@dataclass
class CommuneRow:
    unit_id: int
    name: str
    ref: str
    projects: int = 0
    allocated: int = 0
    disbursed: int = 0
    priority: bool = False
    target_year: int | None = None
    debt: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.disbursed, self.allocated)

    @property
    def average(self) -> int:
        return self.allocated // self.projects if self.projects else 0


@dataclass
class SlowProject:
    pk: int
    code: str
    name: str
    unit_name: str
    unit_ref: str
    allocated: int
    disbursed: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.disbursed, self.allocated)


@dataclass
class YearSummary:
    province: Unit
    year: int
    as_of: datetime.date
    plan: int = 0
    allocated: int = 0
    disbursed: int = 0
    by_programme: list[GroupRow] = field(default_factory=list)
    by_source: list[GroupRow] = field(default_factory=list)
    # Programme · component (nội dung thành phần); a plan line without a component is its own row.
    by_component: list[GroupRow] = field(default_factory=list)
    # (month, cumulative disbursed, plan) for the chart, months of the plan year and after it.
    monthly: list[tuple[datetime.date, int, int]] = field(default_factory=list)
    communes: list[CommuneRow] = field(default_factory=list)
    slow_projects: list[SlowProject] = field(default_factory=list)
    slow_communes: list[CommuneRow] = field(default_factory=list)
    expected_share: Decimal = Decimal(0)
    deadlines: list[rules.Deadline] = field(default_factory=list)
    phase: Phase | None = None
    priority_allocated: int = 0
    other_allocated: int = 0
    projects: int = 0
    debts: list[DebtRow] = field(default_factory=list)
    illustrative: bool = False

    @property
    def rate(self) -> Decimal | None:
        return rate(self.disbursed, self.plan)

    @property
    def rate_allocated(self) -> Decimal | None:
        return rate(self.disbursed, self.allocated)

    @property
    def priority_share(self) -> Decimal | None:
        return rate(self.priority_allocated, self.priority_allocated + self.other_allocated)

    @property
    def average_project(self) -> int:
        return self.allocated // self.projects if self.projects else 0

    @property
    def debt_total(self) -> int:
        return sum(r.outstanding for r in self.debts)

    @property
    def chart_max(self) -> int:
        return max([self.plan] + [m[1] for m in self.monthly]) or 1


def _as_of(year: int, day: datetime.date | None) -> datetime.date:
    day = day or today()
    end = rules.deadline(year, CapitalKind.INVESTMENT).day
    return min(day, end)


def _expected_share(year: int, as_of: datetime.date) -> Decimal:
    """The share of the plan year elapsed at as_of (months completed / 12, at most 1)."""
    if as_of.year > year:
        return Decimal(1)
    if as_of.year < year:
        return Decimal(0)
    return Decimal(as_of.month - 1) / 12 + Decimal(as_of.day) / Decimal(365)


def year_summary(province: Unit, year: int, *, day: datetime.date | None = None, unit_ids=None,
                 slow_limit: int = 20) -> YearSummary:
    """Everything the finance dashboard and the report show for a province-year, with the
    disbursement counted up to `day` (today by default). `unit_ids` limits the communes (a
    user's scope). About ten queries whatever the number of projects: the month totals of the
    plan lines (LineMonth) and each allocation's latest figure answer the usual case (a day on or
    after the latest month reported); an earlier day or a limited scope reads the monthly rows."""
    as_of = _as_of(year, day)
    summary = YearSummary(province=province, year=year, as_of=as_of)
    lines = PlanLine.objects.filter(province=province, year=year)
    allocs = Allocation.objects.filter(plan_line__province=province, plan_line__year=year)
    paid = Disbursement.objects.filter(allocation__plan_line__province=province,
                                       allocation__plan_line__year=year, month__lte=as_of)
    if unit_ids is not None:
        allocs = allocs.filter(project__unit_id__in=unit_ids)
        paid = paid.filter(allocation__project__unit_id__in=unit_ids)
    # 1. the month totals of the plan lines; 2. the plan lines
    line_months = list(LineMonth.objects.filter(plan_line__province=province, plan_line__year=year)
                       .values_list("plan_line_id", "month", "amount"))
    latest_month = max((m for _l, m, _a in line_months), default=None)
    current = latest_month is None or as_of >= latest_month
    plan_rows = list(lines.values_list("pk", "programme__short_name", "source__name", "source__position",
                                       "illustrative", "amount", "component__name")
                     .order_by("programme__code", "source__position", "pk"))
    # 3. allocations (and, when current, their latest figures) per plan line
    alloc_rows = {r["plan_line_id"]: r for r in allocs.values("plan_line_id")
                  .annotate(s=Sum("amount"), d=Sum("disbursed"))}
    if unit_ids is None:
        per_line, per_month = defaultdict(int), defaultdict(int)
        for line_id, month, amount in line_months:
            if month <= as_of:
                per_line[line_id] += amount
                per_month[month] += amount
    else:
        # 3b. a limited scope: the monthly rows of its units
        per_month = dict(paid.values("month").annotate(s=Sum("amount")).values_list("month", "s"))
        if current:
            per_line = {k: r["d"] or 0 for k, r in alloc_rows.items()}
        else:
            per_line = dict(paid.values("allocation__plan_line_id").annotate(s=Sum("amount"))
                            .values_list("allocation__plan_line_id", "s"))
    programmes: dict[str, GroupRow] = {}
    sources: dict[str, GroupRow] = {}
    components: dict[str, GroupRow] = {}
    positions = {}
    for line_id, programme, source, position, illustrative, amount, component in plan_rows:
        allocated = alloc_rows.get(line_id, {}).get("s") or 0
        component_label = f"{programme} · {component or NO_COMPONENT}"
        for group, label in ((programmes, programme), (sources, source), (components, component_label)):
            row = group.setdefault(label, GroupRow(label))
            row.plan += amount
            row.allocated += allocated
            row.disbursed += per_line.get(line_id, 0)
        positions[source] = position
        summary.illustrative |= illustrative
    summary.by_programme = list(programmes.values())
    # Programmes in plan order; within one, its components by name and the lines without one last
    # (NULLs sort first on SQLite and last on PostgreSQL, so the database order is not used).
    order = {label: i for i, label in enumerate(programmes)}
    summary.by_component = sorted(components.values(), key=lambda g: (
        order[g.label.split(" · ", 1)[0]], g.label.endswith(NO_COMPONENT), g.label))
    summary.by_source = sorted(sources.values(), key=lambda g: positions.get(g.label, 99))
    summary.plan = sum(g.plan for g in summary.by_programme)
    summary.allocated = sum(g.allocated for g in summary.by_programme)
    summary.disbursed = sum(g.disbursed for g in summary.by_programme)
    running = 0
    month = datetime.date(year, 1, 1)
    last = min(as_of.replace(day=1), rules.last_month(year, CapitalKind.INVESTMENT))
    while month <= last:
        running += per_month.get(month, 0)
        summary.monthly.append((month, running, summary.plan))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    # 4. per commune: projects, allocations and (when current) the latest figures
    communes: dict[int, CommuneRow] = {}
    for r in (allocs.values("project__unit_id", "project__unit__name", "project__unit__ref")
              .annotate(s=Sum("amount"), n=Count("project", distinct=True), d=Sum("disbursed"))
              .order_by("project__unit__sort_name")):
        communes[r["project__unit_id"]] = CommuneRow(r["project__unit_id"], r["project__unit__name"],
                                                     r["project__unit__ref"], projects=r["n"], allocated=r["s"],
                                                     disbursed=(r["d"] or 0) if current else 0)
    if not current:
        for unit_id, s in (paid.values("allocation__project__unit_id").annotate(s=Sum("amount"))
                           .values_list("allocation__project__unit_id", "s")):
            if unit_id in communes:
                communes[unit_id].disbursed = s
    summary.projects = sum(r.projects for r in communes.values())
    # 5. priority: target year within the phase of the plan year (6. the targets)
    summary.phase = phase_for(year)
    if summary.phase is not None:
        targets = dict(CommuneTarget.objects.filter(unit_id__in=list(communes))
                       .values_list("unit_id", "year"))
        for unit_id, row in communes.items():
            row.target_year = targets.get(unit_id)
            row.priority = (row.target_year is not None
                            and summary.phase.start_year <= row.target_year <= summary.phase.end_year)
    summary.priority_allocated = sum(r.allocated for r in communes.values() if r.priority)
    summary.other_allocated = sum(r.allocated for r in communes.values() if not r.priority)
    # 7. debts
    summary.debts = debts(unit_ids=unit_ids, province=province, until=as_of)
    for d in summary.debts:
        if d.debt.unit_id in communes:
            communes[d.debt.unit_id].debt += d.outstanding
    summary.communes = sorted(communes.values(), key=lambda r: r.name)
    # Slow: the rate is below slow_factor × the share of the year elapsed.
    summary.expected_share = _expected_share(year, as_of)
    threshold = rules.slow_factor() * summary.expected_share
    summary.slow_communes = sorted(
        [r for r in summary.communes if r.allocated and Decimal(r.disbursed) < threshold * r.allocated],
        key=lambda r: (r.rate or 0, r.name))
    # 8. slow projects, in the database
    factor = float(threshold)  # a comparison factor in SQL, never stored money
    if current:
        slow = (allocs.values("project_id", "project__code", "project__name", "project__unit__name",
                              "project__unit__ref")
                .annotate(alloc=Sum("amount"), paid=Sum("disbursed"))
                .filter(alloc__gt=0, paid__lt=F("alloc") * factor).order_by("paid", "project__code")
                .values_list("project_id", "project__code", "project__name", "project__unit__name",
                             "project__unit__ref", "alloc", "paid")[:slow_limit])
    else:
        project_paid = Coalesce(Subquery(
            Disbursement.objects.filter(allocation__project=OuterRef("pk"), allocation__plan_line__province=province,
                                        allocation__plan_line__year=year, month__lte=as_of)
            .values("allocation__project").annotate(s=Sum("amount")).values("s")[:1]), Value(0))
        project_alloc = Coalesce(Subquery(
            Allocation.objects.filter(project=OuterRef("pk"), plan_line__province=province, plan_line__year=year)
            .values("project").annotate(s=Sum("amount")).values("s")[:1]), Value(0))
        projects = (Project.objects.filter(allocations__plan_line__province=province,
                                           allocations__plan_line__year=year).distinct())
        if unit_ids is not None:
            projects = projects.filter(unit_id__in=unit_ids)
        slow = (projects.annotate(alloc=project_alloc, paid=project_paid)
                .filter(alloc__gt=0, paid__lt=F("alloc") * factor)
                .order_by("paid", "code")
                .values_list("pk", "code", "name", "unit__name", "unit__ref", "alloc", "paid")[:slow_limit])
    summary.slow_projects = [SlowProject(*row) for row in slow]
    summary.deadlines = [rules.deadline(year, kind) for kind in CapitalKind.values]
    return summary


# ------------------------------------------------------------------ projects


def projects_for(*, province: Unit | None = None, year: int | None = None, unit_ids=None):
    """Projects with their allocated and disbursed totals (one query)."""
    paid = Coalesce(Subquery(
        Allocation.objects.filter(project=OuterRef("pk")).values("project").annotate(s=Sum("disbursed"))
        .values("s")[:1]), Value(0))
    allocated = Coalesce(Subquery(
        Allocation.objects.filter(project=OuterRef("pk")).values("project").annotate(s=Sum("amount"))
        .values("s")[:1]), Value(0))
    qs = Project.objects.select_related("unit").annotate(allocated=allocated, disbursed=paid)
    if province is not None:
        qs = qs.filter(Q(unit__parent=province) | Q(unit__parent__parent=province))
    if year is not None:
        qs = qs.filter(allocations__plan_line__year=year).distinct()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.order_by("unit__sort_name", "code")


def project_detail(project: Project) -> dict:
    """The allocations of a project with their decisions, monthly figures (with the figures later
    reports replaced) and debts (5 queries)."""
    allocations = list(project.allocations.select_related("plan_line__programme", "plan_line__component",
                                                          "plan_line__source")
                       .order_by("plan_line__year", "plan_line__programme__code", "plan_line__source__position"))
    ids = [a.pk for a in allocations]
    months = defaultdict(list)
    corrections = Prefetch("corrections", queryset=DisbursementCorrection.objects.select_related("recorded_by"))
    for d in Disbursement.objects.filter(allocation_id__in=ids).prefetch_related(corrections).order_by("month"):
        months[d.allocation_id].append(d)
    from finance.models import Adjustment

    history = defaultdict(list)
    for adj in Adjustment.objects.filter(allocation_id__in=ids).select_related("recorded_by"):
        history[adj.allocation_id].append(adj)
    rows = []
    for a in allocations:
        paid = months[a.pk][-1].cumulative if months[a.pk] else 0
        rows.append({"allocation": a, "disbursed": paid, "rate": rate(paid, a.amount),
                     "months": months[a.pk], "history": history[a.pk]})
    return {"rows": rows, "allocated": sum(a.amount for a in allocations),
            "disbursed": sum(r["disbursed"] for r in rows),
            "debts": debts(unit_ids=[project.unit_id], open_only=False)}


def commune_finance(unit: Unit) -> dict:
    """The finance section of a commune page: its projects with totals and its debt."""
    projects = list(projects_for(unit_ids=[unit.pk]))
    rows = [r for r in debts(unit_ids=[unit.pk], open_only=False) if r.debt.unit_id == unit.pk]
    return {"projects": projects, "allocated": sum(p.allocated for p in projects),
            "disbursed": sum(p.disbursed for p in projects),
            "debts": rows, "debt": sum(r.outstanding for r in rows if r.outstanding > 0)}


def available_capital(year: int) -> int | None:
    """Capital of the year's plan not yet allocated to projects (plan − allocated), for the
    optimiser; None when the year has no plan (two queries)."""
    plan = PlanLine.objects.filter(year=year).aggregate(s=Sum("amount"))["s"]
    if plan is None:
        return None
    allocated = Allocation.objects.filter(plan_line__year=year).aggregate(s=Sum("amount"))["s"] or 0
    return max(plan - allocated, 0)


def plan_lines(*, year: int | None = None, province: Unit | None = None, province_ids=None):
    """The plan lines (capital plans) of a year and province (or of the provinces among
    `province_ids`) with their programme, component, source and the decisions that set them
    (two queries), in the plans page's order."""
    qs = PlanLine.objects.select_related("province", "programme", "component", "source").prefetch_related(
        "adjustments")
    if year is not None:
        qs = qs.filter(year=year)
    if province is not None:
        qs = qs.filter(province=province)
    if province_ids is not None:
        qs = qs.filter(province_id__in=province_ids)
    return qs.order_by("year", "programme__code", "component__code", "source__position", "pk")
