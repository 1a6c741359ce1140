"""Which criteria family applies to a date, and its indicators as the data-entry side needs them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from accounts.access import editable_criteria
from criteria.models import CriteriaSet
from criteria.queries import catalog_versions, current_catalog


def family_on(day: datetime.date) -> str | None:
    """The family of the lowest-level set in force on the day (one query)."""
    found = (
        CriteriaSet.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            current_version__isnull=False,
        )
        .order_by("level_rank", "code")
        .values_list("family", flat=True)
        .first()
    )
    return found


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    label: str
    name: str
    type: str
    unit: str
    min: float | None
    max: float | None
    criterion_code: str
    criterion_name: str
    spec: object


def family_indicators(family: str) -> list[IndicatorInfo]:
    """Every indicator of the family's sets, once per code, the base set's first."""
    catalog = current_catalog(family)
    seen: dict[str, IndicatorInfo] = {}
    for spec in sorted(catalog.values(), key=lambda s: s.level.rank):
        for group in spec.groups:
            for criterion in group.criteria:
                for ind in criterion.indicators:
                    if ind.code in seen:
                        continue
                    seen[ind.code] = IndicatorInfo(
                        code=ind.code,
                        label=ind.label or ind.code,
                        name=ind.name,
                        type=ind.type,
                        unit=ind.unit or "",
                        min=ind.min,
                        max=ind.max,
                        criterion_code=f"{spec.level.code}:{criterion.code}",
                        criterion_name=criterion.name,
                        spec=ind,
                    )
    return list(seen.values())


def base_set(family: str) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(family=family, current_version__isnull=False)
        .select_related("current_version")
        .order_by("level_rank")
        .first()
    )


def allowed_indicators(user, family: str) -> set[str] | None:
    """Indicator codes the user may change in this family; None means every indicator."""
    criteria = editable_criteria(user)
    if criteria is None:
        return None
    catalog = current_catalog(family)
    allowed = set()
    for set_code, criterion_code in criteria:
        spec = catalog.get(set_code)
        if spec is None:
            continue
        for group in spec.groups:
            for criterion in group.criteria:
                if criterion.code == criterion_code:
                    allowed.update(ind.code for ind in criterion.indicators)
    return allowed


__all__ = [
    "allowed_indicators", "base_set", "catalog_versions", "current_catalog", "family_indicators", "family_on",
]
