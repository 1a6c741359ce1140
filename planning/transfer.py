"""Open work of dissolved communes carried to their successors (the reform of 1 July 2025).

Nothing moves by itself: the province reviews each dissolved commune that still holds active
roadmap items or a commune target, chooses the successor (proposed from the lineage; a commune
split between several successors needs a choice) and the service moves the active items with
their open tasks, and the target, in one audited transaction. Finished and cancelled items stay
with the old commune: they are its history."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from planning.models import ACTIVE_STATUSES, CommuneTarget, RoadmapItem, Task, TaskStatus
from units.models import Unit, UnitLineage


class TransferRejected(ValueError):
    pass


@dataclass
class Candidate:
    unit: Unit
    items: int = 0
    target: CommuneTarget | None = None
    successors: list[Unit] = field(default_factory=list)

    @property
    def proposed(self) -> Unit | None:
        return self.successors[0] if len(self.successors) == 1 else None


def candidates(day: datetime.date | None = None, unit_ids=None) -> list[Candidate]:
    """Units that no longer exist on `day` (today) and still hold active items or a target,
    with their successors; only those among `unit_ids` when given (the units a user may read).
    Four queries whatever the number of units."""
    day = day or timezone.localdate()
    items = RoadmapItem.objects.filter(status__in=ACTIVE_STATUSES, unit__valid_to__lt=day)
    targets = CommuneTarget.objects.filter(unit__valid_to__lt=day)
    if unit_ids is not None:
        items, targets = items.filter(unit_id__in=unit_ids), targets.filter(unit_id__in=unit_ids)
    counts = dict(items.values_list("unit_id").annotate(n=Count("id")))
    targets = {t.unit_id: t for t in targets}
    ids = set(counts) | set(targets)
    successors = defaultdict(list)
    for link in (UnitLineage.objects.filter(predecessor_id__in=ids).select_related("successor")
                 .order_by("successor__sort_name")):
        successors[link.predecessor_id].append(link.successor)
    units = Unit.objects.filter(pk__in=ids).select_related("parent").order_by("parent__sort_name", "sort_name")
    return [Candidate(u, counts.get(u.pk, 0), targets.get(u.pk), successors[u.pk]) for u in units]


@transaction.atomic
def transfer_open_work(predecessor: Unit, successor: Unit, *, user=None, ip_address: str | None = None,
                       reason: str = "") -> dict:
    """Move the predecessor's active roadmap items (with their open tasks) and its commune
    target to the successor. The successor must be one of its lineage successors."""
    if not UnitLineage.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise TransferRejected(_("%(new)s is not a successor of %(old)s in the lineage of the reform.")
                               % {"new": successor.name, "old": predecessor.name})
    if successor.valid_to is not None and successor.valid_to < timezone.localdate():
        raise TransferRejected(_("%(new)s no longer exists.") % {"new": successor.name})
    if not reason.strip():
        raise TransferRejected(_("Give the reason of the transfer (e.g. the review that decided it)."))
    items = list(RoadmapItem.objects.select_for_update().filter(unit=predecessor, status__in=ACTIVE_STATUSES))
    item_ids = [i.pk for i in items]
    tasks = Task.objects.filter(item_id__in=item_ids, unit=predecessor).exclude(status=TaskStatus.DONE)
    moved_tasks = tasks.update(unit=successor)
    RoadmapItem.objects.filter(pk__in=item_ids).update(unit=successor)
    target = CommuneTarget.objects.select_for_update().filter(unit=predecessor).first()
    target_outcome = None
    if target is not None:
        existing = CommuneTarget.objects.filter(unit=successor).first()
        before = {"level": target.level_code, "year": target.year}
        if existing is None:
            CommuneTarget.objects.create(unit=successor, level_code=target.level_code, year=target.year,
                                         note=f"chuyển từ {predecessor.name}"[:300])
            target_outcome = "moved"
        else:
            target_outcome = "kept_successor"
        target.delete()
        audit.record(action="plan.target.transfer", object_type="commune_target", object_id=successor.pk,
                     user=user, unit=successor, ip_address=ip_address, reason=reason,
                     before={"unit": predecessor.ref, **before},
                     after={"unit": successor.ref, "outcome": target_outcome})
    audit.record(action="plan.items.transfer", object_type="unit", object_id=predecessor.pk, user=user,
                 unit=successor, ip_address=ip_address, reason=reason,
                 before={"unit": predecessor.ref, "items": item_ids},
                 after={"unit": successor.ref, "items": item_ids, "tasks": moved_tasks})
    return {"items": len(item_ids), "tasks": moved_tasks, "target": target_outcome}
