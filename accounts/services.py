"""Every write of users, organisations and assignments, each with its audit record.

Accounts are deactivated, never deleted: the audit trail points at them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import AgencyAssignment, Organisation, OrganisationKind, Profile, Role
from audit import services as audit

User = get_user_model()

ROLE_ORGANISATION_KINDS = {
    Role.PROVINCE_ADMIN: {OrganisationKind.PROVINCE_OFFICE},
    Role.PROVINCE_OFFICER: {OrganisationKind.PROVINCE_OFFICE},
    Role.AGENCY_OFFICER: {OrganisationKind.AGENCY},
    Role.DISTRICT_OFFICER: {OrganisationKind.DISTRICT},
    Role.COMMUNE_OFFICER: {OrganisationKind.COMMUNE},
    Role.VIEWER: set(OrganisationKind.values),
}


def _describe(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_active": user.is_active,
        "role": profile.role if profile else None,
        "organisation": profile.organisation.code if profile else None,
        "scope_unit": profile.scope_unit.ref if profile and profile.scope_unit else None,
    }


def is_privileged(user) -> bool:
    """A superuser or a staff member: an account of the Django admin, managed only by superusers."""
    return bool(user.is_superuser or user.is_staff)


def _in_bound(by, unit) -> bool:
    """A unit an account of `by` may be scoped to: in by's bound (accounts.bounds), never none
    (an account without a unit is national) unless by is national itself."""
    readable = scope_for(by).readable
    return readable is None or (unit is not None and unit.pk in readable)


def may_manage(by, user) -> bool:
    """Whether `by` may change, reset or deactivate `user` through the services. A province
    administrator manages the application's accounts of its province, never a superuser's or a
    staff member's (else a reset password would hand over the Django admin), nor a national
    account or another province's (accounts.bounds). by=None is a command or the demo."""
    if by is None or getattr(by, "is_superuser", False):
        return True
    if is_privileged(user):
        return False
    profile = getattr(user, "profile", None)
    # An account without a role yet reads nothing; giving it one is checked like a new account.
    return profile is None or _in_bound(by, profile.scope)


def _check_assignable(by, organisation: Organisation, scope_unit) -> None:
    """An organisation and a scope inside by's bound (the forms offer no other)."""
    if by is None or getattr(by, "is_superuser", False):
        return
    if not _in_bound(by, organisation.unit) or (scope_unit is not None and not _in_bound(by, scope_unit)):
        raise PermissionDenied


def _check_may_manage(by, user) -> None:
    if not may_manage(by, user):
        raise PermissionDenied


def _check_role(role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            {"organisation": _("This role cannot belong to an organisation of this kind.")}
        )


@transaction.atomic
def create_user(
    *, by, username: str, full_name: str, email: str, organisation: Organisation, role: str,
    password: str, scope_unit=None, ip_address: str | None = None,
):
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    _check_role(role, organisation)
    _check_assignable(by, organisation, scope_unit)
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(username=username, first_name=first, last_name=last or full_name, email=email.strip())
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, organisation=organisation, role=role, scope_unit=scope_unit)
    audit.record(action="user.create", object_type="user", object_id=user.pk, user=by,
                 after=_describe(user), ip_address=ip_address)
    return user


@transaction.atomic
def update_user(
    *, by, user, full_name: str, email: str, organisation: Organisation, role: str,
    scope_unit=None, ip_address: str | None = None, reason: str = "",
):
    _check_may_manage(by, user)
    before = _describe(user)
    _check_role(role, organisation)
    _check_assignable(by, organisation, scope_unit)
    first, _sep, last = full_name.strip().rpartition(" ")
    user.first_name, user.last_name, user.email = first, last or full_name, email.strip()
    user.save(update_fields=["first_name", "last_name", "email"])
    Profile.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "role": role, "scope_unit": scope_unit}
    )
    user.refresh_from_db()
    after = _describe(user)
    if after != before:
        audit.record(action="user.update", object_type="user", object_id=user.pk, user=by,
                     before=before, after=after, reason=reason, ip_address=ip_address)
    return user


@transaction.atomic
def set_password(*, by, user, password: str, ip_address: str | None = None, reason: str = "") -> None:
    """An administrator's reset, or the user's own change (by == user). The password itself is
    never written to the audit trail."""
    if by != user:
        _check_may_manage(by, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    action = "user.password_change" if by == user else "user.password_reset"
    audit.record(action=action, object_type="user", object_id=user.pk, user=by, reason=reason,
                 ip_address=ip_address)


@transaction.atomic
def set_active(*, by, user, active: bool, reason: str = "", ip_address: str | None = None) -> None:
    _check_may_manage(by, user)
    if by == user and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(action="user.activate" if active else "user.deactivate", object_type="user",
                 object_id=user.pk, user=by, before={"is_active": not active},
                 after={"is_active": active}, reason=reason, ip_address=ip_address)


@transaction.atomic
def ensure_organisation(*, code: str, name: str, kind: str, unit=None, by=None, valid_from=None,
                        valid_to=None) -> Organisation:
    """The organisation with this code, created when missing, with the dates it exists
    (None: no known start or end)."""
    organisation, created = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "unit": unit, "valid_from": valid_from,
                             "valid_to": valid_to}
    )
    if created:
        audit.record(action="organisation.create", object_type="organisation", object_id=code,
                     user=by, after={"name": name, "kind": kind, "unit": unit.ref if unit else None,
                                     "valid_from": valid_from.isoformat() if valid_from else None,
                                     "valid_to": valid_to.isoformat() if valid_to else None})
    return organisation


@transaction.atomic
def assign_criteria(*, organisation: Organisation, criteria: list[tuple[str, str]], by=None) -> int:
    existing = set(organisation.assignments.values_list("criteria_set_code", "criterion_code"))
    new = [pair for pair in criteria if pair not in existing]
    AgencyAssignment.objects.bulk_create(
        AgencyAssignment(organisation=organisation, criteria_set_code=s, criterion_code=c) for s, c in new
    )
    if new:
        audit.record(action="organisation.assign", object_type="organisation", object_id=organisation.code,
                     user=by, after={"criteria": [f"{s}:{c}" for s, c in new]})
    return len(new)
