"""Evaluating units and storing their statuses (derived data: always written inside the
audited write that changed the values, the criteria or the groups; never audited itself)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments.bulk import current_values, insert_rows
from assessments.catalog import family_on
from assessments.models import Evaluation, Period
from criteria import engine
from criteria.queries import catalog_versions, current_catalog
from units.models import AttributeName, Unit
from units.queries import attributes_on


def _threshold_key_name(spec) -> str:
    return AttributeName.GROUP if spec.threshold_by == "group" else AttributeName.REGION


@transaction.atomic
def evaluate_units(units: Iterable[Unit], period: Period, *, at=None) -> int:
    """Evaluate units for a period against every set of the family in force, from their current
    values; store the results. Returns the number of units evaluated. A constant number of
    queries whatever the number of units: one read (unordered), one engine pass, one write."""
    units = list(units)
    family = family_on(period.as_of)
    if family is None or not units:
        return 0
    unit_ids = [u.pk for u in units]
    values = current_values(unit_ids, period.pk, family)
    store_evaluations(unit_ids, period, family, values, at or timezone.now())
    return len(unit_ids)


def store_evaluations(unit_ids: list[int], period: Period, family: str,
                      values: Mapping[int, Mapping[str, Any]], at) -> None:
    """Evaluate the units from the values given (their current values) and replace their stored
    evaluations of the period; called inside the writer's transaction."""
    catalog = current_catalog(family)
    versions = catalog_versions(family)
    base_code = min(catalog, key=lambda code: catalog[code].level.rank)
    keys = attributes_on(unit_ids, _threshold_key_name(catalog[base_code]), period.as_of)
    on_date = period.as_of
    Evaluation.objects.filter(
        unit_id__in=unit_ids, period=period, version_id__in=[v.pk for v in versions.values()]
    ).delete()
    results = engine.evaluate_statuses(
        catalog, family,
        ((uid, engine.Context(key=keys.get(uid, ""), on_date=on_date), values[uid]) for uid in unit_ids),
    )
    rows = []
    for uid in unit_ids:
        fam = results[uid]
        for set_code, s in fam.results.items():
            version = versions[set_code]
            rows.append((
                uid, version.criteria_set_id, version.pk, s.criteria_met, s.criteria_unmet,
                s.criteria_missing, s.criteria_total, s.all_met, fam.highest_level or "",
                fam.highest_rank or 0, s.criteria,
                # Statuses only: the explanations are rebuilt from the same version and
                # values when a page shows them (assessments.queries.explained_results).
                s.statuses(),
            ))
    insert_rows(
        Evaluation, rows,
        columns=["unit_id", "criteria_set_id", "version_id", "criteria_met", "criteria_unmet",
                 "criteria_missing", "criteria_total", "all_met", "level_reached", "level_rank",
                 "criteria_status", "result"],
        constant={"period_id": period.pk, "computed_at": at},
    )
