"""Idempotency keys on POST: a retry with the same `Idempotency-Key` (per token) and the same body
gets the stored answer and writes nothing. A key is remembered for NTM_API_IDEMPOTENCY_HOURS
(24 by default); after that it is expired: a request with it runs again, and
api.services.purge_idempotency_keys (daily on Celery beat in production, or
`manage.py purge_idempotency_keys` from cron) deletes the expired rows."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from api.models import IdempotentRequest


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "NTM_API_IDEMPOTENCY_HOURS", 24))


def expired_before(now=None) -> datetime.datetime:
    """Keys stored before this moment are expired."""
    return (now or timezone.now()) - keep_for()


def idempotent(request, body: dict, do):
    """Run `do()` once per (token, Idempotency-Key) while the key lasts: a retry with the same key
    and body gets the stored answer; the same key with another body is refused (409). A failed
    write stores nothing, so it can be retried."""
    key = request.headers.get("Idempotency-Key", "").strip()[:200]
    if not key:
        return do()
    token = request.api_token
    digest = hashlib.sha256(
        json.dumps([request.path, body], sort_keys=True, default=str).encode()).hexdigest()
    cutoff = expired_before()
    done = IdempotentRequest.objects.filter(token=token, key=key, created_at__gte=cutoff).first()
    if done is not None:
        if done.request_hash != digest:
            raise HttpError(409, _("This Idempotency-Key was used for another request."))
        return done.status_code, done.body
    try:
        with transaction.atomic():
            status, answer = do()
            if status >= 300:  # a refused request is not remembered: it may be retried
                return status, answer
            # An expired use of the same key (not purged yet) gives way to this one.
            IdempotentRequest.objects.filter(token=token, key=key, created_at__lt=cutoff).delete()
            IdempotentRequest.objects.create(token=token, key=key, request_hash=digest, status_code=status,
                                             body=answer, created_at=timezone.now())
    except IntegrityError:
        # The same key arrived twice at once: the other request wrote; this one wrote nothing.
        done = IdempotentRequest.objects.filter(token=token, key=key).first()
        if done is None or done.request_hash != digest:
            raise HttpError(409, _("This Idempotency-Key was used for another request.")) from None
        return done.status_code, done.body
    return status, answer
