"""Periods of the present (2026 on: the year and its half-years) and which periods fit a unit."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Period, PeriodKind
from audit import services as audit


@transaction.atomic
def ensure_period(
    year: int, *, as_of: datetime.date | None = None, name: str | None = None, user=None
) -> Period:
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    period, created = Period.objects.get_or_create(
        code=str(year),
        defaults={
            "name": name or _("Year %(year)s") % {"year": year},
            "start": start,
            "end": end,
            "as_of": as_of or end,
        },
    )
    if created:
        audit.record(action="period.create", object_type="period", object_id=period.code, user=user,
                     after={"name": period.name, "as_of": period.as_of.isoformat()})
    return period


@transaction.atomic
def ensure_half_year(year: int, half: int, *, user=None) -> Period:
    """The half-year period `YYYY-h1` (January-June) or `YYYY-h2` (July-December)."""
    if half not in (1, 2):
        raise ValueError(half)
    start = datetime.date(year, 1 if half == 1 else 7, 1)
    end = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
    name = (_("First half of %(year)s") if half == 1 else _("Second half of %(year)s")) % {"year": year}
    period, created = Period.objects.get_or_create(
        code=f"{year}-h{half}",
        defaults={"kind": PeriodKind.HALF, "name": name, "start": start, "end": end, "as_of": end},
    )
    if created:
        audit.record(action="period.create", object_type="period", object_id=period.code, user=user,
                     after={"name": period.name, "as_of": period.as_of.isoformat()})
    return period


def periods_of_unit(unit, periods=None) -> list[Period]:
    """Periods in which the unit exists on the period's as_of date, oldest first."""
    periods = list(Period.objects.order_by("as_of", "start")) if periods is None else periods
    return [p for p in periods if unit.is_valid_on(p.as_of)]


def period_for_day(day: datetime.date) -> Period | None:
    """The shortest period containing the day (a half-year before its year)."""
    return (
        Period.objects.filter(start__lte=day, end__gte=day)
        .order_by("end", "-start").first()
    )
