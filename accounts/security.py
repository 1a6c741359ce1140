"""Login and session safety: the failed-password throttle, the backend that enforces it, and the
middlewares that require the second factor and set the Permissions-Policy and Cache-Control
headers.

The throttle counts failures in Django's cache, per username (any case) and per client address.
Below the limit nothing happens; from the limit on, each further failure makes the username (or
address) wait a growing delay before the next attempt is even checked: 2, 4, 8, ... seconds,
capped at NTM_LOGIN_LOCK_SECONDS (15 minutes). So a stranger typing five wrong passwords does not
lock a colleague out for a quarter of an hour, while guessing stays slow. An attempt refused
during a delay is not counted (its password is never checked). Counters use `cache.add` +
`cache.incr`, atomic in Redis and in the local-memory cache; a delay is stored with its end time
(compared with `time.time()`), so a frozen clock in tests moves it.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import device_classes

from audit import services as audit

ACCOUNT = "account"
ADDRESS = "address"

# Browser features the application never uses, refused for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), fullscreen=(self)"
)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client address. REMOTE_ADDR unless NTM_TRUSTED_PROXY_COUNT says the application runs
    behind that many reverse proxies: then the address the outermost trusted proxy saw, read
    from the right of NTM_CLIENT_IP_HEADER (X-Forwarded-For by default; X-Real-IP works with a
    count of 1). Entries further left were written by the client and are never trusted; a
    header with fewer entries than proxies, or an entry that is not an address, falls back to
    REMOTE_ADDR."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.NTM_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = settings.NTM_CLIENT_IP_HEADER or "X-Forwarded-For"
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if len(values) < count:
        return remote
    return _valid_ip(values[-count]) or remote


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


def delay_for(failures: int, limit: int) -> int:
    """Seconds to wait after the failures-th failure: none below the limit, then 2, 4, 8, ...
    capped at NTM_LOGIN_LOCK_SECONDS."""
    if failures < limit:
        return 0
    cap = settings.NTM_LOGIN_LOCK_SECONDS
    exponent = failures - limit + 1
    return cap if exponent >= 30 else min(2 ** exponent, cap)


def retry_after(username: str | None, ip: str | None) -> int:
    """Whole seconds before the username and the address may try again (0: now)."""
    now = time.time()
    wait = 0.0
    for kind, value, _limit in _subjects(username, ip):
        until = cache.get(_key("lock", kind, value))
        if until is not None and until > now:
            wait = max(wait, until - now)
    return math.ceil(wait)


def is_locked(username: str | None, ip: str | None) -> bool:
    return retry_after(username, ip) > 0


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def register_failure(username: str | None, ip: str | None, *, action: str = "login.locked",
                     user=None) -> int:
    """Count one failed password (or code) against the username and the address; from the
    limit on, make each wait its growing delay (one audit record `action` per delay). The
    counters last the window after the last failure (plus the delay). Returns the longest delay
    this failure started, in seconds (0: none)."""
    window = settings.NTM_LOGIN_WINDOW_SECONDS
    longest = 0
    for kind, value, limit in _subjects(username, ip):
        key = _key("fail", kind, value)
        failures = _increment(key, window)
        delay = delay_for(failures, limit)
        cache.touch(key, window + delay)  # the window slides from the last failure
        if not delay:
            continue
        cache.set(_key("lock", kind, value), time.time() + delay, timeout=delay)
        audit.record(
            action=action, object_type=kind, object_id=value, user=user, ip_address=ip,
            after={"failures": failures, "seconds": delay},
        )
        longest = max(longest, delay)
    return longest


def clear_failures(username: str | None) -> None:
    """After a successful login: the account's failure counter starts again (the address's does
    not, so one good account cannot launder guesses at others)."""
    name = normalise_username(username)
    if name:
        cache.delete(_key("fail", ACCOUNT, name))


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def locked_message(seconds: int) -> str:
    """The one message for a delayed account or address, whether the account exists or not."""
    return _("Too many failed login attempts. Please try again in %(wait)s.") % {
        "wait": wait_text(seconds)}


class ThrottledModelBackend(ModelBackend):
    """The model backend, refusing delayed usernames and addresses even with the right password
    (the password is not even checked) and counting every failed password. It serves every
    login path (ours and the admin site's)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if retry_after(username, ip):
            raise PermissionDenied  # stops django.contrib.auth.authenticate: no other backend
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username, ip)
        return user

    def get_user(self, user_id):
        """The signed-in user of a request (every request of a session), read with a plain
        SELECT by primary key instead of a compiled ORM query; inactive users get None, as
        with ModelBackend."""
        from django.contrib.auth import get_user_model
        from django.db import connections, router

        model = get_user_model()
        q = connections[router.db_for_read(model)].ops.quote_name
        found = list(model._default_manager.raw(
            f"SELECT * FROM {q(model._meta.db_table)} WHERE {q(model._meta.pk.column)} = %s", [user_id]))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


@functools.cache
def _device_tables() -> tuple[tuple[str, str, str], ...]:
    """(table, user column, confirmed column) of each second-factor device model
    (django_otp.device_classes), listed once per process."""
    return tuple((m._meta.db_table, m._meta.get_field("user").column, m._meta.get_field("confirmed").column)
                 for m in device_classes())


def has_confirmed_device(user) -> bool:
    """django_otp.user_has_device(user, confirmed=True) in one plain query over every device
    model: it runs on each signed-in request, where the ORM's version costs as much as the
    page's own work."""
    tables = _device_tables()
    if not tables:
        return False
    q = connection.ops.quote_name
    union = " UNION ALL ".join(f"SELECT 1 FROM {q(table)} WHERE {q(user_col)} = %s AND {q(confirmed)}"
                               for table, user_col, confirmed in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({union})", [user.pk] * len(tables))
        return bool(cursor.fetchone()[0])


class OTPRequiredMiddleware:
    """A signed-in user with a confirmed second-factor device whose session has not been verified
    with a code (a login that bypassed our form, or a device confirmed in another session) is
    logged out and sent to the login page. Place after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and has_confirmed_device(user):
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


class PrivateCacheMiddleware:
    """Pages and exports shown to a signed-in user are never stored by a browser or a proxy
    (Cache-Control: private, no-store), unless the view set its own Cache-Control."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
