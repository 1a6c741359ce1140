"""Who may read and write money, on top of accounts/access.py (whose rules are not changed here).

- Writes (plans, allocations, projects, disbursement, debt, imports): the province roles that
  manage reference data (`can_manage_reference`: province administrators). The product has no
  separate "finance officer" role yet; that is an accounts decision.
- Reads: a user who reads the whole province sees everything; any other user sees the projects
  of the units in their scope (a commune its own).
"""

from django.shortcuts import get_object_or_404

from accounts.access import can_manage_reference, can_view_unit, require, scope_for
from finance.models import Project


def can_write(user) -> bool:
    return can_manage_reference(user)


def readable_unit_ids(user):
    """None for every unit, else the ids of the units the user may read."""
    scope = scope_for(user)
    return None if scope.reads_all else scope.readable


def project_for_user(user, pk: int, *, write: bool = False) -> Project:
    project = get_object_or_404(Project.objects.select_related("unit__parent"), pk=pk)
    require(can_view_unit(user, project.unit))
    if write:
        require(can_write(user))
    return project
