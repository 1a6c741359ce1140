"""Periods, recorded indicator values with history, stored evaluations, recognitions."""

import decimal
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")


class Period(models.Model):
    """A reporting period; values are "as of" its as_of date, the date evaluations use."""

    code = models.SlugField(max_length=16, unique=True)
    kind = models.CharField(max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    name = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    as_of = models.DateField()

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return self.name


logger = logging.getLogger(__name__)


class ReadableDecimalField(models.DecimalField):
    """A DecimalField whose reads never fail on a stored value outside max_digits/decimal_places.

    The services refuse such values before any write, but SQLite keeps whatever REAL it is given
    (a 1e308 written before that check, or by hand) and Django's converter then raised
    InvalidOperation on every page reading it. Here the quantize of such a value gives NaN (the
    context does not trap), which reads as None (no value) and is logged. The column and its
    migrations are those of a plain DecimalField."""

    @cached_property
    def context(self):
        return decimal.Context(prec=self.max_digits, traps=[])

    def from_db_value(self, value, expression, connection):
        if isinstance(value, decimal.Decimal) and not value.is_finite():
            logger.error("unreadable stored value in %s: read as no value", self)
            return None
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class IndicatorValueQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class IndicatorValue(models.Model):
    """One recorded value. A correction adds a row and marks the old one not current;
    nothing is ever overwritten. Written only by assessments.services.record_values."""

    # Indexes are kept to those the reads use: every index costs each imported row. The
    # (period, family, is_current) index serves queries by period; a family alone or a recorder
    # is never looked up.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values", db_index=False)
    # Indicator code within the criteria family (shared by its NTM and advanced sets).
    family = models.SlugField(max_length=64, db_index=False)
    indicator = models.CharField(max_length=32)
    number = ReadableDecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    source = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "period", "indicator", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "family", "indicator"],
                condition=Q(is_current=True),
                name="one_current_value",
            )
        ]
        indexes = [models.Index(fields=["period", "family", "is_current"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id} {self.indicator}={self.value}"

    @property
    def value(self):
        return self.boolean if self.number is None else self.number


class Evaluation(models.Model):
    """The stored result of the engine for a unit, period and criteria set version."""

    # Indexes are kept to those the reads use, as for IndicatorValue: a re-evaluation of the
    # country rewrites ~23,000 rows, and each index costs every row. The unique (unit, period,
    # version) index serves lookups by unit, the (period, criteria set) one lookups by period;
    # nothing looks up the level reached.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="evaluations", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="evaluations", db_index=False)
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="evaluations"
    )
    version = models.ForeignKey(
        "criteria.CriteriaSetVersion", on_delete=models.PROTECT, related_name="evaluations"
    )
    computed_at = models.DateTimeField()
    criteria_met = models.PositiveSmallIntegerField()
    criteria_unmet = models.PositiveSmallIntegerField()
    criteria_missing = models.PositiveSmallIntegerField()
    criteria_total = models.PositiveSmallIntegerField()
    all_met = models.BooleanField()
    # Highest level of the family reached by the unit (same on every set's row), "" if none.
    level_reached = models.SlugField(max_length=32, blank=True, db_index=False)
    level_rank = models.PositiveSmallIntegerField(default=0)
    # {criterion code: "met" | "unmet" | "missing"}; the full engine result is in `result`.
    criteria_status = models.JSONField()
    result = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "version"], name="one_evaluation_per_version")
        ]
        indexes = [models.Index(fields=["period", "criteria_set"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id} v{self.version_id}: {self.criteria_met}/{self.criteria_total}"


class Recognition(models.Model):
    """A decision recognising a unit at a level (legal status, separate from computed status)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="recognitions")
    level_code = models.SlugField(max_length=32)
    level_rank = models.PositiveSmallIntegerField(default=1)
    family = models.SlugField(max_length=64, blank=True)
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    issuer = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit", "decision_date"]

    def __str__(self) -> str:
        return f"{self.level_code} {self.decision_number}"


class Revocation(models.Model):
    recognition = models.OneToOneField(Recognition, on_delete=models.PROTECT, related_name="revocation")
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    issuer = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.decision_number


class ImportFileStorage(FileSystemStorage):
    """Uploaded workbooks, outside the database and outside anything served: settings
    NTM_IMPORT_DIR, by default DATA_DIR/imports (read at each use, so tests may change it)."""

    @property
    def base_location(self):
        configured = getattr(settings, "NTM_IMPORT_DIR", None)
        return str(configured or Path(settings.DATA_DIR) / "imports")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


_import_storage = ImportFileStorage()


def import_storage():
    return _import_storage


def import_file_name(instance, filename: str) -> str:
    """A name that says nothing and cannot be guessed: the original name stays in file_name."""
    return f"{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """An Excel import started from the site: its file, state, progress and outcome.

    Written only by assessments.excel.jobs; the import itself goes through record_values_many.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the workbook holds: indicator values ("values", this app) or another app's import
    # registered with assessments.excel.jobs.register_runner (e.g. "treasury", finance).
    kind = models.CharField(max_length=16, default="values")
    file_name = models.CharField(max_length=255)
    # The uploaded workbook, kept NTM_IMPORT_RETENTION_DAYS days after the job ends (command
    # purge_import_files). `content` held it in the database before; only older jobs use it.
    upload = models.FileField(storage=import_storage, upload_to=import_file_name, blank=True, max_length=200)
    content = models.BinaryField(blank=True, default=b"")
    source = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    period_code = models.CharField(max_length=16, blank=True)
    units_count = models.PositiveIntegerField(default=0)
    values_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    corrected_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # [{"sheet", "cell", "message"}]: the first ones only (jobs.MAX_PROBLEMS_KEPT), then one
    # entry per reason counting the rest; problems_total counts them all.
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def workbook(self) -> bytes | None:
        """The uploaded file, None once purged."""
        if self.upload:
            try:
                with self.upload.open("rb") as handle:
                    return handle.read()
            except FileNotFoundError:
                return None
        content = ImportJob.objects.filter(pk=self.pk).values_list("content", flat=True).first()
        return bytes(content) if content else None

    @property
    def problems_count(self) -> int:
        """Every problem found, also those not kept (jobs stored before the count: those kept)."""
        return self.problems_total or len(self.problems)
