"""Load the criteria set files into the database as immutable versions."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from audit import services as audit
from criteria.loader import load_directory_with_paths
from criteria.models import CriteriaSet, CriteriaSetVersion
from criteria.schema import CriteriaSetSpec


@dataclass(frozen=True)
class SyncResult:
    set: CriteriaSet
    version: CriteriaSetVersion
    created: bool  # True when this run created the version
    # The number of the version that was current before this run, when this run changed it
    # (None for a new set or when the current version stays).
    previous_number: int | None = None

    @property
    def restored(self) -> bool:
        """The set went back to an earlier version whose content the files have again."""
        return not self.created and self.previous_number is not None


def canonical_number(value: Decimal) -> str:
    """A number's one spelling: 39, 39.0 and 3.9E+1 are all "39"; -0 is "0"."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _json_form(value: Any) -> Any:
    if isinstance(value, Decimal):
        return canonical_number(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_form(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_form(item) for item in value]
    return value


def spec_content(spec: CriteriaSetSpec) -> dict:
    """The stored form of a spec: JSON types only (dates ISO, numbers as strings in one canonical
    spelling, so that 39 and 39.0 store and hash alike)."""
    return _json_form(spec.model_dump(mode="python"))


def content_hash(content: dict) -> str:
    normalized = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _source_path(path: Path) -> str:
    try:
        shown = path.resolve().relative_to(Path(settings.BASE_DIR).resolve())
    except ValueError:
        shown = path
    return str(shown)[:300]


def sync_sets(directory: str | Path | None = None, user=None) -> list[SyncResult]:
    """Validate every file of `directory` (all of them first: any error raises CriteriaFileError
    and writes nothing), then create or update the sets and add a version for each set whose
    content changed. Running it twice creates nothing the second time."""
    directory = Path(directory if directory is not None else settings.NTM_CRITERIA_DIR)
    loaded = load_directory_with_paths(directory)
    results: list[SyncResult] = []
    with transaction.atomic():
        for path, spec in loaded:
            content = spec_content(spec)
            sha = content_hash(content)
            fields = {
                "name": spec.name,
                "family": spec.family,
                "level_code": spec.level.code,
                "level_name": spec.level.name,
                "level_rank": spec.level.rank,
                "threshold_by": spec.threshold_by,
                "illustrative": spec.illustrative,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
            }
            criteria_set, set_created = CriteriaSet.objects.select_for_update().get_or_create(
                code=spec.code, defaults=fields
            )
            if not set_created:
                changed = [k for k, v in fields.items() if getattr(criteria_set, k) != v]
                for name in changed:
                    setattr(criteria_set, name, fields[name])
                if changed:
                    criteria_set.save(update_fields=changed)
            version = criteria_set.versions.filter(sha256=sha).first()
            created = version is None
            if created:
                last = (
                    criteria_set.versions.order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                version = CriteriaSetVersion.objects.create(
                    criteria_set=criteria_set,
                    number=(last or 0) + 1,
                    sha256=sha,
                    content=content,
                    source_path=_source_path(path),
                    loaded_by=user,
                )
            previous = criteria_set.current_version_id
            previous_number = None
            if previous != version.pk:
                criteria_set.current_version = version
                criteria_set.save(update_fields=["current_version"])
                if previous is not None:
                    previous_number = CriteriaSetVersion.objects.get(pk=previous).number
                audit.record(
                    action="criteria.load", object_type="criteria_set", object_id=spec.code,
                    user=user,
                    before={"version": previous_number},
                    after={"version": version.number, "sha256": sha, "file": version.source_path},
                )
            results.append(
                SyncResult(
                    set=criteria_set,
                    version=version,
                    created=created,
                    previous_number=previous_number,
                )
            )
    return results
