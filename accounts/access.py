"""The access layer: views get scoped objects only through these functions.

Issue 3 extends the rules with roles scoped to units and agencies; every view already calls
these, so the rules change in one place.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from units.models import COMMUNE_LEVEL_KINDS, Unit


def can_edit_values(user, unit: Unit) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm("assessments.add_indicatorvalue")


def commune_for_user(user, ref: str, *, write: bool = False) -> Unit:
    """The commune-level unit with this ref, if the user may see it (and change it, if write)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    unit = Unit.objects.filter(ref=ref, kind__in=COMMUNE_LEVEL_KINDS).select_related("parent").first()
    if unit is None:
        raise Http404
    if write and not can_edit_values(user, unit):
        raise PermissionDenied
    return unit
