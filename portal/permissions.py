"""Who may do what on the portal: the province's coordination office by role, or anyone given
the Django permissions (portal.change_article, portal.publish_article)."""

from accounts.access import can_manage_reference, scope_for
from accounts.models import Role


def can_write(user) -> bool:
    return scope_for(user).role in (Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER) or \
        user.has_perm("portal.change_article")


def can_publish(user) -> bool:
    return scope_for(user).role == Role.PROVINCE_ADMIN or user.has_perm("portal.publish_article")


def can_moderate(user) -> bool:
    """Residents' feedback: the province's coordination office (administrator or officer) or
    anyone given portal.moderate_feedback."""
    return scope_for(user).role in (Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER) or \
        user.has_perm("portal.moderate_feedback")


def can_configure(user) -> bool:
    return can_manage_reference(user)
