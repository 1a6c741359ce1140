"""Read models of the reporting pages: completeness and timeliness of a period and of a reporter.

Counts are over the EXPECTED reporters of each period (reporting.reporters): a submission of a
unit that is not expected (closed before the due date) is listed apart and never counted, so
every rate is at most 100%.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from reporting.models import ReportingPeriod, ReportSchedule, State, Submission
from reporting.reporters import Reporter, expected_reporters, key_of
from reporting.services import is_on_time
from units.collation import sort_key


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Row:
    reporter: Reporter
    submission: Submission | None
    overdue: bool

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else State.NOT_STARTED

    @property
    def submitted(self) -> bool:
        return bool(self.submission and self.submission.is_submitted)

    @property
    def on_time(self) -> bool | None:
        return is_on_time(self.submission) if self.submitted else None

    @property
    def late(self) -> bool:
        return self.submitted and not self.on_time

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


@dataclass
class Completeness:
    period: ReportingPeriod
    today: datetime.date
    rows: list[Row] = field(default_factory=list)
    # Submissions of reporters that are not expected for the period (closed units, ...).
    unexpected: list[Submission] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.submitted)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.on_time)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.state == State.ACCEPTED)

    @property
    def returned(self) -> int:
        return sum(1 for r in self.rows if r.state == State.RETURNED)

    @property
    def submitted_rate(self) -> Decimal | None:
        return rate(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)

    @property
    def overdue(self) -> list[Row]:
        return [r for r in self.rows if r.overdue]


# Status filters of a period page: GET value -> label. "submitted" counts every version standing
# submitted (also returned and accepted, as the KPI does); "returned" waits for a new version.
STATUS_FILTERS = {
    "da-nop": _lazy("submitted"),
    "tre-han": _lazy("late"),
    "tra-lai": _lazy("returned"),
    "chua-nop": _lazy("missing"),
}


def filter_rows(rows: list[Row], status: str) -> list[Row]:
    test = {
        "da-nop": lambda r: r.submitted,
        "tre-han": lambda r: r.late,
        "tra-lai": lambda r: r.state == State.RETURNED,
        "chua-nop": lambda r: not r.submitted,
    }.get(status)
    return [r for r in rows if test(r)] if test else list(rows)


def _readable(submission, unit_ids) -> bool:
    if unit_ids is None:
        return True
    if submission.unit_id is not None:
        return submission.unit_id in unit_ids
    unit_id = submission.organisation.unit_id
    return unit_id is None or unit_id in unit_ids


def completeness(period: ReportingPeriod, today: datetime.date | None = None, unit_ids=None) -> Completeness:
    """Two or three queries whatever the number of reporters. With `unit_ids` (a reader's
    units, accounts.access), unexpected submissions of other units are left out: a database
    holding other provinces holds their submissions too."""
    today = today or timezone.localdate()
    reporters = expected_reporters(period)
    submissions = {
        key_of(s): s
        for s in Submission.objects.filter(period=period).select_related("unit", "organisation", "period")
    }
    result = Completeness(period=period, today=today)
    for reporter in reporters:
        submission = submissions.pop(reporter.key, None)
        submitted = bool(submission and submission.is_submitted)
        result.rows.append(Row(reporter, submission, overdue=not submitted and today > period.due_date))
    result.unexpected = sorted((s for s in submissions.values() if _readable(s, unit_ids)),
                               key=lambda s: sort_key(s.reporter_name))
    return result


@dataclass
class ReporterTotals:
    reporter: Reporter
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def submitted_rate(self) -> Decimal | None:
        return rate(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)


def reporter_totals(schedule: ReportSchedule, today: datetime.date | None = None) -> list[ReporterTotals]:
    """Per reporter, over the schedule's periods already due: each period counts only for the
    reporters expected in it (the map of its due date)."""
    today = today or timezone.localdate()
    totals: dict[str, ReporterTotals] = {}
    for period in schedule.periods.filter(due_date__lt=today).select_related("schedule"):
        for row in completeness(period, today).rows:
            t = totals.setdefault(row.reporter.key, ReporterTotals(row.reporter))
            t.expected += 1
            t.submitted += row.submitted
            t.on_time += bool(row.on_time)
            t.late += row.late
            t.missing += not row.submitted
    return sorted(totals.values(), key=lambda t: sort_key(t.reporter.name))


def periods_for_reporter(reporter: Reporter, today: datetime.date | None = None) -> list[tuple]:
    """(period, submission or None) of every period the reporter is expected in, due within the
    last year or in the next two months, newest first."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.select_related("schedule").filter(
        schedule__reporter_level=reporter.level,
        due_date__gte=today - datetime.timedelta(days=366),
        due_date__lte=today + datetime.timedelta(days=62),
    ).order_by("-due_date")
    submissions = {s.period_id: s for s in Submission.objects.filter(period__in=periods, **reporter.filter())}
    out = []
    for period in periods:
        if reporter.unit is not None and not reporter.unit.is_valid_on(period.due_date):
            continue
        out.append((period, submissions.get(period.pk)))
    return out
