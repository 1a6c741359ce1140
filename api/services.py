"""Writes of the api app that are not tokens (api/tokens.py): the cleanup of expired
idempotency keys. Each function owns its transaction and writes its audit record."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from api.idempotency import expired_before, keep_for
from api.models import IdempotentRequest
from audit import services as audit


def purge_idempotency_keys(*, now=None, user=None) -> int:
    """Delete the remembered requests older than NTM_API_IDEMPOTENCY_HOURS; the number deleted.
    Run daily (Celery beat `api.purge_idempotency_keys`, or `manage.py purge_idempotency_keys`)."""
    now = now or timezone.now()
    cutoff = expired_before(now)
    with transaction.atomic():
        deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
        if deleted:
            audit.record(action="api.idempotency.purge", object_type="idempotent_request", user=user,
                         after={"deleted": deleted, "before": cutoff.isoformat(),
                                "hours": keep_for().total_seconds() / 3600})
    return deleted
