"""Login and session safety: the failed-login throttle, the backend that enforces it, and the
middleware that requires the second factor and sets the Permissions-Policy header.

The throttle counts failures in Django's cache, per username (any case) and per client address.
Counters use `cache.add` + `cache.incr`, atomic in Redis and in the local-memory cache; a lock is
stored with its expiry time (compared with `time.time()`), so a frozen clock in tests moves it.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import user_has_device

from audit import services as audit

ACCOUNT = "account"
ADDRESS = "address"

# Browser features the application never uses, refused for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), fullscreen=(self)"
)


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or the header a trusted reverse proxy sets
    (NTM_CLIENT_IP_HEADER, e.g. X-Real-IP)."""
    if request is None:
        return None
    header = settings.NTM_CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        value = value.split(",")[0].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR") or None


def normalise_username(username: str | None) -> str:
    return (username or "").strip().casefold()


def _key(what: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"ntm:login:{what}:{kind}:{digest}"


def _subjects(username: str | None, ip: str | None) -> list[tuple[str, str, int]]:
    """(kind, value, limit) of what one attempt counts against."""
    subjects = []
    name = normalise_username(username)
    if name:
        subjects.append((ACCOUNT, name, settings.NTM_LOGIN_MAX_FAILURES_ACCOUNT))
    if ip:
        subjects.append((ADDRESS, ip, settings.NTM_LOGIN_MAX_FAILURES_ADDRESS))
    return subjects


def is_locked(username: str | None, ip: str | None) -> bool:
    now = time.time()
    for kind, value, _limit in _subjects(username, ip):
        until = cache.get(_key("lock", kind, value))
        if until is not None and until > now:
            return True
    return False


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def register_failure(username: str | None, ip: str | None) -> bool:
    """Count one failed login attempt against the username and the address; lock each that
    reaches its limit (one audit record per lock). True when this failure locked something."""
    lock_seconds = settings.NTM_LOGIN_LOCK_SECONDS
    locked = False
    for kind, value, limit in _subjects(username, ip):
        failures = _increment(_key("fail", kind, value), settings.NTM_LOGIN_WINDOW_SECONDS)
        if failures < limit:
            continue
        cache.set(_key("lock", kind, value), time.time() + lock_seconds, timeout=lock_seconds)
        cache.delete(_key("fail", kind, value))
        audit.record(
            action="login.locked", object_type=kind, object_id=value, ip_address=ip,
            after={"failures": failures, "seconds": lock_seconds},
        )
        locked = True
    return locked


def clear_failures(username: str | None) -> None:
    """After a successful login: the account's failure counter starts again (the address's does
    not, so one good account cannot launder guesses at others)."""
    name = normalise_username(username)
    if name:
        cache.delete(_key("fail", ACCOUNT, name))


def locked_message() -> str:
    """The one message for a locked account or address, whether the account exists or not."""
    minutes = math.ceil(settings.NTM_LOGIN_LOCK_SECONDS / 60)
    return ngettext(
        "Too many failed login attempts. Please try again in %(minutes)d minute.",
        "Too many failed login attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """The model backend, refusing locked usernames and addresses even with the right password
    and counting every failed password. It serves every login path (ours and the admin site's)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if is_locked(username, ip):
            raise PermissionDenied  # stops django.contrib.auth.authenticate: no other backend
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username, ip)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


class OTPRequiredMiddleware:
    """A signed-in user with a confirmed second-factor device whose session has not been verified
    with a code (a login that bypassed our form, or a device confirmed in another session) is
    logged out and sent to the login page. Place after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and user_has_device(user, confirmed=True):
            logout(request)
            messages.warning(
                request, _("Two-factor authentication is on for this account: log in with your code.")
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
