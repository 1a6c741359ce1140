"""Each role's home: its own work, read through the apps' queries (a constant number of queries
whatever the number of communes, items or reports).

- agency officer: the criteria its agency answers for and the communes failing them now, the
  roadmap items of those criteria (overdue first), the agency's open tasks (late ones marked) and
  the agency's reports due, overdue or returned;
- commune officer: its commune's reports due, overdue or returned, its overdue roadmap items, its
  failing indicators (with the items that cover them) and where it stands;
- district officer (the former districts) and a viewer of a district or a commune: their communes,
  weakest first, with their late roadmap items, and the district's reports.
Province-wide roles land on the province dashboard instead (dashboard.views.home).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from accounts.access import can_edit_values, can_view_province, scope_for, visible_units
from accounts.models import Role
from assessments.listing import CommuneFilters, filtered_communes
from assessments.models import Period
from assessments.queries import (
    CommuneStatus,
    commune_statuses,
    period_context,
    programme_communes,
    province_on,
)
from planning import queries as planning
from planning.models import ACTIVE_STATUSES, RoadmapItem, Task
from reporting.models import State, Submission
from reporting.queries import periods_for_reporter
from reporting.reporters import Reporter, reporter_for_user

# Communes listed on a district's home (the weakest first); the full list is one link away.
DISTRICT_COMMUNES = 30


@dataclass
class ReportTodo:
    """A report the user's unit or agency still has to act on."""

    period: object
    submission: Submission | None
    reporter_key: str
    overdue: bool
    returned: bool

    @property
    def state_label(self) -> str:
        return State(self.submission.state).label if self.submission else State.NOT_STARTED.label


@dataclass
class Work:
    role: str
    reporter: Reporter | None = None
    reports: list[ReportTodo] = field(default_factory=list)
    # agency
    organisation: object = None
    agency: planning.AgencyView | None = None
    late_tasks: list[Task] = field(default_factory=list)
    # commune
    unit: object = None
    status: CommuneStatus | None = None
    can_enter: bool = False
    overdue_items: list[RoadmapItem] = field(default_factory=list)
    open_items: int = 0
    failing: list = field(default_factory=list)  # planning.Proposal: unmet indicators
    # district
    period: Period | None = None
    communes: list[CommuneStatus] = field(default_factory=list)
    communes_total: int = 0
    late_by_unit: dict[int, tuple[int, int]] = field(default_factory=dict)  # unit id -> (active, late)

    @property
    def overdue_reports(self) -> int:
        return sum(r.overdue for r in self.reports)

    @property
    def returned_reports(self) -> int:
        return sum(r.returned for r in self.reports)


def lands_on_province(user) -> bool:
    """Province-wide roles (administrators, officers, province viewers) land on the province
    dashboard; agency, district and commune officers on their own work."""
    return can_view_province(user) and scope_for(user).role != Role.AGENCY_OFFICER


def report_todos(reporter: Reporter | None, today: datetime.date) -> list[ReportTodo]:
    """Reports to act on: returned ones, and those not submitted whose period is still open
    (due soon or overdue), soonest due first."""
    if reporter is None:
        return []
    out = []
    for period, submission in periods_for_reporter(reporter, today):
        returned = submission is not None and submission.state == State.RETURNED
        submitted = submission is not None and submission.is_submitted and not returned
        if submitted or (not returned and period.is_locked(today)):
            continue
        out.append(ReportTodo(period, submission, reporter.key, overdue=not returned and today > period.due_date,
                              returned=returned))
    out.sort(key=lambda r: (not r.returned, r.period.due_date))
    return out


def _readable_period(scope) -> Period | None:
    """The newest evaluated period of the user's units (a former district's ended in 2025)."""
    if scope.readable is None:
        return None
    return (Period.objects.filter(evaluations__unit_id__in=scope.readable)
            .order_by("-as_of", "-start").first())


def work_for(user, today: datetime.date) -> Work:
    scope = scope_for(user)
    reporter = reporter_for_user(user)
    work = Work(role=scope.role or "", reporter=reporter, reports=report_todos(reporter, today))
    if scope.role == Role.AGENCY_OFFICER:
        return _agency(work, user, today)
    if scope.role == Role.COMMUNE_OFFICER and reporter is not None and reporter.unit is not None:
        return _commune(work, user, reporter.unit, today)
    return _units(work, user, scope, today)


def _agency(work: Work, user, today: datetime.date) -> Work:
    work.organisation = organisation = work.reporter.organisation if work.reporter else None
    ctx = planning.current_context()
    if organisation is None or ctx is None:
        return work
    units = list(visible_units(user, programme_communes(ctx.period.as_of)).select_related("parent")
                 .order_by("sort_name"))
    work.agency = planning.agency_view(organisation, ctx, units, today)
    work.late_tasks = [t for t in work.agency.tasks if t.due_date is not None and t.due_date < today]
    return work


def _commune(work: Work, user, unit, today: datetime.date) -> Work:
    work.unit = unit
    work.can_enter = can_edit_values(user, unit)
    ctx = planning.current_context()
    items = planning.annotate_items(
        list(planning.items_queryset().filter(unit=unit, status__in=ACTIVE_STATUSES)), ctx, today)
    work.open_items = len(items)
    work.overdue_items = planning.overdue(items)
    if ctx is None or not unit.is_valid_on(ctx.period.as_of):
        return work
    work.period = ctx.period
    work.status = commune_statuses(ctx, [unit])[0]
    work.failing = planning.proposals(ctx, unit, items)
    return work


def _units(work: Work, user, scope, today: datetime.date) -> Work:
    period = _readable_period(scope)
    if period is None:
        return work
    work.period = period
    ctx = period_context(period)
    qs = filtered_communes(user, ctx, province_on(period.as_of), CommuneFilters(sort="tc"))
    units = list(qs[:DISTRICT_COMMUNES])
    work.communes_total = qs.count()
    work.communes = commune_statuses(ctx, units)
    rows = (RoadmapItem.objects.filter(unit__in=units)
            .values("unit_id")
            .annotate(active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
                      late=Count("pk", filter=Q(status__in=ACTIVE_STATUSES, target_date__lt=today))))
    work.late_by_unit = {r["unit_id"]: (r["active"], r["late"]) for r in rows}
    return work
