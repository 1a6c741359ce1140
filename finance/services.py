"""Every write of the finance app. Each function owns its transaction and writes one audit
record in it; a refusal (`Refused`) names the figures and writes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from finance.checks import (
    describe_line,
)
from finance.models import (
    Adjustment,
    Allocation,
    Component,
    PlanLine,
    Programme,
    Project,
    ProjectKind,
    Source,
)
from finance.money import dong
from units.models import COMMUNE_LEVEL_KINDS, Unit

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "capital.yaml"


class Refused(ValueError):
    """A write that would break a rule of the money; `errors` lists every reason."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__(" ".join(self.errors))


def _creator(user):
    return user if getattr(user, "is_authenticated", False) else None


def _amount(value) -> int:
    amount = int(value)
    if amount != value or amount < 0:
        raise Refused(_("An amount must be a whole, non-negative number of đồng (got %(value)s).")
                      % {"value": value})
    return amount


def _decide(record: PlanLine | Allocation, amount: int, decision_number: str,
            decision_date: datetime.date) -> dict:
    """Give an existing plan line or allocation the amount of a new decision; returns what it
    had before (for the adjustment and the audit record)."""
    before = {"amount": record.amount, "decision": record.decision_number}
    record.amount = amount
    record.decision_number = decision_number.strip()
    record.decision_date = decision_date
    record.save(update_fields=["amount", "decision_number", "decision_date"])
    return before


def _keep_adjustment(record: PlanLine | Allocation, before: dict | None, *, reason: str, at, user) -> None:
    """The history row of a plan line's or an allocation's amount (`before` None: created)."""
    owner = {"plan_line": record} if isinstance(record, PlanLine) else {"allocation": record}
    Adjustment.objects.create(
        **owner, amount_before=before["amount"] if before else None, amount_after=record.amount,
        decision_number=record.decision_number, decision_date=record.decision_date, reason=reason,
        recorded_at=at, recorded_by=_creator(user),
    )


# ------------------------------------------------------------------ reference data


@transaction.atomic
def sync_reference(path: Path = REFERENCE_FILE, *, user=None) -> dict:
    """Load programmes, components and sources from the YAML file: create or update by code."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    changed = {"programmes": 0, "components": 0, "sources": 0}
    for entry in data["programmes"]:
        programme, created = Programme.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "short_name": entry["short_name"],
                      "valid_from": entry.get("valid_from"), "valid_to": entry.get("valid_to"),
                      "source": entry.get("source", "")},
        )
        changed["programmes"] += created
        for comp in entry.get("components", []):
            _c, created = Component.objects.update_or_create(
                programme=programme, code=comp["code"],
                defaults={"name": comp["name"], "illustrative": "minh họa" in comp["name"],
                          "source": comp.get("source", programme.source)},
            )
            changed["components"] += created
    for position, entry in enumerate(data["sources"]):
        _s, created = Source.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "capital_kind": entry["capital_kind"], "position": position,
                      "valid_from": entry.get("valid_from"), "valid_to": entry.get("valid_to"),
                      "source": entry.get("source", "")},
        )
        changed["sources"] += created
    if any(changed.values()):
        audit.record(action="finance.reference", object_type="finance_reference", object_id=path.name,
                     user=user, after=changed)
    return changed


# ------------------------------------------------------------------ plans


def _is_valid(obj, day: datetime.date) -> bool:
    return (obj.valid_from is None or obj.valid_from <= day) and (obj.valid_to is None or day <= obj.valid_to)


@transaction.atomic
def set_plan_line(*, province: Unit, year: int, programme: Programme, source: Source, amount: int,
                  decision_number: str, decision_date: datetime.date, component: Component | None = None,
                  user=None, reason: str = "", ip_address: str | None = None,
                  illustrative: bool = False) -> PlanLine:
    """Create the plan line of a year, or adjust it by a new decision (history kept)."""
    amount = _amount(amount)
    if not decision_number.strip():
        raise Refused(_("A plan or allocation needs the number of its decision."))
    if component is not None and component.programme_id != programme.pk:
        raise Refused(_("The component %(component)s is not part of %(programme)s.")
                      % {"component": component.name, "programme": programme.short_name})
    mid_year = datetime.date(year, 6, 30)
    if not _is_valid(programme, mid_year):
        raise Refused(_("%(programme)s does not run in %(year)s.")
                      % {"programme": programme.short_name, "year": year})
    if not (_is_valid(source, datetime.date(year, 1, 1)) or _is_valid(source, datetime.date(year, 12, 31))):
        raise Refused(_("The source %(source)s does not exist in %(year)s.")
                      % {"source": source.name, "year": year})
    line = (PlanLine.objects.select_for_update(of=("self",))
            .filter(province=province, year=year, programme=programme, component=component, source=source)
            .first())
    now = timezone.now()
    before = None
    if line is None:
        line = PlanLine.objects.create(
            province=province, year=year, programme=programme, component=component, source=source,
            amount=amount, decision_number=decision_number.strip(), decision_date=decision_date,
            illustrative=illustrative,
        )
    else:
        allocated = line.allocations.aggregate(s=Sum("amount"))["s"] or 0
        if amount < allocated:
            raise Refused(
                _("The plan of %(line)s cannot go down to %(amount)s: %(allocated)s is already "
                  "allocated to projects. Reduce the allocations first.")
                % {"line": describe_line(line), "amount": dong(amount), "allocated": dong(allocated)}
            )
        before = _decide(line, amount, decision_number, decision_date)
    _keep_adjustment(line, before, reason=reason, at=now, user=user)
    audit.record(action="finance.plan", object_type="plan_line", object_id=line.pk, user=user,
                 unit=province, before=before,
                 after={"year": year, "programme": programme.code,
                        "component": component.code if component else None, "source": source.code,
                        "amount": amount, "decision": line.decision_number},
                 reason=reason, ip_address=ip_address)
    return line


# ------------------------------------------------------------------ projects


@dataclass
class ProjectSpec:
    unit: Unit
    code: str
    name: str
    kind: str = ProjectKind.OTHER
    owner: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    total_investment: int = 0
    criteria: tuple[str, ...] = ()
    roadmap_item_ids: tuple[int, ...] = ()
    illustrative: bool = False


def _check_project(spec: ProjectSpec) -> None:
    errors = []
    if not spec.code.strip() or not spec.name.strip():
        errors.append(_("A project needs a code and a name."))
    if spec.unit.kind not in COMMUNE_LEVEL_KINDS:
        errors.append(_("A project belongs to a commune."))
    if spec.kind not in ProjectKind.values:
        errors.append(_("Unknown kind of project."))
    if spec.start_date and spec.end_date and spec.end_date < spec.start_date:
        errors.append(_("The project ends before it starts."))
    if errors:
        raise Refused(errors)


@transaction.atomic
def create_projects(specs: list[ProjectSpec], *, user=None, reason: str = "",
                    ip_address: str | None = None) -> list[Project]:
    """Create projects: a constant number of queries for any number, one audit record each."""
    now = timezone.now()
    for spec in specs:
        _check_project(spec)
        spec.total_investment = _amount(spec.total_investment)
    codes = [s.code.strip() for s in specs]
    taken = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken or len(set(codes)) != len(codes):
        raise Refused(_("The project code %(code)s is already used.")
                      % {"code": ", ".join(sorted(taken)) or "?"})
    projects = Project.objects.bulk_create([
        Project(code=s.code.strip(), unit=s.unit, name=s.name.strip(), kind=s.kind, owner=s.owner.strip(),
                start_date=s.start_date, end_date=s.end_date, total_investment=s.total_investment,
                criteria=sorted(set(s.criteria)), illustrative=s.illustrative, created_at=now,
                created_by=_creator(user))
        for s in specs
    ], batch_size=500)
    links = [
        Project.roadmap_items.through(project_id=p.pk, roadmapitem_id=item_id)
        for p, s in zip(projects, specs, strict=True) for item_id in s.roadmap_item_ids
    ]
    if links:
        Project.roadmap_items.through.objects.bulk_create(links, batch_size=500)
    audit.record_many([
        dict(action="finance.project.create", object_type="project", object_id=p.pk, user=user, unit=p.unit,
             after=_project_snapshot(p), reason=reason, ip_address=ip_address)
        for p in projects
    ], at=now)
    return projects


def _project_snapshot(project: Project, roadmap_item_ids=None) -> dict:
    snapshot = {"code": project.code, "name": project.name, "kind": project.kind, "owner": project.owner,
                "start": project.start_date.isoformat() if project.start_date else None,
                "end": project.end_date.isoformat() if project.end_date else None,
                "total_investment": project.total_investment, "criteria": project.criteria}
    if roadmap_item_ids is not None:
        snapshot["roadmap_items"] = sorted(roadmap_item_ids)
    return snapshot


@transaction.atomic
def update_project(project: Project, *, user=None, reason: str = "", ip_address: str | None = None,
                   roadmap_item_ids=None, **fields) -> Project:
    """Change a project's description and, when `roadmap_item_ids` is given, the roadmap items of
    its commune it serves (an item of another commune is refused). Code and commune stay."""
    allowed = {"name", "kind", "owner", "start_date", "end_date", "total_investment", "criteria"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    project = Project.objects.select_for_update(of=("self",)).select_related("unit").get(pk=project.pk)
    links = Project.roadmap_items.through.objects.filter(project_id=project.pk)
    linked = set(links.values_list("roadmapitem_id", flat=True))
    before = _project_snapshot(project, linked if roadmap_item_ids is not None else None)
    for key, value in fields.items():
        setattr(project, key, value)
    spec = ProjectSpec(unit=project.unit, code=project.code, name=project.name, kind=project.kind,
                       start_date=project.start_date, end_date=project.end_date)
    _check_project(spec)
    project.total_investment = _amount(project.total_investment)
    if roadmap_item_ids is not None:
        from planning.models import RoadmapItem

        wanted = {int(pk) for pk in roadmap_item_ids}
        own = set(RoadmapItem.objects.filter(pk__in=wanted, unit_id=project.unit_id).values_list("pk", flat=True))
        if wanted - own:
            raise Refused(_("A project can serve only roadmap items of its own commune."))
        links.filter(roadmapitem_id__in=linked - wanted).delete()
        Project.roadmap_items.through.objects.bulk_create(
            [Project.roadmap_items.through(project_id=project.pk, roadmapitem_id=pk) for pk in sorted(wanted - linked)])
    if fields:
        project.save(update_fields=sorted(fields))
    audit.record(action="finance.project.update", object_type="project", object_id=project.pk, user=user,
                 unit=project.unit, before=before,
                 after=_project_snapshot(project, wanted if roadmap_item_ids is not None else None),
                 reason=reason, ip_address=ip_address)
    return project


# ------------------------------------------------------------------ allocations


def _in_province(unit: Unit, province: Unit) -> bool:
    parent = unit.parent
    return unit.parent_id == province.pk or (parent is not None and parent.parent_id == province.pk)


@transaction.atomic
def set_allocation(*, project: Project, plan_line: PlanLine, amount: int, decision_number: str,
                   decision_date: datetime.date, user=None, reason: str = "",
                   ip_address: str | None = None) -> Allocation:
    """Allocate part of a plan line to a project, or adjust the allocation by a new decision.
    Refused, with the figures, when the plan line would be exceeded or when less than what was
    already disbursed would remain."""
    amount = _amount(amount)
    if not decision_number.strip():
        raise Refused(_("A plan or allocation needs the number of its decision."))
    line = PlanLine.objects.select_for_update(of=("self",)).select_related("programme", "component", "source").get(
        pk=plan_line.pk)
    if not _in_province(project.unit, line.province):
        raise Refused(_("%(commune)s is not a commune of %(province)s.")
                      % {"commune": project.unit.name, "province": line.province.name})
    allocation = Allocation.objects.select_for_update(of=("self",)).filter(plan_line=line, project=project).first()
    others = (line.allocations.exclude(pk=allocation.pk if allocation else None)
              .aggregate(s=Sum("amount"))["s"] or 0)
    if others + amount > line.amount:
        raise Refused(
            _("The allocation of %(amount)s to %(project)s exceeds the plan: %(line)s has %(plan)s, "
              "%(others)s is already allocated to other projects, %(left)s is left.")
            % {"amount": dong(amount), "project": project.name, "line": describe_line(line),
               "plan": dong(line.amount), "others": dong(others), "left": dong(line.amount - others)}
        )
    now = timezone.now()
    before = None
    if allocation is None:
        allocation = Allocation.objects.create(plan_line=line, project=project, amount=amount,
                                               decision_number=decision_number.strip(),
                                               decision_date=decision_date)
    else:
        paid = (allocation.disbursements.order_by("-month").values_list("cumulative", flat=True).first()
                or 0)
        if amount < paid:
            raise Refused(
                _("The allocation of %(project)s cannot go down to %(amount)s: %(paid)s has already "
                  "been disbursed from it.")
                % {"project": project.name, "amount": dong(amount), "paid": dong(paid)}
            )
        before = _decide(allocation, amount, decision_number, decision_date)
    _keep_adjustment(allocation, before, reason=reason, at=now, user=user)
    audit.record(action="finance.allocation", object_type="allocation", object_id=allocation.pk, user=user,
                 unit=project.unit, before=before,
                 after={"project": project.code, "plan_line": line.pk, "amount": amount,
                        "decision": allocation.decision_number},
                 reason=reason, ip_address=ip_address)
    return allocation


@dataclass(frozen=True)
class AllocationSpec:
    project: Project
    plan_line: PlanLine
    amount: int


@transaction.atomic
def allocate_many(specs: list[AllocationSpec], *, decision_number: str, decision_date: datetime.date,
                  user=None, reason: str = "", ip_address: str | None = None) -> list[Allocation]:
    """One allocation decision for many projects (new allocations only; an adjustment goes
    through set_allocation). All or nothing: refused with the figures of every plan line that
    would be exceeded. A constant number of queries for any number of projects."""
    if not decision_number.strip():
        raise Refused(_("A plan or allocation needs the number of its decision."))
    line_ids = {s.plan_line.pk for s in specs}
    lines = {line.pk: line for line in PlanLine.objects.select_for_update(of=("self",)).filter(pk__in=line_ids)
             .select_related("programme", "component", "source", "province")}
    taken = dict(Allocation.objects.filter(plan_line_id__in=line_ids).values("plan_line_id")
                 .annotate(s=Sum("amount")).values_list("plan_line_id", "s"))
    existing = set(Allocation.objects.filter(plan_line_id__in=line_ids,
                                             project_id__in={s.project.pk for s in specs})
                   .values_list("plan_line_id", "project_id"))
    provinces = {line.province_id for line in lines.values()}
    under: dict[int, set[int]] = {pk: set() for pk in provinces}
    for unit_id, parent_id, grand_id in (Unit.objects.filter(pk__in={s.project.unit_id for s in specs})
                                         .values_list("pk", "parent_id", "parent__parent_id")):
        for province_id in {parent_id, grand_id} & provinces:
            under[province_id].add(unit_id)
    asked: dict[int, int] = {}
    errors, seen = [], set()
    for spec in specs:
        amount = _amount(spec.amount)
        key = (spec.plan_line.pk, spec.project.pk)
        if key in existing or key in seen:
            errors.append(_("%(project)s already has an allocation from %(line)s.")
                          % {"project": spec.project.name, "line": describe_line(lines[spec.plan_line.pk])})
        seen.add(key)
        if spec.project.unit_id not in under[lines[spec.plan_line.pk].province_id]:
            errors.append(_("%(commune)s is not a commune of %(province)s.")
                          % {"commune": spec.project.unit.name,
                             "province": lines[spec.plan_line.pk].province.name})
        asked[spec.plan_line.pk] = asked.get(spec.plan_line.pk, 0) + amount
    for line_id, amount in asked.items():
        line, others = lines[line_id], taken.get(line_id, 0)
        if others + amount > line.amount:
            errors.append(_(
                "The allocations of %(amount)s from %(line)s exceed the plan: it has %(plan)s, %(others)s is "
                "already allocated, %(left)s is left.")
                % {"amount": dong(amount), "line": describe_line(line), "plan": dong(line.amount),
                   "others": dong(others), "left": dong(line.amount - others)})
    if errors:
        raise Refused(errors)
    now = timezone.now()
    allocations = Allocation.objects.bulk_create([
        Allocation(plan_line_id=s.plan_line.pk, project=s.project, amount=int(s.amount),
                   decision_number=decision_number.strip(), decision_date=decision_date) for s in specs
    ], batch_size=1000)
    Adjustment.objects.bulk_create([
        Adjustment(allocation=a, amount_after=a.amount, decision_number=a.decision_number,
                   decision_date=decision_date, reason=reason, recorded_at=now, recorded_by=_creator(user))
        for a in allocations
    ], batch_size=1000)
    audit.record(action="finance.allocation.many", object_type="allocation", object_id=decision_number[:64],
                 user=user, after={"allocations": len(allocations), "by_line": {str(k): v for k, v in asked.items()},
                                   "decision": decision_number.strip()},
                 reason=reason, ip_address=ip_address)
    return allocations


# Disbursements and debts live in finance/ledger.py (this module would pass 500 lines); they are
# re-exported here so that every write of the app is reachable as finance.services.<name>.
from finance.checks import DisbursementEntry  # noqa: E402,F401 (callers build entries from here)
from finance.ledger import (  # noqa: E402,F401
    DisbursementResult,
    record_debt,
    record_disbursements,
    record_repayment,
)
