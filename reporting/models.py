"""The reporting cycle: schedules (data), their periods, submissions with their history, and
the log of reminder emails.

Written only by reporting.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReporterLevel(models.TextChoices):
    # Unit kinds (units.models.UnitKind values): districts before the 1/7/2025 reform,
    # communes after it; or a provincial department/agency (accounts Organisation).
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Department or agency")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Section(models.TextChoices):
    """The narrative sections of a report form (the indicator values are entered on the
    commune data-entry page)."""

    RESULTS = "ket_qua", _("Results")
    DIFFICULTIES = "kho_khan", _("Difficulties and obstacles")
    PROPOSALS = "de_xuat", _("Proposals and recommendations")


ALL_SECTIONS = [s.value for s in Section]


class ReportSchedule(models.Model):
    """A report somebody owes the province, on a calendar.

    The due date of a period is `due_day` of the period's last month (the monthly NTM report:
    the 25th of the month it is about). Submissions lock on `lock_day` of the month after the
    period's last month.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    reporter_level = models.CharField(max_length=16, choices=ReporterLevel.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    due_day = models.PositiveSmallIntegerField()
    lock_day = models.PositiveSmallIntegerField()
    # The form: the period's indicator values (entered on the data-entry page) and these sections.
    includes_values = models.BooleanField(default=True)
    sections = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="due_day_1_28"),
            models.CheckConstraint(condition=Q(lock_day__gte=1, lock_day__lte=28), name="lock_day_1_28"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def section_choices(self) -> list[tuple[str, str]]:
        labels = dict(Section.choices)
        return [(key, labels[key]) for key in self.sections if key in labels]


class ReportingPeriod(models.Model):
    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="periods")
    start = models.DateField()
    end = models.DateField()
    due_date = models.DateField()
    lock_date = models.DateField()

    class Meta:
        ordering = ["schedule", "start"]
        constraints = [models.UniqueConstraint(fields=["schedule", "start"], name="one_period_per_start")]

    def __str__(self) -> str:
        return f"{self.schedule.name} — {self.label}"

    @property
    def label(self) -> str:
        frequency = self.schedule.frequency
        if frequency == Frequency.MONTHLY:
            return _("Month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}
        if frequency == Frequency.QUARTERLY:
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return _("Year %(year)s") % {"year": self.start.year}

    def is_locked(self, today) -> bool:
        return today > self.lock_date


class State(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Submission(models.Model):
    """One reporter's report for one period: a unit (district or commune) or an agency.

    The server's clock sets both times. `submitted_at` is the first submission (history only);
    `last_submitted_at` is the version that stands: set at each submission, cleared when the
    reporter withdraws. Timeliness is judged on it (in Asia/Ho_Chi_Minh) against the period's due
    date, so an accepted report is judged on the version accepted (reporting.services.is_on_time).
    """

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    sections = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False, organisation__isnull=True)
                           | Q(unit__isnull=True, organisation__isnull=False)),
                name="submission_one_reporter",
            ),
            models.UniqueConstraint(fields=["period", "unit"], condition=Q(unit__isnull=False),
                                    name="one_submission_per_unit"),
            models.UniqueConstraint(fields=["period", "organisation"], condition=Q(organisation__isnull=False),
                                    name="one_submission_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.period} / {self.reporter_name}"

    @property
    def is_submitted(self) -> bool:
        """A version stands submitted (submitted, returned or accepted; not withdrawn)."""
        return self.last_submitted_at is not None

    @property
    def reporter_name(self) -> str:
        return str(self.unit or self.organisation)


class SubmissionEvent(models.Model):
    """A change of state of a submission (the history shown on its page)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    from_state = models.CharField(max_length=16, choices=State.choices)
    to_state = models.CharField(max_length=16, choices=State.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    OVERDUE = "overdue", _("Overdue")


class ReminderLog(models.Model):
    """One reminder email sent; the unique constraint is what makes a reminder go out once."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reminders")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "recipient", "kind"], name="one_reminder_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.email} {self.period_id}"
