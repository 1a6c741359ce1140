"""Who may manage roadmaps, tasks and visits, built only on accounts.access.

- province administrators and officers manage every commune's roadmap;
- district and commune officers manage the roadmaps of the communes they may change;
- agency officers manage the items of their criteria, items their agency helps with and the
  tasks assigned to their agency, and record their agency's field visits;
- viewers (and everyone else) read what their scope lets them read.
Province roles are bound to their province (accounts.bounds): communes, agencies and visits
outside it are not theirs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.access import can_edit_values, can_view_organisation, rule, scope_for
from accounts.models import Role

PROVINCE_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def is_province_role(user) -> bool:
    return scope_for(user).role in PROVINCE_ROLES


def user_agency(user):
    """The agency an agency officer works for, else None."""
    if scope_for(user).role != Role.AGENCY_OFFICER:
        return None
    profile = getattr(user, "profile", None)
    return profile.organisation if profile else None


def agency_criteria(user, set_code: str) -> set[str]:
    criteria = scope_for(user).criteria or frozenset()
    return {code for s, code in criteria if s == set_code}


@rule("manage_commune_plan")
def can_manage_commune_plan(user, unit) -> bool:
    scope = scope_for(user)
    role = scope.role
    if role in PROVINCE_ROLES:
        return scope.can_read(unit.pk)
    if role in (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER):
        return can_edit_values(user, unit)
    return False


def can_propose(user, unit, criteria: set[str], set_code: str) -> bool:
    """May create an item for these criteria of the commune."""
    if can_manage_commune_plan(user, unit):
        return True
    agency = user_agency(user)
    return agency is not None and bool(criteria) and criteria <= agency_criteria(user, set_code)


@rule("manage_item")
def can_manage_item(user, item, set_code: str) -> bool:
    if can_manage_commune_plan(user, item.unit):
        return True
    agency = user_agency(user)
    if agency is None:
        return False
    if item.helping_agency_id == agency.pk:
        return True
    mine = agency_criteria(user, set_code)
    return any(ind.criterion in mine for ind in item.indicators.all())


@rule("manage_task")
def can_manage_task(user, task, set_code: str) -> bool:
    if can_manage_commune_plan(user, task.unit):
        return True
    agency = user_agency(user)
    if agency is None:
        return False
    if task.organisation_id == agency.pk:
        return True
    return task.item is not None and can_manage_item(user, task.item, set_code)


@rule("view_agency")
def can_view_agency(user, organisation) -> bool:
    scope = scope_for(user)
    if scope.role in PROVINCE_ROLES or (scope.role == Role.VIEWER and scope.reads_all):
        return can_view_organisation(user, organisation)
    agency = user_agency(user)
    return agency is not None and agency.pk == organisation.pk


@rule("list_agencies")
def can_list_agencies(user) -> bool:
    scope = scope_for(user)
    return scope.role in PROVINCE_ROLES or (scope.role == Role.VIEWER and scope.reads_all)


@rule("open_agency_list")
def can_open_agency_list(user) -> bool:
    """The agency list, or for an agency officer the page of its own agency it leads to."""
    return can_list_agencies(user) or user_agency(user) is not None


@rule("record_visit")
def can_record_visit(user, organisation) -> bool:
    if scope_for(user).role == Role.PROVINCE_ADMIN:
        return can_view_organisation(user, organisation)
    agency = user_agency(user)
    return agency is not None and agency.pk == organisation.pk


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
