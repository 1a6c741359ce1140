"""Phase plans: how many communes the province plans to bring to each level, by year."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Phase(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    family = models.SlugField(max_length=64, help_text="criteria family the phase is measured with")
    source = models.CharField(max_length=300, blank=True)
    illustrative = models.BooleanField(default=False)
    # Province-wide targets for the end of the phase.
    target_min_criteria = models.PositiveSmallIntegerField(null=True, blank=True)
    target_avg_criteria = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    target_source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start_year"]

    def __str__(self) -> str:
        return self.name


class PhaseTarget(models.Model):
    """Target count of recognised communes at a level by the end of a year."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="targets")
    level_code = models.SlugField(max_length=32)
    year = models.PositiveSmallIntegerField()
    target_count = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["phase", "level_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "level_code", "year"], name="unique_phase_target")
        ]

    def __str__(self) -> str:
        return f"{self.level_code} {self.year}: {self.target_count}"


# ------------------------------------------------------------------ targets beyond the phase plan


class YearTarget(models.Model):
    """Province-wide criteria targets for the end of a year: no commune under N criteria, and
    the average number of criteria met per commune."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="year_targets")
    year = models.PositiveSmallIntegerField()
    min_criteria = models.PositiveSmallIntegerField(null=True, blank=True)
    avg_criteria = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["phase", "year"]
        constraints = [models.UniqueConstraint(fields=["phase", "year"], name="unique_year_target")]

    def __str__(self) -> str:
        return f"{self.year}: ≥{self.min_criteria} / {self.avg_criteria}"


class CommuneTarget(models.Model):
    """The level a commune plans to reach and the year it plans to reach it."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="plan_target")
    level_code = models.SlugField(max_length=32)
    year = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.level_code} {self.year}"


# ------------------------------------------------------------------ roadmaps


def _evidence_storage():
    # MEDIA_ROOT (DATA_DIR/media), read when first used, so that tests can move it.
    return FileSystemStorage()


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]


def validate_evidence_size(file) -> None:
    if file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))


class FundingSource(models.TextChoices):
    NTM = "ntm", _("NTM programme")
    POVERTY = "poverty", _("Sustainable poverty reduction")
    ETHNIC = "ethnic", _("Ethnic-minority programme")
    LOCAL = "local", _("Local budget")
    INTEGRATED = "integrated", _("Integrated funding")
    PEOPLE = "people", _("People's contribution")
    OTHER = "other", _("Other")


class ItemStatus(models.TextChoices):
    # "Open" has several meanings ("Mở" on a link): each status says it with its context.
    OPEN = "open", pgettext_lazy("roadmap item status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


class RoadmapItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue_on(self, day: datetime.date):
        """Active items past their target date (whether the indicators are met now is a
        question for the stored evaluations: see planning.queries.annotate_items)."""
        return self.active().filter(target_date__lt=day)


class RoadmapItem(models.Model):
    """A commune's plan to bring one or several unmet indicators to their threshold."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="roadmap_items")
    family = models.SlugField(max_length=64)
    title = models.CharField(max_length=300)
    target_date = models.DateField()
    estimated_cost = models.PositiveBigIntegerField(default=0, help_text="VND")
    funding_source = models.CharField(max_length=16, choices=FundingSource.choices, default=FundingSource.NTM)
    helping_agency = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="roadmap_items"
    )
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RoadmapItemQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "target_date", "pk"]
        indexes = [models.Index(fields=["status", "target_date"])]

    def __str__(self) -> str:
        return self.title


class RoadmapIndicator(models.Model):
    """One indicator of an item, with its value when planned and the value aimed at."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(max_length=32)
    criterion = models.CharField(max_length=16)
    value_at_start = models.CharField(max_length=64, blank=True)
    target_value = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["item", "indicator"]
        constraints = [models.UniqueConstraint(fields=["item", "indicator"], name="unique_item_indicator")]

    def __str__(self) -> str:
        return self.indicator


class TaskOwner(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Helping agency")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A task of a roadmap item or a follow-up agreed at a field visit."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="plan_tasks")
    item = models.ForeignKey(RoadmapItem, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    visit = models.ForeignKey("FieldVisit", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=16, choices=TaskOwner.choices, default=TaskOwner.COMMUNE)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_tasks"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressNote(models.Model):
    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField()
    text = models.TextField()
    evidence = models.FileField(
        storage=_evidence_storage, upload_to="roadmap/%Y/%m/", blank=True, max_length=300,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_size],
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:40]}"


# ------------------------------------------------------------------ responsibility


class HelpingAssignment(models.Model):
    """An agency that helps a commune (cơ quan giúp đỡ)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="helped")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="helping_agencies")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["unit", "organisation"]
        constraints = [models.UniqueConstraint(fields=["organisation", "unit"], name="unique_helping")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.unit}"


class SupportTeamMember(models.Model):
    """A member of a commune's support team (tổ công tác): a user or just a name."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="support_team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["unit", "pk"]

    def __str__(self) -> str:
        return self.name or str(self.user)


class FieldVisit(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="field_visits")
    date = models.DateField()
    members = models.TextField(blank=True)
    criteria_checked = models.JSONField(default=list)
    findings = models.TextField(blank=True)
    difficulties = models.TextField(blank=True)
    illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.unit} {self.date}"
