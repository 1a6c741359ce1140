"""Who may do what on the portal: the province's coordination office by role, or anyone given
the Django permissions (portal.change_article, portal.publish_article). The portal is the
deployment's: an office bound to another province (one the deployment hosts, accounts.bounds)
is not its office."""

from accounts.access import can_manage_reference, scope_for
from accounts.models import Role


def _office(user, roles) -> bool:
    scope = scope_for(user)
    return scope.role in roles and scope.province_pages


def can_write(user) -> bool:
    return _office(user, (Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER)) or user.has_perm("portal.change_article")


def can_publish(user) -> bool:
    return _office(user, (Role.PROVINCE_ADMIN,)) or user.has_perm("portal.publish_article")


def can_moderate(user) -> bool:
    """Residents' feedback: the province's coordination office (administrator or officer) or
    anyone given portal.moderate_feedback."""
    return _office(user, (Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER)) or \
        user.has_perm("portal.moderate_feedback")


def can_configure(user) -> bool:
    return can_manage_reference(user)
