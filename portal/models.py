"""The public portal: what the province chose to publish, the news and documents it published,
a hash chain over every published version, and visit counters that keep no address."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def portal_storage():
    return FileSystemStorage(location=settings.DATA_DIR / "media" / "portal")


class PortalSettings(models.Model):
    """One row (pk=1): the province's choices for its public portal."""

    show_computed_criteria = models.BooleanField(
        _("publish computed criteria figures"), default=True,
        help_text=_("Off: the portal publishes recognitions only."),
    )
    two_person_publish = models.BooleanField(
        _("publishing needs a second person"), default=True,
        help_text=_("The person who publishes an article must not be the one who wrote it."),
    )
    link_allowlist = models.TextField(
        _("hosts outbound links may point to"), blank=True,
        default="chinhphu.vn\nlaocai.gov.vn\nnongthonmoi.gov.vn\nmae.gov.vn",
        help_text=_("One host per line; their subdomains are allowed too."),
    )
    # Written by verify_portal: when it last ran and what it found (empty: nothing).
    last_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    tamper_report = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return str(_("portal settings"))

    @classmethod
    def current(cls) -> PortalSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def allowed_hosts(self) -> list[str]:
        return [h.strip().lower().lstrip(".") for h in self.link_allowlist.splitlines() if h.strip()]


class PublishedPeriod(models.Model):
    """A reporting period whose figures the province has made public; the portal shows no
    figure of any other period."""

    period = models.OneToOneField("assessments.Period", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["period__as_of"]
        verbose_name = _("published period")
        verbose_name_plural = _("published periods")

    def __str__(self) -> str:
        return str(self.period)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    """A news item or announcement. `body` is the working draft (never shown to the public);
    the public sees the latest ArticleVersion, sanitised when it was published."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body (HTML)"))
    status = models.CharField(max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("publish_article", "Can publish portal articles")]

    def __str__(self) -> str:
        return self.title

    @property
    def public_version(self):
        return self.versions.order_by("-number").first()


class ArticleVersion(models.Model):
    """A published version: the sanitised HTML the public sees. Never edited."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=500, blank=True)
    body_html = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["article", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="portal_version_once")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class ArticleImage(models.Model):
    """An image for articles, re-encoded and resized on upload (served from /cong-khai/anh/)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="images")
    file = models.FileField(storage=portal_storage, upload_to="anh/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.file.name


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    PLAN = "plan", _("Plan")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A public document (a PDF whose content was sniffed on upload)."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.DECISION)
    file = models.FileField(storage=portal_storage, upload_to="van-ban/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class LedgerEntry(models.Model):
    """One published version (article or document): the SHA-256 of its content, chained to the
    previous entry (`entry_hash` = SHA-256 of the previous entry_hash and this entry's fields).
    Rows are appended only; verify_portal recomputes the chain and compares the content."""

    kind = models.CharField(max_length=16)
    object_id = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    content_sha256 = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} v{self.version}"


class DailySalt(models.Model):
    """The random salt of one day's visitor hashes; deleted after the day, so a stored hash can
    no longer be tied to an address."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.day.isoformat()


class Visit(models.Model):
    """A visitor (keyed hash of address and browser with the day's salt) seen on a day, on the
    site (`article` empty) or on one article. Unique per day: reloads count once."""

    day = models.DateField()
    visitor = models.CharField(max_length=64)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "visitor", "article"], name="portal_visit_once"),
            models.UniqueConstraint(fields=["day", "visitor"], condition=models.Q(article__isnull=True),
                                    name="portal_site_visit_once"),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.visitor[:8]}"


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    HELD = "held", _("Held as possible spam")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Feedback(models.Model):
    """A resident's feedback or petition (phản ánh, kiến nghị) on a commune or a news item, sent
    without login. It keeps no address of the sender: the rate limit counts a keyed hash in the
    cache (portal/throttle.py). The contact is for the office only; the public sees the name (or
    "a resident"), the text and the office's answer once published."""

    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100, blank=True)
    contact = models.CharField(_("contact (phone or e-mail)"), max_length=200, blank=True)
    text = models.TextField(_("feedback"))
    status = models.CharField(max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING)
    # Why it was held for review (links, spam vocabulary), as the service found it.
    held_because = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    # The version last published (a ledger entry "feedback" per version: question and answer).
    version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        permissions = [("moderate_feedback", "Can moderate residents' feedback")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False, article__isnull=True)
                           | models.Q(unit__isnull=True, article__isnull=False)),
                name="portal_feedback_one_target"),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["article", "status"]),
                   models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"
