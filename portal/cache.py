"""The public pages served from Django's cache (Redis in production, shared by the gunicorn
workers; process memory in the embedded mode).

`PublicPageCacheMiddleware` sits right after the security middleware, so a page found in the cache
skips the rest of the stack (sessions, CSRF, authentication, the view and its queries); the stored
response already carries the headers the inner middlewares added (CSP, Permissions-Policy,
X-Frame-Options, Vary). It stores only what a view marked `Cache-Control: public` and answered 200
without a cookie, keyed on the published data version, the scheme, host, language and path (query
strings only of the period picker `?ky=`: a search or a made-up parameter goes to the view), for
the page's own max-age (at most NTM_PORTAL_CACHE_SECONDS; 0 turns the cache off).

The version changes (`bump_version`, after commit) whenever the portal publishes something: a news
version, a document, a feedback, a period, the province's settings. Figures that the other apps
change in an already published period show within the max-age, exactly as they would through a
reverse proxy honouring the same Cache-Control header.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "ntm:portal:version"
PREFIX = "/cong-khai/"
NOT_CACHED = ("/cong-khai/quan-ly/",)
PERIOD_RE = re.compile(r"^[\w-]{1,20}$")
MAX_AGE_RE = re.compile(r"max-age=(\d+)")


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.randbelow(2**31), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def bump_version() -> None:
    """Every cached public page is out of date (call after commit)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): a fresh random one
        cache.set(VERSION_KEY, secrets.randbelow(2**31), timeout=None)


def pages_changed() -> None:
    """Inside a write's transaction: the cached pages go out of date now and again after commit
    (a request between the two may have cached the page as it was before the commit)."""
    from django.db import transaction

    bump_version()
    transaction.on_commit(bump_version)


def page_key(request) -> str | None:
    """The cache key of a public page request, None when it is not served from the cache."""
    path = request.path
    if request.method != "GET" or not path.startswith(PREFIX) or path.startswith(NOT_CACHED):
        return None
    params = request.GET
    if params and (set(params) != {"ky"} or len(params.getlist("ky")) != 1
                   or not PERIOD_RE.match(params["ky"])):
        return None
    language = translation.get_language_from_request(request)
    raw = "|".join((request.scheme, request.get_host(), language, request.get_full_path()))
    return f"ntm:portal:page:{current_version()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _timeout(response) -> int:
    if response.status_code != 200 or response.streaming or response.cookies or response.has_header("Set-Cookie"):
        return 0
    control = response.get("Cache-Control", "")
    if "public" not in control or "private" in control or "no-store" in control:
        return 0
    found = MAX_AGE_RE.search(control)
    return min(int(found.group(1)) if found else 0, settings.NTM_PORTAL_CACHE_SECONDS)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request) if settings.NTM_PORTAL_CACHE_SECONDS > 0 else None
        if key is None:
            return self.get_response(request)
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        timeout = _timeout(response)
        if timeout > 0:
            cache.set(key, response, timeout)
        return response
