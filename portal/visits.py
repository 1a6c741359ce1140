"""Visit counters that store no address: a keyed hash with a daily salt, bots and reloads not
counted. Not audited (a counter, not a decision); nothing here is personal data once the day's
salt is gone."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import Article, DailySalt, Visit

BOT_RE = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-|httpclient|headless|scrapy|"
                    r"facebookexternalhit|preview|monitor|java/|go-http", re.I)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_RE.search(user_agent))


def _salt(day) -> str:
    row = DailySalt.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DailySalt.objects.create(day=day, salt=secrets.token_hex(32))
        except IntegrityError:
            row = DailySalt.objects.get(day=day)
        DailySalt.objects.filter(day__lt=day).delete()  # yesterday's hashes become unlinkable
    return row.salt


def day_salt(day) -> str:
    """The day's random salt (created on first use; earlier days' salts are deleted then)."""
    return _salt(day)


def visitor_key(ip: str | None, user_agent: str, day) -> str:
    """HMAC-SHA256 of the address and browser, keyed with the secret key and the day's salt.
    The address itself is never stored."""
    key = (settings.SECRET_KEY + _salt(day)).encode()
    return hmac.new(key, f"{ip or ''}|{user_agent}".encode(), hashlib.sha256).hexdigest()


def count_visit(ip: str | None, user_agent: str, article: Article | None = None) -> bool:
    """Count a visitor once a day (on the site, and on the article if given); True if counted.
    Bots and empty user agents are not counted; reloads by the same visitor are not."""
    if is_bot(user_agent):
        return False
    day = timezone.localdate()
    visitor = visitor_key(ip, user_agent, day)
    counted = False
    for target in ([None, article] if article is not None else [None]):
        try:
            with transaction.atomic():
                Visit.objects.create(day=day, visitor=visitor, article=target)
        except IntegrityError:
            continue
        if target is not None:
            Article.objects.filter(pk=target.pk).update(view_count=F("view_count") + 1)
            counted = True
        elif article is None:
            counted = True
    return counted
