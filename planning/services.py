"""Writes of phase plans and targets (with audit)."""

from __future__ import annotations

from django.db import transaction

from audit import services as audit
from planning.models import Phase, PhaseTarget


@transaction.atomic
def set_phase_targets(phase: Phase, targets: dict[tuple[str, int], int], *, user=None, note: str = "") -> int:
    """Create or change the target counts {(level_code, year): count}; returns rows changed."""
    existing = {(t.level_code, t.year): t for t in phase.targets.select_for_update()}
    changed = 0
    before, after = {}, {}
    for (level, year), count in sorted(targets.items()):
        if count < 0:
            raise ValueError("target counts cannot be negative")
        row = existing.get((level, year))
        if row is None:
            PhaseTarget.objects.create(phase=phase, level_code=level, year=year, target_count=count, note=note)
        elif row.target_count != count:
            before[f"{level}:{year}"] = row.target_count
            row.target_count = count
            row.note = note
            row.save(update_fields=["target_count", "note"])
        else:
            continue
        after[f"{level}:{year}"] = count
        changed += 1
    if changed:
        audit.record(
            action="plan.targets", object_type="phase", object_id=phase.code, user=user,
            before=before or None, after=after, reason=note,
        )
    return changed
