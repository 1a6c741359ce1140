"""Rate limit of the public code form: failed code entries counted per client address in the
cache (like the login throttle, accounts.security). After NTM_SURVEY_CODE_MAX_FAILURES failures
within NTM_SURVEY_CODE_WINDOW_SECONDS, the address is refused until the window ends; with ~10**15
possible codes, guessing one stays hopeless."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "NTM_SURVEY_CODE_MAX_FAILURES", 20)),
            int(getattr(settings, "NTM_SURVEY_CODE_WINDOW_SECONDS", 15 * 60)))


def _key(ip: str | None) -> str:
    return f"survey-code-fail:{ip or 'unknown'}"


def is_blocked(ip: str | None) -> bool:
    limit, _window = _limits()
    return (cache.get(_key(ip)) or 0) >= limit


def register_failure(ip: str | None) -> None:
    _limit, window = _limits()
    key = _key(ip)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
