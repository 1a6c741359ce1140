"""Recognition dossiers (QĐ 18/2022/QĐ-TTg Điều 5-8 for communes, 2021-2025): the procedure whose
outcome is an `assessments.models.Recognition`. Every change goes through recognition/services.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.evidence import validate_evidence_content
from planning.models import _evidence_storage, validate_evidence_size
from surveys import stats


class Stage(models.TextChoices):
    """The last step a dossier has completed, in order."""

    REGISTRATION = "registration", _("Registration")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment (snapshot frozen)")
    OPINIONS = "opinions", _("Opinions of the Fatherland Front and organisations")
    POSTING = "posting", _("Public posting for comments")
    SURVEY = "survey", _("Residents' satisfaction survey")
    APPRAISAL = "appraisal", _("Appraisal")
    DECISION = "decision", _("Decision")


STAGE_ORDER = [s.value for s in Stage]


class Dossier(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dossiers")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="dossiers")
    level_code = models.SlugField(max_length=32)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.REGISTRATION)
    registered_on = models.DateField()
    # The self-assessment as of its date: values, set versions, thresholds, explanations (JSON).
    snapshot = models.JSONField(null=True, blank=True)
    snapshot_on = models.DateField(null=True, blank=True)
    opinions = models.TextField(blank=True)
    posted_where = models.TextField(blank=True)
    posting_start = models.DateField(null=True, blank=True)
    posting_end = models.DateField(null=True, blank=True)
    broadcasts = models.PositiveSmallIntegerField(null=True, blank=True)
    comments = models.TextField(blank=True)
    appraised_by = models.CharField(max_length=200, blank=True)
    appraised_on = models.DateField(null=True, blank=True)
    appraisal_findings = models.TextField(blank=True)
    decision_signer = models.CharField(max_length=200, blank=True)
    decision_pdf = models.FileField(
        storage=_evidence_storage, upload_to="dossiers/%Y/%m/", blank=True, max_length=300,
        validators=[FileExtensionValidator(["pdf"]), validate_evidence_size, validate_evidence_content],
    )
    recognition = models.OneToOneField(
        "assessments.Recognition", on_delete=models.PROTECT, null=True, blank=True, related_name="dossier"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-registered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.level_code} ({self.get_stage_display()})"

    @property
    def next_stage(self) -> str | None:
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None

    @property
    def next_stage_label(self) -> str:
        return Stage(self.next_stage).label if self.next_stage else ""

    @property
    def decided(self) -> bool:
        return self.stage == Stage.DECISION


class DossierEvent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    action = models.CharField(max_length=16)  # "advance" or "return"
    stage_from = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    stage_to = models.CharField(max_length=16, choices=Stage.choices)
    note = models.TextField(blank=True)
    # What a return discarded (e.g. the previous snapshot), kept for the record.
    data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.stage_from} -> {self.stage_to}"


class Survey(models.Model):
    """The result of the residents' satisfaction survey attached to a dossier: a summary typed by
    hand (decisions prepared outside the system), or the counts of a closed `surveys.Round`
    attached to the dossier, copied when the stage is recorded (`source` names the round)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="survey")
    conducted_by = models.CharField(max_length=200)
    conducted_on = models.DateField()
    households_total = models.PositiveIntegerField(null=True, blank=True)
    households_surveyed = models.PositiveIntegerField()
    satisfied = models.PositiveIntegerField()
    source = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.satisfied}/{self.households_surveyed}"

    @property
    def share(self) -> float:
        """Satisfied households in percent of those surveyed, one decimal."""
        return stats.share(self.satisfied, self.households_surveyed) or 0.0

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson score interval of the satisfied share (surveys.stats.wilson_interval)."""
        return stats.wilson_interval(self.satisfied, self.households_surveyed)

    @property
    def coverage(self) -> float | None:
        return stats.share(self.households_surveyed, self.households_total)
