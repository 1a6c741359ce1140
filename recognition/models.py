"""Recognition dossiers (QĐ 18/2022/QĐ-TTg Điều 5-8 for communes, 2021-2025): the procedure whose
outcome is an `assessments.models.Recognition`. Every change goes through recognition/services.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.evidence import validate_evidence_content
from planning.models import EVIDENCE_EXTENSIONS, _evidence_storage, validate_evidence_size
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


class Kind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    REVOCATION = "revocation", _("Revocation")


# A revocation dossier: proposal, the revocation check frozen on the commune's data, the
# appraisal, and the decision revoking the recognition (QĐ 18/2022/QĐ-TTg, revocation rule).
REVOCATION_ORDER = [Stage.REGISTRATION.value, Stage.SELF_ASSESSMENT.value, Stage.APPRAISAL.value,
                    Stage.DECISION.value]
STAGE_ORDERS = {Kind.RECOGNITION: STAGE_ORDER, Kind.REVOCATION: REVOCATION_ORDER}
# What a stage is called in a revocation dossier where it differs.
REVOCATION_LABELS = {Stage.REGISTRATION.value: _("Revocation proposal registered"),
                     Stage.SELF_ASSESSMENT.value: _("Revocation check (frozen on the data)"),
                     Stage.DECISION.value: _("Revocation decision")}


def stage_label(kind: str, stage: str) -> str:
    if kind == Kind.REVOCATION and stage in REVOCATION_LABELS:
        return REVOCATION_LABELS[stage]
    return Stage(stage).label


def _document_field(upload_to: str, *, extensions=None):
    return models.FileField(
        storage=_evidence_storage, upload_to=upload_to, blank=True, max_length=300,
        validators=[FileExtensionValidator(extensions or EVIDENCE_EXTENSIONS), validate_evidence_size,
                    validate_evidence_content],
    )


class Dossier(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="dossiers")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="dossiers")
    level_code = models.SlugField(max_length=32)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RECOGNITION)
    # A revocation dossier: the recognition it proposes to revoke, and the revocation it decided.
    revokes = models.ForeignKey("assessments.Recognition", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="revocation_dossiers")
    revocation = models.OneToOneField("assessments.Revocation", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="dossier")
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
    def stage_order(self) -> list[str]:
        return STAGE_ORDERS[self.kind]

    @property
    def is_revocation(self) -> bool:
        return self.kind == Kind.REVOCATION

    @property
    def previous_stage(self) -> str | None:
        index = self.stage_order.index(self.stage)
        return self.stage_order[index - 1] if index > 0 else None

    @property
    def next_stage(self) -> str | None:
        order = self.stage_order
        index = order.index(self.stage)
        return order[index + 1] if index + 1 < len(order) else None

    @property
    def next_stage_label(self) -> str:
        return stage_label(self.kind, self.next_stage) if self.next_stage else ""

    @property
    def stage_label(self) -> str:
        return stage_label(self.kind, self.stage)

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


class Broadcast(models.Model):
    """One broadcast of the self-assessment report on the commune loudspeaker during the posting."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="broadcast_rows")
    on = models.DateField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.on}"


class PostingComment(models.Model):
    """A comment received during the public posting, who made it, and the commune's answer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="posting_comments")
    received_on = models.DateField(null=True, blank=True)
    commenter = models.CharField(max_length=200, blank=True)
    comment = models.TextField()
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.comment[:40]}"


class ConditionKind(models.TextChoices):
    NO_DEBT = "no_debt", _("No outstanding construction debt")
    SECURITY = "security", _("Security and order")


class ConditionRecord(models.Model):
    """A recorded declaration (no construction debt, when the finance records hold nothing for
    the commune) or confirmation (security and order), with who, when and its document. The
    latest record of a kind counts; earlier ones stay as history."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="condition_records")
    kind = models.CharField(max_length=16, choices=ConditionKind.choices)
    holds = models.BooleanField(help_text="True: no debt / the commune is not complex in security and order")
    declared_by = models.CharField(max_length=200)
    declared_on = models.DateField()
    document_ref = models.CharField(max_length=200)
    document = _document_field("dossiers/conditions/%Y/%m/")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}: {self.holds}"


class DecisionRecord(models.Model):
    """What the recognition record itself lacks: the signed scan, and whether it was recorded
    directly because it was taken before this system existed."""

    recognition = models.OneToOneField("assessments.Recognition", on_delete=models.CASCADE,
                                       related_name="decision_record")
    before_system = models.BooleanField(default=False)
    signed_scan = _document_field("decisions/%Y/%m/", extensions=["pdf", "jpg", "jpeg", "png"])
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.recognition_id} ({'before system' if self.before_system else 'recorded'})"


class RecognitionCorrection(models.Model):
    """A corrected typo in a recognition decision (number, date, signer): the old and the new
    values, who and why. A correction is not a revocation."""

    recognition = models.ForeignKey("assessments.Recognition", on_delete=models.CASCADE,
                                    related_name="corrections")
    before = models.JSONField()
    after = models.JSONField()
    reason = models.TextField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.recognition_id}: {self.before} -> {self.after}"
