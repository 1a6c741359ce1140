"""Every write of the portal: the publish flow, the hash chain, uploads and visit counters."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from planning.evidence import content_matches
from portal.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleVersion,
    DailySalt,
    Document,
    LedgerEntry,
    PortalSettings,
    Visit,
)
from portal.sanitise import foreign_hosts, sanitise, spam_words

GENESIS = "0" * 64


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# --- hash chain ------------------------------------------------------------------------------------


def article_content(version: ArticleVersion) -> str:
    """What an article version's hash covers: its title, summary and sanitised body."""
    return json.dumps({"title": version.title, "summary": version.summary, "body": version.body_html},
                      ensure_ascii=False, sort_keys=True)


def document_content(document: Document, file_sha: str) -> str:
    return json.dumps({"title": document.title, "number": document.number,
                       "issued_on": document.issued_on.isoformat() if document.issued_on else "",
                       "kind": document.kind, "file": file_sha}, ensure_ascii=False, sort_keys=True)


def entry_hash(prev_hash: str, kind: str, object_id: int, version: int, content_sha: str, at) -> str:
    return sha256(f"{prev_hash}|{kind}|{object_id}|{version}|{content_sha}|{at.isoformat()}")


def append_entry(kind: str, object_id: int, version: int, content: str) -> LedgerEntry:
    """Append to the chain (called inside the publishing transaction; the unique entry_hash and
    the lock on the last row keep two publications from sharing a predecessor)."""
    last = LedgerEntry.objects.select_for_update().order_by("-pk").first()
    prev = last.entry_hash if last else GENESIS
    at = timezone.now()
    content_sha = sha256(content)
    return LedgerEntry.objects.create(
        kind=kind, object_id=object_id, version=version, content_sha256=content_sha, prev_hash=prev,
        entry_hash=entry_hash(prev, kind, object_id, version, content_sha, at), at=at,
    )


# --- articles --------------------------------------------------------------------------------------


def _can_write(user) -> bool:
    return user.has_perm("portal.change_article")


def _can_publish(user) -> bool:
    return user.has_perm("portal.publish_article")


def save_draft(user, *, title: str, summary: str, body: str, article: Article | None = None) -> Article:
    if not _can_write(user):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        if article is None:
            article = Article.objects.create(title=title, summary=summary, body=body, author=user,
                                             last_editor=user, created_at=now, updated_at=now)
            action = "portal.article.create"
        else:
            article.title, article.summary, article.body = title, summary, body
            article.last_editor, article.updated_at = user, now
            article.status = ArticleStatus.DRAFT
            article.save()
            action = "portal.article.edit"
        audit.record(action=action, object_type="portal.article", object_id=article.pk, user=user,
                     after={"title": title})
    return article


def submit_for_review(user, article: Article) -> None:
    if not _can_write(user) or article.status != ArticleStatus.DRAFT:
        raise PermissionDenied
    article.status = ArticleStatus.REVIEW
    article.save(update_fields=["status"])
    audit.record(action="portal.article.submit", object_type="portal.article", object_id=article.pk, user=user)


def return_to_draft(user, article: Article, reason: str = "") -> None:
    if not _can_publish(user) or article.status != ArticleStatus.REVIEW:
        raise PermissionDenied
    article.status = ArticleStatus.DRAFT
    article.save(update_fields=["status"])
    audit.record(action="portal.article.return", object_type="portal.article", object_id=article.pk,
                 user=user, reason=reason)


def publish(user, article: Article) -> ArticleVersion:
    """Publish the article in review: its body sanitised to the allowlist, refused if a link
    leaves the allowed hosts or the text carries the spam vocabulary; a new version and a new
    link of the hash chain."""
    config = PortalSettings.current()
    if not _can_publish(user):
        raise PermissionDenied
    if article.status != ArticleStatus.REVIEW:
        raise ValidationError(_("Only an article in review can be published."))
    if config.two_person_publish and user.pk in (article.author_id, article.last_editor_id):
        raise ValidationError(_("The province requires a second person: the writer of an article "
                                "cannot publish it."))
    body = sanitise(article.body)
    hosts = foreign_hosts(body, config.allowed_hosts)
    if hosts:
        raise ValidationError(_("Links to hosts outside the province's list are refused: %(hosts)s")
                              % {"hosts": ", ".join(hosts)})
    words = spam_words(article.title + " " + article.summary + " " + body)
    if words:
        raise ValidationError(_("The text contains words held for review: %(words)s")
                              % {"words": ", ".join(words)})
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        number = (article.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ArticleVersion.objects.create(
            article=article, number=number, title=article.title, summary=article.summary,
            body_html=body, published_at=timezone.now(), published_by=user,
        )
        entry = append_entry("article", article.pk, number, article_content(version))
        article.status = ArticleStatus.PUBLISHED
        article.save(update_fields=["status"])
        audit.record(action="portal.article.publish", object_type="portal.article", object_id=article.pk,
                     user=user, after={"version": number, "sha256": entry.content_sha256})
    return version


# --- uploads ---------------------------------------------------------------------------------------

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # decoded size refused above this (decompression bombs)
IMAGE_MAX_SIDE = 1600
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def reencode_image(data: bytes) -> tuple[bytes, int, int]:
    """The image decoded with a pixel cap, resized to IMAGE_MAX_SIDE and written anew as JPEG
    (no metadata, nothing of the original bytes kept). ValidationError if it is no image."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 10 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                raise ValidationError(_("Only JPEG, PNG, WebP or GIF images are accepted."))
            w, h = probe.size
            if w * h > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            probe.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            image = probe.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(_("The file is not an image that can be read.")) from exc
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def add_image(user, article: Article, data: bytes) -> ArticleImage:
    if not _can_write(user):
        raise PermissionDenied
    content, width, height = reencode_image(data)
    image = ArticleImage(article=article, width=width, height=height, uploaded_at=timezone.now(),
                         uploaded_by=user)
    image.file.save(f"{secrets.token_hex(8)}.jpg", ContentFile(content), save=False)
    image.save()
    audit.record(action="portal.image.add", object_type="portal.article", object_id=article.pk, user=user)
    return image


def add_document(user, *, title: str, number: str, issued_on, kind: str, upload) -> Document:
    """A public PDF: its bytes must be a PDF whatever the name says; hashed into the chain."""
    if not user.has_perm("portal.add_document"):
        raise PermissionDenied
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    if not content_matches(upload, "pdf"):
        raise ValidationError(_("The file's content is not a PDF document."))
    upload.seek(0)
    data = upload.read()
    file_sha = sha256(data)
    with transaction.atomic():
        document = Document(title=title, number=number, issued_on=issued_on, kind=kind, sha256=file_sha,
                            size=len(data), uploaded_at=timezone.now(), uploaded_by=user)
        document.file.save(f"{secrets.token_hex(8)}.pdf", ContentFile(data), save=False)
        document.save()
        append_entry("document", document.pk, 1, document_content(document, file_sha))
        audit.record(action="portal.document.add", object_type="portal.document", object_id=document.pk,
                     user=user, after={"title": title, "sha256": file_sha})
    return document


# --- visits ----------------------------------------------------------------------------------------

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
