"""The one function that writes audit records; every service calls it inside its transaction."""

from typing import Any

from django.utils import timezone

from audit.channel import with_channel
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
        reason=with_channel(reason),
    )


def record_many(entries: list[dict], *, at=None) -> list[AuditRecord]:
    """Several audit records in one insert (same fields as `record`)."""
    at = at or timezone.now()
    rows = []
    for entry in entries:
        user = entry.get("user")
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        rows.append(
            AuditRecord(
                at=at, user=user, ip_address=entry.get("ip_address"), action=entry["action"],
                object_type=entry["object_type"], object_id=str(entry.get("object_id", "")),
                unit=entry.get("unit"), before=entry.get("before"), after=entry.get("after"),
                reason=with_channel(entry.get("reason", "")),
            )
        )
    return AuditRecord.objects.bulk_create(rows, batch_size=500)
