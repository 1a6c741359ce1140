"""The one function that writes audit records; every service calls it inside its transaction."""

import contextlib
import contextvars
from typing import Any

from django.utils import timezone

from audit.models import AuditRecord

# Who acts for the user when it is not the user at the keyboard (an API token): named in the
# reason of every record written while it is set, so a token's writes can be told apart.
_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="")


@contextlib.contextmanager
def acting_through(label: str):
    """Audit records written inside this block say they came through `label`."""
    marker = _channel.set(label)
    try:
        yield
    finally:
        _channel.reset(marker)


def _reason(reason: str) -> str:
    channel = _channel.get()
    return f"{reason} [{channel}]".strip() if channel else reason


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
        reason=_reason(reason),
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
                reason=_reason(entry.get("reason", "")),
            )
        )
    return AuditRecord.objects.bulk_create(rows, batch_size=500)
