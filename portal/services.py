"""Every audited write of the portal: the publish flow, uploads, the province's settings, the
periods made public and residents' feedback with its moderation. (The hash chain is
portal/chain.py, visit counters portal/visits.py, feedback rules portal/feedback.py.)"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from config.text import has_forbidden_characters
from planning.evidence import content_matches
from portal import feedback as rules
from portal.cache import pages_changed
from portal.chain import append_entry, article_content, document_content, feedback_content, sha256
from portal.images import reencode_image
from portal.models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleVersion,
    Document,
    Feedback,
    FeedbackStatus,
    PortalSettings,
    PublishedPeriod,
)
from portal.permissions import can_configure, can_moderate, can_publish, can_write
from portal.sanitise import foreign_hosts, sanitise, spam_words

_can_write, _can_publish = can_write, can_publish


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
        pages_changed()
        audit.record(action="portal.article.publish", object_type="portal.article", object_id=article.pk,
                     user=user, after={"version": number, "sha256": entry.content_sha256})
    return version


# --- uploads ---------------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


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
    if not can_write(user):
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
        pages_changed()
        audit.record(action="portal.document.add", object_type="portal.document", object_id=document.pk,
                     user=user, after={"title": title, "sha256": file_sha})
    return document




# --- the province's choices ------------------------------------------------------------------------


def update_settings(user, *, show_computed_criteria: bool, two_person_publish: bool,
                    link_allowlist: str) -> PortalSettings:
    if not can_configure(user):
        raise PermissionDenied
    with transaction.atomic():
        config = PortalSettings.current()
        before = {"show_computed_criteria": config.show_computed_criteria,
                  "two_person_publish": config.two_person_publish, "link_allowlist": config.link_allowlist}
        config.show_computed_criteria = show_computed_criteria
        config.two_person_publish = two_person_publish
        config.link_allowlist = "\n".join(h.strip().lower() for h in link_allowlist.splitlines() if h.strip())
        config.save()
        pages_changed()
        audit.record(action="portal.settings", object_type="portal.settings", object_id=1, user=user,
                     before=before, after={"show_computed_criteria": show_computed_criteria,
                                           "two_person_publish": two_person_publish,
                                           "link_allowlist": config.link_allowlist})
    return config


def publish_period(user, period) -> PublishedPeriod:
    """Make a period's figures public (the portal shows no other period)."""
    if user is not None and not can_configure(user):
        raise PermissionDenied
    with transaction.atomic():
        row, created = PublishedPeriod.objects.get_or_create(period=period, defaults={"published_by": user})
        if created:
            pages_changed()
            audit.record(action="portal.period.publish", object_type="period", object_id=period.code,
                         user=user)
    return row


# --- residents' feedback ---------------------------------------------------------------------------


def submit_feedback(*, text: str, name: str = "", contact: str = "", unit=None, article: Article | None = None,
                    ip: str | None = None) -> Feedback:
    """A resident's feedback on a commune or a published article, sent without login. Refused
    (nothing written) past the rate limit of the address; the address is only hashed for the
    counter (portal/feedback.py), never stored, not even in the audit record. Text with a link or
    the spam vocabulary is held for review; everything waits for a moderator anyway."""
    if (unit is None) == (article is None):
        raise ValueError("feedback is about a commune or an article")
    if article is not None and not article.versions.exists():
        raise ValidationError(_("This article is not published."))
    text, name, contact = (text or "").strip(), (name or "").strip()[:100], (contact or "").strip()[:200]
    if not text or len(text) > rules.MAX_LENGTH or has_forbidden_characters(text + name + contact):
        raise ValidationError(_("Write your feedback (at most %(n)d characters, no control characters).")
                              % {"n": rules.MAX_LENGTH})
    if not rules.take_slot(ip):
        raise ValidationError(_("You have sent too many messages from this connection. Please try again "
                                "in an hour; the messages already sent are waiting for the office."),
                              code="rate_limited")
    reasons = rules.held_reasons(f"{name}\n{text}")
    with transaction.atomic():
        item = Feedback.objects.create(
            unit=unit, article=article, name=name, contact=contact, text=text,
            status=FeedbackStatus.HELD if reasons else FeedbackStatus.PENDING,
            held_because=",".join(reasons), submitted_at=timezone.now(),
        )
        audit.record(action="portal.feedback.submit", object_type="portal.feedback", object_id=item.pk,
                     unit=unit, after={"status": item.status, "held_because": item.held_because})
    return item


def _check_moderator(user, item: Feedback, *statuses) -> None:
    if not can_moderate(user):
        raise PermissionDenied
    if item.status not in statuses:
        raise ValidationError(_("This feedback is no longer in a state that allows this action."))


def _publish_version(item: Feedback, user) -> None:
    """Inside the caller's transaction: a new published version and its link of the hash chain."""
    now = timezone.now()
    item.version += 1
    item.status = FeedbackStatus.PUBLISHED
    item.published_at = item.published_at or now
    item.moderated_by, item.moderated_at = user, now
    item.save()
    append_entry("feedback", item.pk, item.version, feedback_content(item))
    pages_changed()


def _refuse_spam(*texts: str) -> None:
    words = spam_words(" ".join(texts))
    if words:
        raise ValidationError(_("The text contains words held for review: %(words)s")
                              % {"words": ", ".join(words)})


def publish_feedback(user, item: Feedback, *, answer: str | None = None) -> Feedback:
    """Publish a pending or held feedback (with the office's answer, if given): shown on the
    commune's or the article's public page, hashed into the chain. Text carrying the spam
    vocabulary is never published (verify_portal would flag the page)."""
    _check_moderator(user, item, FeedbackStatus.PENDING, FeedbackStatus.HELD)
    answer = item.answer if answer is None else answer.strip()
    _refuse_spam(item.name, item.text, answer)
    with transaction.atomic():
        item = Feedback.objects.select_for_update().get(pk=item.pk)
        _check_moderator(user, item, FeedbackStatus.PENDING, FeedbackStatus.HELD)
        if answer != item.answer:
            item.answer, item.answered_by, item.answered_at = answer, user, timezone.now()
        _publish_version(item, user)
        audit.record(action="portal.feedback.publish", object_type="portal.feedback", object_id=item.pk,
                     user=user, unit=item.unit, after={"version": item.version, "answered": bool(answer)})
    return item


def answer_feedback(user, item: Feedback, answer: str) -> Feedback:
    """Record (or correct) the office's answer; on a published feedback the answer is published
    at once, as a new version of the chain."""
    _check_moderator(user, item, FeedbackStatus.PENDING, FeedbackStatus.HELD, FeedbackStatus.PUBLISHED)
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer first."))
    _refuse_spam(answer)
    with transaction.atomic():
        item = Feedback.objects.select_for_update().get(pk=item.pk)
        before = item.answer
        item.answer, item.answered_by, item.answered_at = answer, user, timezone.now()
        if item.status == FeedbackStatus.PUBLISHED:
            _publish_version(item, user)
        else:
            item.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(action="portal.feedback.answer", object_type="portal.feedback", object_id=item.pk,
                     user=user, unit=item.unit, before={"answer": before}, after={"answer": answer})
    return item


def reject_feedback(user, item: Feedback, reason: str = "") -> Feedback:
    """Reject a pending or held feedback, or withdraw a published one (a reason is then required:
    the public page changes, and the audit trail says why)."""
    _check_moderator(user, item, FeedbackStatus.PENDING, FeedbackStatus.HELD, FeedbackStatus.PUBLISHED)
    reason = reason.strip()
    if item.status == FeedbackStatus.PUBLISHED and not reason:
        raise ValidationError(_("Give the reason for withdrawing a published feedback."))
    with transaction.atomic():
        item = Feedback.objects.select_for_update().get(pk=item.pk)
        before = item.status
        item.status, item.reject_reason = FeedbackStatus.REJECTED, reason[:300]
        item.moderated_by, item.moderated_at = user, timezone.now()
        item.save(update_fields=["status", "reject_reason", "moderated_by", "moderated_at"])
        if before == FeedbackStatus.PUBLISHED:
            pages_changed()
        audit.record(action="portal.feedback.reject", object_type="portal.feedback", object_id=item.pk,
                     user=user, unit=item.unit, before={"status": before}, reason=reason)
    return item
