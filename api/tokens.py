"""Creating, revoking and checking API tokens; the per-token rate limit.

A token is `ntm_` + 40 random url-safe characters. It is looked up by the SHA-256 digest of the
whole string (the secret has 240 bits of entropy, so a fast digest is enough: there is nothing
to brute-force that a slow hash would protect). The token acts as its user: what it may read
and change is decided by accounts.access for that user, nothing here.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from audit import services as audit

PREFIX = "ntm_"
# last_used_at is written at most this often per token (not one write per request).
LAST_USED_EVERY = datetime.timedelta(seconds=60)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user, name: str, *, days: int | None = 90, by=None, ip_address=None) -> tuple[ApiToken, str]:
    """A new token for `user` (expiring after `days`, None for never); returns it and the secret,
    which is not stored and cannot be shown again."""
    raw = PREFIX + secrets.token_urlsafe(30)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip()[:100], user=user, prefix=raw[:10], digest=digest(raw), created_at=now,
            created_by=by if getattr(by, "is_authenticated", False) else None,
            expires_at=now + datetime.timedelta(days=days) if days else None,
        )
        audit.record(action="api_token.create", object_type="api_token", object_id=token.pk, user=by,
                     after={"name": token.name, "user": user.get_username(), "prefix": token.prefix,
                            "expires_at": token.expires_at.isoformat() if token.expires_at else None},
                     ip_address=ip_address)
    return token, raw


def revoke_token(token: ApiToken, *, by=None, ip_address=None) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="api_token.revoke", object_type="api_token", object_id=token.pk, user=by,
                     before={"name": token.name, "prefix": token.prefix}, ip_address=ip_address)


def token_for(raw: str) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired, its user active), or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limited(token: ApiToken) -> int:
    """0 if the request may go on, else the seconds to wait: NTM_API_RATE_LIMIT requests per
    minute per token, counted in the Django cache (shared through Redis in production)."""
    limit = getattr(settings, "NTM_API_RATE_LIMIT", 600)
    if not limit:
        return 0
    now = int(timezone.now().timestamp())
    window = now // 60
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return 0 if count <= limit else 60 - now % 60
