"""The one function that writes audit records; every service calls it inside its transaction."""

from typing import Any

from django.utils import timezone

from audit.models import AuditRecord


def record(
    *,
    action: str,
    object_type: str,
    object_id: Any = "",
    user=None,
    unit=None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditRecord:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditRecord.objects.create(
        at=timezone.now(),
        user=user,
        ip_address=ip_address,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        unit=unit,
        before=before,
        after=after,
        reason=reason,
    )
