"""Read-side helpers over units, their attributes and lineage."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F, QuerySet

from .models import Unit, UnitAttribute


def attributes_on(unit_ids: Iterable[int], name: str, day: datetime.date) -> dict[int, str]:
    """Value of attribute ``name`` valid on ``day`` for each unit, in one query.

    Units without such a value are absent. If several values overlap on the day, the one that
    started last wins.
    """
    rows = (
        UnitAttribute.objects.valid_on(day)
        .filter(unit_id__in=list(unit_ids), name=name)
        .order_by("unit_id", F("valid_from").asc(nulls_first=True), "id")
        .values_list("unit_id", "value")
    )
    return dict(rows)


def commune_units(province_unit: Unit, day: datetime.date) -> QuerySet[Unit]:
    """Commune-level units (xã, phường, thị trấn) under the province that exist on ``day``."""
    return (
        Unit.objects.under(province_unit)
        .commune_level()
        .valid_on(day)
        .select_related("parent")
        .order_by("code")
    )


def predecessors(unit: Unit) -> QuerySet[Unit]:
    """Units that became (part of) ``unit``."""
    return Unit.objects.filter(successor_links__successor=unit).order_by("code")


def successors(unit: Unit) -> QuerySet[Unit]:
    """Units that ``unit`` became (part of)."""
    return Unit.objects.filter(predecessor_links__predecessor=unit).order_by("code")
