"""Every write of the planning app: phase plans and targets, roadmaps, tasks, progress notes,
helping agencies, support teams and field visits. Each function owns its transaction and
writes its audit record in it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from audit import services as audit
from planning.models import (
    CommuneTarget,
    FieldVisit,
    FundingSource,
    HelpingAssignment,
    ItemStatus,
    Phase,
    PhaseTarget,
    ProgressNote,
    RoadmapIndicator,
    RoadmapItem,
    SupportTeamMember,
    Task,
    TaskOwner,
    TaskStatus,
    YearTarget,
)
from units.models import Unit


@transaction.atomic
def set_phase_targets(phase: Phase, targets: dict[tuple[str, int], int], *, user=None, note: str = "",
                      ip_address: str | None = None) -> int:
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
            before=before or None, after=after, reason=note, ip_address=ip_address,
        )
    return changed


# ------------------------------------------------------------------ roadmaps


@dataclass(frozen=True)
class ItemSpec:
    """What creating one roadmap item needs; `indicators` maps code to (criterion code, value
    when planned, target value) as the proposals give them."""

    unit: Unit
    family: str
    indicators: dict[str, tuple[str, str, str]]
    title: str
    target_date: datetime.date
    estimated_cost: int = 0
    funding_source: str = FundingSource.NTM
    helping_agency: Organisation | None = None
    illustrative: bool = False


def _check_item_fields(*, title: str, estimated_cost: int, funding_source: str, status: str | None = None):
    if not title.strip():
        raise ValueError("a roadmap item needs a title")
    if estimated_cost is None or int(estimated_cost) < 0:
        raise ValueError("the estimated cost cannot be negative")
    if funding_source not in FundingSource.values:
        raise ValueError(f"unknown funding source {funding_source!r}")
    if status is not None and status not in ItemStatus.values:
        raise ValueError(f"unknown status {status!r}")


def _item_snapshot(item: RoadmapItem) -> dict:
    return {
        "title": item.title, "target_date": item.target_date.isoformat(),
        "estimated_cost": item.estimated_cost, "funding_source": item.funding_source,
        "helping_agency": item.helping_agency_id, "status": item.status,
    }


@transaction.atomic
def create_items(specs: list[ItemSpec], *, user=None, reason: str = "",
                 ip_address: str | None = None) -> list[RoadmapItem]:
    """Create roadmap items (accepting or merging proposals): one audit record per item, a
    constant number of queries for any number of items."""
    now = timezone.now()
    creator = user if getattr(user, "is_authenticated", False) else None
    items = []
    for spec in specs:
        _check_item_fields(title=spec.title, estimated_cost=spec.estimated_cost,
                           funding_source=spec.funding_source)
        if not spec.indicators:
            raise ValueError("a roadmap item needs at least one indicator")
        items.append(RoadmapItem(
            unit=spec.unit, family=spec.family, title=spec.title.strip(), target_date=spec.target_date,
            estimated_cost=int(spec.estimated_cost), funding_source=spec.funding_source,
            helping_agency=spec.helping_agency, illustrative=spec.illustrative, created_at=now,
            created_by=creator,
        ))
    items = RoadmapItem.objects.bulk_create(items, batch_size=500)
    RoadmapIndicator.objects.bulk_create(
        [
            RoadmapIndicator(item=item, indicator=code, criterion=criterion, value_at_start=start,
                             target_value=target)
            for item, spec in zip(items, specs, strict=True)
            for code, (criterion, start, target) in sorted(spec.indicators.items())
        ],
        batch_size=500,
    )
    audit.record_many(
        [
            dict(action="plan.item.create", object_type="roadmap_item", object_id=item.pk, user=user,
                 unit=spec.unit, after={**_item_snapshot(item), "indicators": sorted(spec.indicators)},
                 reason=reason, ip_address=ip_address)
            for item, spec in zip(items, specs, strict=True)
        ],
        at=now,
    )
    return items


@transaction.atomic
def update_item(item: RoadmapItem, *, user=None, ip_address: str | None = None, **changes) -> RoadmapItem:
    """Change the title, target date, cost, funding source or helping agency of an item."""
    allowed = {"title", "target_date", "estimated_cost", "funding_source", "helping_agency"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    before = _item_snapshot(item)
    for name, value in changes.items():
        setattr(item, name, value)
    _check_item_fields(title=item.title, estimated_cost=item.estimated_cost, funding_source=item.funding_source)
    after = _item_snapshot(item)
    if after != before:
        item.save(update_fields=sorted(changes))
        audit.record(action="plan.item.update", object_type="roadmap_item", object_id=item.pk, user=user,
                     unit=item.unit, before=before, after=after, ip_address=ip_address)
    return item


@transaction.atomic
def set_item_status(item: RoadmapItem, status: str, *, met: bool = False, user=None, reason: str = "",
                    ip_address: str | None = None) -> RoadmapItem:
    """Move an item to a status. Closing it as done needs its indicators met now (`met`, from
    planning.queries.annotate_items); cancelling needs a reason."""
    _check_item_fields(title="x", estimated_cost=0, funding_source=FundingSource.NTM, status=status)
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if status == ItemStatus.DONE and not met:
        raise ValueError("an item can be closed as done only when its indicators are met")
    if status == ItemStatus.CANCELLED and not reason.strip():
        raise ValueError("cancelling an item needs a reason")
    if item.status == status:
        return item
    before = item.status
    item.status = status
    item.closed_at = timezone.now() if status in (ItemStatus.DONE, ItemStatus.CANCELLED) else None
    item.save(update_fields=["status", "closed_at"])
    audit.record(action="plan.item.status", object_type="roadmap_item", object_id=item.pk, user=user,
                 unit=item.unit, before={"status": before}, after={"status": status}, reason=reason,
                 ip_address=ip_address)
    return item


@transaction.atomic
def add_task(
    *, unit: Unit, title: str, owner: str = TaskOwner.COMMUNE, organisation: Organisation | None = None,
    due_date: datetime.date | None = None, item: RoadmapItem | None = None, visit: FieldVisit | None = None,
    user=None, ip_address: str | None = None,
) -> Task:
    if not title.strip():
        raise ValueError("a task needs a title")
    if owner not in TaskOwner.values:
        raise ValueError(f"unknown owner {owner!r}")
    if owner == TaskOwner.AGENCY and organisation is None:
        raise ValueError("a task of an agency names the agency")
    task = Task.objects.create(
        unit=unit, item=item, visit=visit, title=title.strip(), owner=owner,
        organisation=organisation if owner == TaskOwner.AGENCY else None, due_date=due_date,
        created_at=timezone.now(),
    )
    audit.record(action="plan.task.create", object_type="plan_task", object_id=task.pk, user=user, unit=unit,
                 after={"title": task.title, "owner": owner, "organisation": task.organisation_id,
                        "due_date": due_date.isoformat() if due_date else None,
                        "item": item.pk if item else None, "visit": visit.pk if visit else None},
                 ip_address=ip_address)
    return task


@transaction.atomic
def set_task_status(task: Task, status: str, *, user=None, ip_address: str | None = None) -> Task:
    if status not in TaskStatus.values:
        raise ValueError(f"unknown status {status!r}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != status:
        before = task.status
        task.status = status
        task.save(update_fields=["status"])
        audit.record(action="plan.task.status", object_type="plan_task", object_id=task.pk, user=user,
                     unit=task.unit, before={"status": before}, after={"status": status}, ip_address=ip_address)
    return task


@transaction.atomic
def add_progress_note(item: RoadmapItem, *, date: datetime.date, text: str, evidence=None, user=None,
                      ip_address: str | None = None) -> ProgressNote:
    """A dated progress note, with an optional evidence file (pdf, jpg, png, docx, xlsx; 10 MB)."""
    if not text.strip():
        raise ValueError("a progress note needs a text")
    note = ProgressNote(item=item, date=date, text=text.strip(), created_at=timezone.now(),
                        created_by=user if getattr(user, "is_authenticated", False) else None)
    if evidence is not None:
        note.evidence = evidence
    note.full_clean(exclude=["item", "created_by"])
    note.save()
    audit.record(action="plan.item.note", object_type="roadmap_item", object_id=item.pk, user=user,
                 unit=item.unit, after={"date": date.isoformat(), "text": note.text,
                                        "evidence": note.evidence.name or None}, ip_address=ip_address)
    return note


# ------------------------------------------------------------------ targets and responsibility


@transaction.atomic
def set_year_targets(phase: Phase, targets: dict[int, tuple[int | None, Decimal | None]], *, user=None,
                     note: str = "", ip_address: str | None = None) -> int:
    """{year: (no commune under this many criteria, average criteria per commune)}."""
    existing = {t.year: t for t in phase.year_targets.select_for_update()}
    before, after = {}, {}
    for year, (floor, average) in sorted(targets.items()):
        average = None if average in (None, "") else Decimal(str(average))
        if (floor is not None and floor < 0) or (average is not None and average < 0):
            raise ValueError("targets cannot be negative")
        row = existing.get(year)
        if row is not None and (row.min_criteria, row.avg_criteria) == (floor, average):
            continue
        if row is None:
            YearTarget.objects.create(phase=phase, year=year, min_criteria=floor, avg_criteria=average, note=note)
        else:
            before[str(year)] = [row.min_criteria, str(row.avg_criteria) if row.avg_criteria is not None else None]
            row.min_criteria, row.avg_criteria, row.note = floor, average, note
            row.save(update_fields=["min_criteria", "avg_criteria", "note"])
        after[str(year)] = [floor, str(average) if average is not None else None]
    if after:
        audit.record(action="plan.year_targets", object_type="phase", object_id=phase.code, user=user,
                     before=before or None, after=after, reason=note, ip_address=ip_address)
    return len(after)


@transaction.atomic
def set_targets_grid(phase: Phase, counts: dict[tuple[str, int], int],
                     year_targets: dict[int, tuple[int | None, Decimal | None]], *, user=None, note: str = "",
                     ip_address: str | None = None) -> int:
    """The grid of a phase in one transaction: the target counts {(level, year): count} and the
    criteria targets {year: (floor, average)}; each part writes its audit record (plan.targets,
    plan.year_targets) when something changed. All or nothing; returns the cells changed."""
    changed = set_phase_targets(phase, counts, user=user, note=note, ip_address=ip_address) if counts else 0
    if year_targets:
        changed += set_year_targets(phase, year_targets, user=user, note=note, ip_address=ip_address)
    return changed


@transaction.atomic
def set_commune_target(unit: Unit, level_code: str | None, year: int | None, *, user=None, note: str = "",
                       ip_address: str | None = None):
    """Set (or with no level, remove) the level and year a commune plans to reach."""
    row = CommuneTarget.objects.select_for_update().filter(unit=unit).first()
    before = {"level": row.level_code, "year": row.year} if row else None
    if not level_code:
        if row is None:
            return None
        row.delete()
        audit.record(action="plan.commune_target", object_type="unit", object_id=unit.ref, user=user, unit=unit,
                     before=before, after=None, reason=note, ip_address=ip_address)
        return None
    if year is None:
        raise ValueError("a commune target needs a year")
    if row is None:
        row = CommuneTarget.objects.create(unit=unit, level_code=level_code, year=year, note=note)
    elif (row.level_code, row.year) != (level_code, year):
        row.level_code, row.year, row.note = level_code, year, note
        row.save(update_fields=["level_code", "year", "note"])
    else:
        return row
    audit.record(action="plan.commune_target", object_type="unit", object_id=unit.ref, user=user, unit=unit,
                 before=before, after={"level": level_code, "year": year}, reason=note, ip_address=ip_address)
    return row


@transaction.atomic
def set_helping_agency(organisation: Organisation, unit: Unit, *, helping: bool = True, user=None,
                       note: str = "", ip_address: str | None = None) -> bool:
    """Assign (or remove) an agency helping a commune; True when something changed."""
    row = HelpingAssignment.objects.filter(organisation=organisation, unit=unit).first()
    if helping == (row is not None):
        return False
    if helping:
        HelpingAssignment.objects.create(organisation=organisation, unit=unit, note=note)
    else:
        row.delete()
    audit.record(action="plan.helping", object_type="unit", object_id=unit.ref, user=user, unit=unit,
                 before={"agency": organisation.code} if not helping else None,
                 after={"agency": organisation.code} if helping else None, reason=note, ip_address=ip_address)
    return True


@transaction.atomic
def add_support_member(unit: Unit, *, name: str = "", role: str = "", member=None, user=None,
                       ip_address: str | None = None) -> SupportTeamMember:
    if member is None and not name.strip():
        raise ValueError("a support team member is a user or a name")
    row = SupportTeamMember.objects.create(unit=unit, user=member, name=name.strip(), role=role.strip())
    audit.record(action="plan.support_team.add", object_type="support_member", object_id=row.pk, user=user,
                 unit=unit, after={"name": row.name, "user": member.pk if member else None, "role": row.role},
                 ip_address=ip_address)
    return row


@transaction.atomic
def remove_support_member(row: SupportTeamMember, *, user=None, ip_address: str | None = None) -> None:
    audit.record(action="plan.support_team.remove", object_type="support_member", object_id=row.pk,
                 user=user, unit=row.unit, before={"name": row.name, "user": row.user_id, "role": row.role},
                 ip_address=ip_address)
    row.delete()


@dataclass(frozen=True)
class FollowUp:
    title: str
    owner: str = TaskOwner.COMMUNE
    due_date: datetime.date | None = None


@transaction.atomic
def record_field_visit(
    organisation: Organisation, unit: Unit, *, date: datetime.date, members: str = "",
    criteria_checked: list[str] | None = None, findings: str = "", difficulties: str = "",
    follow_ups: list[FollowUp] = (), illustrative: bool = False, user=None, ip_address: str | None = None,
) -> FieldVisit:
    """An agency's visit to a commune; each agreed follow-up becomes a tracked task."""
    visit = FieldVisit.objects.create(
        organisation=organisation, unit=unit, date=date, members=members.strip(),
        criteria_checked=sorted(set(criteria_checked or []), key=_code_key), findings=findings.strip(),
        difficulties=difficulties.strip(), illustrative=illustrative, created_at=timezone.now(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(action="plan.visit.create", object_type="field_visit", object_id=visit.pk, user=user, unit=unit,
                 after={"agency": organisation.code, "date": date.isoformat(),
                        "criteria": visit.criteria_checked, "follow_ups": len(follow_ups)},
                 ip_address=ip_address)
    for follow in follow_ups:
        add_task(unit=unit, title=follow.title, owner=follow.owner, due_date=follow.due_date,
                 organisation=organisation if follow.owner == TaskOwner.AGENCY else None, visit=visit, user=user,
                 ip_address=ip_address)
    return visit


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in str(code).split(".")]
