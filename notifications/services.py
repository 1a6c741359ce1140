"""The one write of notifications: marking notices read (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from notifications.models import NotificationRead


def mark_read(*, user, keys: list[str], ip_address: str | None = None) -> int:
    """Mark the user's notices read; keys must come from notices_for(user) (the view checks).
    Returns how many were newly marked."""
    keys = sorted(set(keys))
    now = timezone.now()
    with transaction.atomic():
        known = set(NotificationRead.objects.filter(user=user, key__in=keys).values_list("key", flat=True))
        new = [NotificationRead(user=user, key=key, read_at=now) for key in keys if key not in known]
        NotificationRead.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            audit.record(action="notification.read", object_type="user", object_id=user.pk, user=user,
                         after={"keys": [n.key for n in new]}, ip_address=ip_address)
    return len(new)
