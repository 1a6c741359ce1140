"""Re-evaluate stored periods after a criteria set changed version.

Evaluations point at the version they used, and the pages read the evaluations of each set's
current version: when `load_criteria` makes a new version (a corrected threshold, an official
value entered), the periods evaluated with the old one must be evaluated again. Derived data
only: the values, their history and audit records are not touched."""

from __future__ import annotations

from assessments.models import IndicatorValue, Period
from assessments.services import evaluate_units
from units.models import Unit


def reevaluate_family(family: str) -> list[tuple[Period, int]]:
    """Every period with current values of the family, evaluated again from those values:
    [(period, number of units)]. A constant number of queries per period."""
    done = []
    periods = Period.objects.filter(
        pk__in=IndicatorValue.objects.filter(family=family, is_current=True).values("period_id")
    ).order_by("as_of")
    for period in periods:
        units = list(Unit.objects.filter(pk__in=IndicatorValue.objects.filter(
            family=family, period=period, is_current=True).values("unit_id")))
        evaluate_units(units, period)
        done.append((period, len(units)))
    return done
