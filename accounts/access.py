"""The access layer: every view, form, export and API endpoint gets scoped objects only through
these functions, so the rules live in one place and are tested once.

Roles (accounts.models.Role):
- province administrator: reads and changes everything, manages users, criteria sets, plans;
- province officer: reads everything, approves (changes no values);
- agency officer: reads everything, changes the values of the criteria assigned to the agency;
- district officer: reads and changes the communes of the district (the pre-reform map);
- commune officer: reads and changes its own commune; reads its predecessor communes (lineage);
- viewer: reads its scope (a province, a district or a commune), changes nothing.
A Django superuser is a technical account with every right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Profile, Role
from units.models import COMMUNE_LEVEL_KINDS, Unit, UnitKind, UnitLineage

READ_ALL_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.AGENCY_OFFICER}


@dataclass(frozen=True)
class Scope:
    """What one user may read and change. `readable`/`writable` None means every unit."""

    role: str | None
    readable: frozenset[int] | None
    writable: frozenset[int] | None
    # Criteria the user may change values of, as (set code, criterion code); None = all.
    criteria: frozenset[tuple[str, str]] | None = None
    manage_users: bool = False
    manage_reference: bool = False

    @property
    def reads_all(self) -> bool:
        return self.readable is None

    def can_read(self, unit_id: int) -> bool:
        return self.readable is None or unit_id in self.readable

    def can_write(self, unit_id: int) -> bool:
        return self.writable is None or unit_id in self.writable


NOTHING = Scope(role=None, readable=frozenset(), writable=frozenset())


def _under(unit: Unit) -> set[int]:
    """The unit and every unit below it (province > district > commune)."""
    ids = {unit.pk}
    ids.update(
        Unit.objects.filter(Q(parent=unit) | Q(parent__parent=unit)).values_list("pk", flat=True)
    )
    return ids


def _with_predecessors(unit: Unit) -> set[int]:
    ids = {unit.pk}
    frontier = {unit.pk}
    # Lineage chains are short (one reform at a time); follow them to the end.
    while frontier:
        previous = set(
            UnitLineage.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
        ) - ids
        ids |= previous
        frontier = previous
    return ids


def _compute(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(role=Role.PROVINCE_ADMIN, readable=None, writable=None,
                     manage_users=True, manage_reference=True)
    profile = Profile.objects.select_related("organisation__unit", "scope_unit").filter(user=user).first()
    if profile is None or not profile.organisation.is_active:
        return NOTHING
    role = profile.role
    scope_unit = profile.scope
    if role == Role.PROVINCE_ADMIN:
        return Scope(role, None, None, manage_users=True, manage_reference=True)
    if role == Role.PROVINCE_OFFICER:
        return Scope(role, None, frozenset())
    if role == Role.AGENCY_OFFICER:
        criteria = frozenset(
            profile.organisation.assignments.values_list("criteria_set_code", "criterion_code")
        )
        return Scope(role, None, None if criteria else frozenset(), criteria=criteria)
    if scope_unit is None:
        return NOTHING
    # Districts were abolished on 1/7/2025: a district officer keeps reading the history of its
    # communes and writes nothing once the district no longer exists.
    exists = scope_unit.is_valid_on(timezone.localdate())
    if role == Role.DISTRICT_OFFICER:
        ids = frozenset(_under(scope_unit))
        return Scope(role, ids, ids if exists else frozenset())
    if role == Role.COMMUNE_OFFICER:
        return Scope(role, frozenset(_with_predecessors(scope_unit)), frozenset({scope_unit.pk}))
    if role == Role.VIEWER:
        if scope_unit.kind == UnitKind.PROVINCE:
            return Scope(role, None, frozenset())
        if scope_unit.kind == UnitKind.DISTRICT:
            return Scope(role, frozenset(_under(scope_unit)), frozenset())
        return Scope(role, frozenset(_with_predecessors(scope_unit)), frozenset())
    return NOTHING


# Rules a template may ask about by name ({% can "rule" obj as ok %}, accounts.templatetags.access):
# the same functions the views call, so a page offers only the links and buttons that open. Apps
# register their own (planning.permissions, reporting.access) with @rule("name").
RULES: dict[str, Callable[..., bool]] = {}


def rule(name: str):
    def register(function):
        if RULES.get(name, function) is not function:
            raise ValueError(f"access rule {name!r} is already registered")
        RULES[name] = function
        return function
    return register


def allows(user, name: str, *args) -> bool:
    """Whether the registered rule `name` lets the user do it (KeyError for an unknown rule)."""
    return bool(RULES[name](user, *args))


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_ntm_scope", None)
    if cached is None:
        cached = _compute(user)
        try:
            user._ntm_scope = cached
        except AttributeError:  # AnonymousUser is fine to recompute
            pass
    return cached


def visible_units(user, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    queryset = Unit.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    if scope.readable is None:
        return queryset
    return queryset.filter(pk__in=scope.readable)


def filter_by_unit(user, queryset: QuerySet, field: str = "unit") -> QuerySet:
    """Rows of any model that points at a unit, limited to the user's readable units."""
    scope = scope_for(user)
    if scope.readable is None:
        return queryset
    return queryset.filter(**{f"{field}_id__in": scope.readable})


@rule("view_province")
def can_view_province(user) -> bool:
    return scope_for(user).reads_all


@rule("view_unit")
def can_view_unit(user, unit: Unit) -> bool:
    return scope_for(user).can_read(unit.pk)


@rule("edit_values")
def can_edit_values(user, unit: Unit) -> bool:
    scope = scope_for(user)
    if not scope.can_read(unit.pk) or not scope.can_write(unit.pk):
        return False
    return scope.criteria is None or bool(scope.criteria)


@rule("enter_values_somewhere")
def can_enter_values_somewhere(user) -> bool:
    """Whether the user may change values of at least one unit (offers imports and entry)."""
    scope = scope_for(user)
    writable = scope.writable is None or bool(scope.writable)
    return writable and (scope.criteria is None or bool(scope.criteria))


def editable_criteria(user) -> frozenset[tuple[str, str]] | None:
    """(set code, criterion code) pairs the user may change values of; None means all."""
    return scope_for(user).criteria


@rule("manage_users")
def can_manage_users(user) -> bool:
    return scope_for(user).manage_users


@rule("manage_reference")
def can_manage_reference(user) -> bool:
    """Criteria sets, phase plans, recognitions."""
    return scope_for(user).manage_reference


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def commune_for_user(user, ref: str, *, write: bool = False) -> Unit:
    """The commune-level unit with this ref if the user may see it, and change it when write is
    asked. Unknown refs give 404; the list of communes is public knowledge, so a unit outside
    the user's scope gives 403 rather than pretending it does not exist."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    unit = Unit.objects.filter(ref=ref, kind__in=COMMUNE_LEVEL_KINDS).select_related("parent").first()
    if unit is None:
        raise Http404
    if not can_view_unit(user, unit):
        raise PermissionDenied
    if write and not can_edit_values(user, unit):
        raise PermissionDenied
    return unit


def home_url_name(user) -> tuple[str, tuple]:
    """Where a user lands after logging in: `/`, which shows the province dashboard to
    province-wide roles and their own work to the others (dashboard.views.home)."""
    return "dashboard:home", ()


def can_pick_area(user) -> bool:
    """Whether the user may switch the dashboard and the commune list between the whole country,
    a region and any province: a technical superuser, or a read-all role of an organisation that
    belongs to no province (a national office). Everyone else stays in the deployment's province."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if not scope_for(user).reads_all:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.scope is None
