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

"Everything" of the first three roles and of a province viewer is their province's bound
(accounts.bounds: their province, the provinces linked to it by the 2025 reform and every unit
under them), so a database holding every province keeps each province's users in their own. Only
a superuser and a read-all role of an organisation with no unit (a national office) read every
unit of the country. The province pages and the deployment's reference data are for users bound
to the deployment's province (or national): `can_view_province`, `manage_reference`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import bounds
from accounts.models import Profile, Role
from units.models import COMMUNE_LEVEL_KINDS, Unit, UnitKind

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
    # A province-wide role (the read-all roles, a province viewer, a superuser). It reads
    # `readable`: its province's bound (accounts.bounds), or every unit when national.
    province_wide: bool = False
    # The province pages (which show the deployment's province) are the user's: national, or
    # bound to the deployment's province (accounts.bounds.Bound.holds_deployment).
    province_pages: bool = False

    @property
    def reads_all(self) -> bool:
        """A province-wide role (not: every unit; see `national`)."""
        return self.province_wide

    @property
    def national(self) -> bool:
        """A province-wide role bound to no province: a superuser or a national office."""
        return self.province_wide and self.readable is None

    def can_read(self, unit_id: int) -> bool:
        return self.readable is None or unit_id in self.readable

    def can_write(self, unit_id: int) -> bool:
        return self.writable is None or unit_id in self.writable


NOTHING = Scope(role=None, readable=frozenset(), writable=frozenset())


def _province_wide(profile, role: str, scope_unit: Unit | None) -> Scope:
    """A read-all role or a province viewer: bound to its province, national without a unit."""
    if scope_unit is None:
        bound, pages = None, True
    else:
        version = (profile.units_version, profile.lineage_version)
        found = bounds.province_bound(bounds.province_of(scope_unit), version)
        bound, pages = found.unit_ids, found.holds_deployment
    wide = {"province_wide": True, "province_pages": pages}
    if role == Role.PROVINCE_ADMIN:
        # Reference data (criteria sets, the phase plan, recognitions, the portal) is the
        # deployment's: an administrator of a province it hosts manages its users only.
        return Scope(role, bound, bound, manage_users=True, manage_reference=pages, **wide)
    if role == Role.AGENCY_OFFICER:
        criteria = frozenset(
            profile.organisation.assignments.values_list("criteria_set_code", "criterion_code")
        )
        return Scope(role, bound, bound if criteria else frozenset(), criteria=criteria, **wide)
    return Scope(role, bound, frozenset(), **wide)


def _compute(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(role=Role.PROVINCE_ADMIN, readable=None, writable=None, manage_users=True,
                     manage_reference=True, province_wide=True, province_pages=True)
    profile = (
        Profile.objects.select_related("organisation__unit__parent__parent", "scope_unit__parent__parent")
        .annotate(**bounds.version_annotations()).filter(user=user).first()
    )
    if profile is None or not profile.organisation.is_active:
        return NOTHING
    role = profile.role
    scope_unit = profile.scope
    if role in READ_ALL_ROLES:
        return _province_wide(profile, role, scope_unit)
    if scope_unit is None:
        return NOTHING
    if role == Role.VIEWER and scope_unit.kind == UnitKind.PROVINCE:
        return _province_wide(profile, role, scope_unit)
    # Districts were abolished on 1/7/2025: a district officer keeps reading the history of its
    # communes and writes nothing once the district no longer exists.
    exists = scope_unit.is_valid_on(timezone.localdate())
    if role == Role.DISTRICT_OFFICER:
        ids = frozenset(bounds.under(scope_unit))
        return Scope(role, ids, ids if exists else frozenset())
    if role == Role.COMMUNE_OFFICER:
        return Scope(role, frozenset(bounds.with_predecessors(scope_unit)), frozenset({scope_unit.pk}))
    if role == Role.VIEWER:
        if scope_unit.kind == UnitKind.DISTRICT:
            return Scope(role, frozenset(bounds.under(scope_unit)), frozenset())
        return Scope(role, frozenset(bounds.with_predecessors(scope_unit)), frozenset())
    return NOTHING


def users_q(user, prefix: str = "") -> Q:
    """Accounts in the user's bound, as a filter on users (with `prefix`, on rows pointing at
    one): those whose scope (the scope unit, else the organisation's unit) is in it. A bounded
    user never reaches a national account (no unit): that would unbind it."""
    readable = scope_for(user).readable
    if readable is None:
        return Q()
    p = f"{prefix}profile__"
    return Q(**{f"{p}scope_unit_id__in": readable}) | Q(
        **{f"{p}scope_unit__isnull": True, f"{p}organisation__unit_id__in": readable})


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
    """The province pages (dashboard, targets, groups, reports), which show the deployment's
    province: a province-wide role that is national or bound to that province."""
    scope = scope_for(user)
    return scope.province_wide and scope.province_pages


def can_view_organisation(user, organisation) -> bool:
    """An organisation's pages and reports: national users see every one; a bounded user those
    whose unit is in its bound, and those of no unit when the province pages are its (they are
    the deployment's own, as before the database held other provinces)."""
    scope = scope_for(user)
    if scope.readable is None:
        return True
    if organisation.unit_id is None:
        return scope.province_pages
    return organisation.unit_id in scope.readable


def organisations_q(user, prefix: str = "") -> Q:
    """The same rule as a filter on organisations (or on rows pointing at one, with `prefix`)."""
    scope = scope_for(user)
    if scope.readable is None:
        return Q()
    q = Q(**{f"{prefix}unit_id__in": scope.readable})
    return q | Q(**{f"{prefix}unit__isnull": True}) if scope.province_pages else q


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
    # ref is unique: no ordering, one row at most (every commune page asks, so the query is kept
    # plain); a ref of another kind of unit is as unknown as a missing one.
    unit = next(iter(Unit.objects.filter(ref=ref).select_related("parent").order_by()[:1]), None)
    if unit is None or unit.kind not in COMMUNE_LEVEL_KINDS:
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
    return scope_for(user).national
