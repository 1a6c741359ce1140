"""Rules of residents' feedback (phản ánh, kiến nghị): what is held for review, and the rate limit
per address that stores no address.

Held for review: text with a link (a URL, "www." or a bare domain) or with the gambling vocabulary
injected into the seed's government page ("tip bóng đá", "cá cược", "nhà cái", ...), also written
without diacritics, in capitals, or with dots, dashes and invisible characters between the letters.
A false alarm costs a moderator's click; a missed one would put the spam on a government page.

Rate limit: at most NTM_FEEDBACK_LIMIT messages per address in NTM_FEEDBACK_WINDOW_SECONDS. The
counter lives in Django's cache (Redis in production, shared by the workers) under an HMAC-SHA256
of the address keyed with the secret key and the day's random salt (portal.visits.day_salt, deleted
once the day is over): neither the cache nor the database ever holds the address, and yesterday's
keys cannot be tied to an address once the salt is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal.sanitise import SPAM_WORDS, spam_words
from portal.visits import day_salt

MAX_LENGTH = 3000  # characters of a feedback text

LINK_RE = re.compile(
    r"(https?:|ftp:|www\.|\b[a-z0-9][a-z0-9-]*\s*(\.|\[\.\]|\(\.\)|\bdot\b)\s*"
    r"(com|net|org|info|biz|xyz|top|club|bet|vip|io|me|co|cc|tk|ly|link|site|online|vn)\b)",
    re.I,
)


def fold(text: str) -> str:
    """Lower case, without diacritics (đ → d), invisible characters removed and every run of
    punctuation or spaces one space: "C.Á  C-Ư-Ợ-C" and "ca cuoc" both give "ca cuoc"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cf"))
    text = text.replace("đ", "d").replace("Đ", "D").casefold()
    # Letters split by single dots or dashes ("c.a c.u.o.c"): join them first.
    text = re.sub(r"(?<=\w)[.\-_*](?=\w)", "", text)
    return " ".join(re.findall(r"\w+", text))


_FOLDED_SPAM = [fold(w) for w in SPAM_WORDS]


def held_reasons(text: str) -> list[str]:
    """Why a text must wait for a moderator (empty: nothing suspicious). English codes kept in
    the row; the queue shows them translated."""
    reasons = []
    if LINK_RE.search(unicodedata.normalize("NFKC", text or "")):
        reasons.append("link")
    folded = f" {fold(text)} "
    tokens = set(folded.split())
    if spam_words(text) or any(f" {w} " in folded or w.replace(" ", "") in tokens for w in _FOLDED_SPAM):
        reasons.append("spam")
    return reasons


# --- the rate limit --------------------------------------------------------------------------------


def address_key(ip: str | None) -> str:
    """HMAC-SHA256 of the address, keyed with the secret key and today's random salt."""
    day = timezone.localdate()
    key = f"{settings.SECRET_KEY}|{day_salt(day)}".encode()
    return hmac.new(key, f"feedback|{ip or ''}".encode(), hashlib.sha256).hexdigest()


def _cache_key(ip: str | None) -> str:
    return f"ntm:feedback:{address_key(ip)}"


def take_slot(ip: str | None) -> bool:
    """Count one message from the address; False when it is over the limit for the window."""
    window, limit = settings.NTM_FEEDBACK_WINDOW_SECONDS, settings.NTM_FEEDBACK_LIMIT
    key = _cache_key(ip)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
