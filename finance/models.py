"""Money of the programme: programmes, components and sources of capital (reference data with
validity dates), projects per commune, capital plans and allocations from decisions (adjustments
kept as history), monthly disbursement, and outstanding construction debt (nợ đọng XDCB).

Every amount is an integer number of đồng. Nothing here is written outside finance/services.py.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A national target programme (or the bucket of capital outside any programme)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=100)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from", "code"]

    def __str__(self) -> str:
        return self.short_name


class Component(models.Model):
    """A component (hợp phần / nội dung) of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="components")
    code = models.SlugField(max_length=32)
    name = models.CharField(max_length=300)
    illustrative = models.BooleanField(default=False)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="unique_component")]

    def __str__(self) -> str:
        return self.name


class CapitalKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment capital")
    RECURRENT = "recurrent", _("Recurrent capital")


class Source(models.Model):
    """A source of capital: central budget (investment, recurrent), local budgets, integrated
    capital, credit, enterprises, residents' contributions."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    capital_kind = models.CharField(max_length=16, choices=CapitalKind.choices, default=CapitalKind.INVESTMENT)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ProjectKind(models.TextChoices):
    ROAD = "road", _("Rural road")
    IRRIGATION = "irrigation", _("Irrigation")
    SCHOOL = "school", _("School")
    CULTURE = "culture", _("Cultural house")
    HEALTH = "health", _("Health station")
    WATER = "water", _("Clean water")
    ELECTRICITY = "electricity", _("Electricity")
    MARKET = "market", _("Rural market")
    ENVIRONMENT = "environment", _("Environment")
    PRODUCTION = "production", _("Production support")
    OTHER = "other", _("Other")


class Project(models.Model):
    """A work or project (công trình, dự án) of one commune."""

    code = models.CharField(max_length=32, unique=True, help_text="the code the treasury reports under")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="finance_projects")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=ProjectKind.choices, default=ProjectKind.OTHER)
    owner = models.CharField(max_length=300, blank=True, help_text="chủ đầu tư")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    total_investment = models.PositiveBigIntegerField(default=0, help_text="VND")
    criteria = models.JSONField(default=list, blank=True, help_text="criterion or indicator codes served")
    roadmap_items = models.ManyToManyField("planning.RoadmapItem", blank=True, related_name="finance_projects")
    illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlanLine(models.Model):
    """The capital a province has for a year from one programme (component) and source, as
    given by its latest decision; every decision is kept in `adjustments`."""

    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="finance_plan_lines")
    year = models.PositiveSmallIntegerField()
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="plan_lines")
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="plan_lines")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="plan_lines")
    amount = models.PositiveBigIntegerField(help_text="VND, as of the latest decision")
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["year", "programme", "component", "source"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "programme", "component", "source"],
                                    name="unique_plan_line"),
            models.UniqueConstraint(fields=["province", "year", "programme", "source"],
                                    condition=models.Q(component__isnull=True), name="unique_plan_line_no_component"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.programme_id}/{self.component_id}/{self.source_id}: {self.amount}"


class Allocation(models.Model):
    """The share of a plan line given to one project, as of the latest decision."""

    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="allocations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations")
    amount = models.PositiveBigIntegerField(help_text="VND, as of the latest decision")
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    # The latest cumulative disbursement and its month, kept by services.record_disbursements (a
    # read shortcut for the pages; the monthly rows stay the record).
    disbursed = models.PositiveBigIntegerField(default=0)
    disbursed_month = models.DateField(null=True, blank=True)
    disbursed_before = models.PositiveBigIntegerField(default=0, help_text="cumulative before that month")

    class Meta:
        ordering = ["project", "plan_line"]
        constraints = [models.UniqueConstraint(fields=["plan_line", "project"], name="unique_allocation")]

    def __str__(self) -> str:
        return f"{self.project_id} ← {self.plan_line_id}: {self.amount}"


class Adjustment(models.Model):
    """One decision on a plan line or an allocation: the first one sets it, later ones adjust it.
    Append-only: the history of the amounts."""

    plan_line = models.ForeignKey(PlanLine, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="adjustments")
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="adjustments")
    amount_before = models.PositiveBigIntegerField(null=True, blank=True)
    amount_after = models.PositiveBigIntegerField()
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_line__isnull=False, allocation__isnull=True)
                | models.Q(plan_line__isnull=True, allocation__isnull=False),
                name="adjustment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.amount_before} → {self.amount_after}"


class Disbursement(models.Model):
    """What the treasury paid on an allocation, reported for a month: the cumulative amount since
    the start of the plan year and the amount of the month (cumulative minus the month before)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="disbursements")
    month = models.DateField(help_text="first day of the month reported")
    cumulative = models.PositiveBigIntegerField()
    amount = models.BigIntegerField(help_text="paid in the month")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["allocation", "month"]
        constraints = [models.UniqueConstraint(fields=["allocation", "month"], name="unique_disbursement")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.month:%m/%Y}: {self.cumulative}"


class DisbursementCorrection(models.Model):
    """A reported month's cumulative figure replaced by a later report of the same month: the
    figure before and after, when, by whom and from where (form, treasury file). Disbursement rows
    hold the latest figure; these rows keep what it replaced."""

    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="corrections")
    cumulative_before = models.PositiveBigIntegerField()
    cumulative_after = models.PositiveBigIntegerField()
    origin = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["disbursement", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.disbursement_id}: {self.cumulative_before} → {self.cumulative_after}"


class LineMonth(models.Model):
    """What was paid in a month on a plan line (the sum of its allocations' monthly amounts),
    kept by services.record_disbursements: the monthly chart and the totals read it."""

    plan_line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()
    amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["plan_line", "month"]
        constraints = [models.UniqueConstraint(fields=["plan_line", "month"], name="unique_line_month")]

    def __str__(self) -> str:
        return f"{self.plan_line_id} {self.month:%m/%Y}: {self.amount}"


class Debt(models.Model):
    """Outstanding construction debt (nợ đọng xây dựng cơ bản) of a project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="debts")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="finance_debts")
    amount = models.PositiveBigIntegerField()
    since = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    illustrative = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["since", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.amount} since {self.since}"


class Repayment(models.Model):
    debt = models.ForeignKey(Debt, on_delete=models.PROTECT, related_name="repayments")
    date = models.DateField()
    amount = models.PositiveBigIntegerField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.debt_id} {self.date}: {self.amount}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
