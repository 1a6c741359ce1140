"""Read criteria sets back from the database as validated specs."""

from __future__ import annotations

import functools

from django.db.models import F

from criteria.models import CriteriaSetVersion
from criteria.schema import CriteriaSetSpec


class _VersionKey:
    """Cache key of a version: its pk and content hash (versions are immutable; the hash also
    guards against a pk reused after a rolled-back test transaction)."""

    __slots__ = ("pk", "sha256", "content")

    def __init__(self, version: CriteriaSetVersion):
        self.pk = version.pk
        self.sha256 = version.sha256
        self.content = version.content

    def __hash__(self) -> int:
        return hash((self.pk, self.sha256))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _VersionKey) and (self.pk, self.sha256) == (other.pk, other.sha256)


@functools.lru_cache(maxsize=256)
def _spec(key: _VersionKey) -> CriteriaSetSpec:
    return CriteriaSetSpec.model_validate(key.content)


def spec_for_version(version: CriteriaSetVersion) -> CriteriaSetSpec:
    """The validated spec of a stored version (cached: versions never change)."""
    return _spec(_VersionKey(version))


spec_for_version.cache_clear = _spec.cache_clear  # type: ignore[attr-defined]


def catalog_versions(family: str) -> dict[str, CriteriaSetVersion]:
    """The current version of every set of a family, by set code (one query)."""
    versions = (
        CriteriaSetVersion.objects.filter(
            criteria_set__family=family, criteria_set__current_version=F("pk")
        )
        .select_related("criteria_set")
        .order_by("criteria_set__level_rank", "criteria_set__code")
    )
    return {version.criteria_set.code: version for version in versions}


def current_catalog(family: str) -> dict[str, CriteriaSetSpec]:
    """The current spec of every set of a family, by set code (one query)."""
    return {code: spec_for_version(v) for code, v in catalog_versions(family).items()}
