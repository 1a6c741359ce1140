"""Rendered parts of pages, kept between requests under the data version.

The dashboard, the commune list and the commune page read thousands of rows and render tables
that are the same for every user who would see the same thing. Each view renders that part (the
page's content, without the user's menu, messages or CSRF token) with `fragment`, naming
everything the part depends on besides the data: the query string, and the user's rights that
change what it shows (for example whether they may pick an area or edit the commune, or which
units they may read). The key adds the language, today's date and the data version
(dashboard.summary.data_version: it changes with every committed write), so the first request
after a write renders the part again and no request is served a figure older than the last
write. The access checks stay in the view and run on every request.

NTM_DASHBOARD_CACHE=0 turns it off (the tests do, except those of the cache itself).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from dashboard.summary import data_version

# Seconds a rendered part stays after its last write; a new version makes new keys at once.
TIMEOUT = 900


@functools.lru_cache(maxsize=1024)
def scope_key(readable: frozenset[int] | None) -> str:
    """A short name for a set of readable units (accounts.access.Scope.readable; None: all),
    computed once per set and worker (a province's bound holds thousands of units)."""
    if readable is None:
        return "all"
    return hashlib.sha256(",".join(map(str, sorted(readable))).encode()).hexdigest()[:24]


def fragment(name: str, parts: Iterable, build: Callable[[], str]) -> SafeString:
    """The HTML that build() renders, from the cache when the data has not changed since it
    was rendered for the same parts, language and day. The version is read before build()
    runs, so a part rendered while a write commits is kept under the older version: the next
    request reads the newer version and renders again."""
    if not settings.NTM_DASHBOARD_CACHE:
        return mark_safe(build())
    raw = repr((tuple(parts), translation.get_language(), timezone.localdate().isoformat(),
                settings.NTM_PROVINCE_REFS, data_version()))
    key = f"ntm:html:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(build())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)
