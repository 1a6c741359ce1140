"""Who may read and write money, on top of accounts/access.py (whose rules are not changed here).

- Writes (plans, allocations, projects, disbursement, debt, imports): the province roles that
  manage reference data (`can_manage_reference`: province administrators). The product has no
  separate "finance officer" role yet; that is an accounts decision.
- Reads: the projects of the units the user may read (a province role its province's bound,
  accounts.bounds; a commune its own), and the plans of their provinces.
- Writes stay inside the units the user may change (a province's plan, a project's unit).
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.access import can_manage_reference, can_view_unit, require, scope_for
from finance.models import Project
from units.models import Unit, UnitKind


def can_write(user) -> bool:
    return can_manage_reference(user)


def readable_unit_ids(user):
    """None for every unit, else the ids of the units the user may read."""
    return scope_for(user).readable


def readable_province_ids(user):
    """None for every province, else the provinces of the units the user may read (a commune
    officer reads its province's plan), as a subquery of ids."""
    readable = scope_for(user).readable
    if readable is None:
        return None
    units = Unit.objects.filter(pk__in=readable)
    return Unit.objects.filter(
        Q(pk__in=readable) | Q(pk__in=units.values("parent_id")) | Q(pk__in=units.values("parent__parent_id")),
        kind=UnitKind.PROVINCE).values("pk")


def can_write_unit(user, unit) -> bool:
    """May write money of this unit: a province's plan, a project's allocations."""
    return can_write(user) and scope_for(user).can_write(unit.pk)


def project_for_user(user, pk: int, *, write: bool = False) -> Project:
    project = get_object_or_404(Project.objects.select_related("unit__parent"), pk=pk)
    require(can_view_unit(user, project.unit))
    if write:
        require(can_write(user))
    return project
