"""Residents' satisfaction surveys: questionnaires as data (questions, choices and which answers
count as satisfied), rounds per commune with their household frame, one-time household codes,
and the answers however they were entered. Every change goes through surveys/services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SELECT_ONE = "select_one", _("One choice")
    SELECT_MULTIPLE = "select_multiple", _("Several choices")
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")


class Questionnaire(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=64, blank=True)
    # Where the questionnaire comes from (an uploaded XLSForm, the shipped default...).
    source = models.CharField(max_length=300, blank=True)
    illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    # The XLSForm name: the column of a KoBo/ODK export and of the Excel template.
    name = models.CharField(max_length=64)
    label = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    # The question whose answer decides whether a household is satisfied (one per questionnaire).
    decides_satisfaction = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "name"], name="unique_question_name")]

    def __str__(self) -> str:
        return f"{self.name}: {self.label}"

    @property
    def is_select(self) -> bool:
        return self.kind in (QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    # An answer with this choice counts as "satisfied".
    satisfied = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "name"], name="unique_choice_name")]

    def __str__(self) -> str:
        return f"{self.name}: {self.label}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """One survey of one commune's households with one questionnaire."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="survey_rounds")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=300)
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="survey_rounds")
    # The recognition dossier whose survey stage this round serves, when there is one.
    dossier = models.ForeignKey("recognition.Dossier", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="survey_rounds")
    conducted_by = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Village(models.Model):
    """The household frame of a round: households of each village and how many to survey."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="villages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    households = models.PositiveIntegerField()
    sample = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="unique_round_village")]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A household of the optional household list of a village: its code is printed beside it.
    Pages show answers only in aggregate; the list serves distribution and follow-up."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="households_listed")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class HouseholdCode(models.Model):
    """A one-time code handed to one household: it opens the web form once."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="codes")
    number = models.PositiveIntegerField()  # order within the village, for the printed list
    # The household it was handed to (optional, from the household list).
    household = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=16, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["village__position", "number"]

    def __str__(self) -> str:
        return f"{self.village}: {self.number}"


class Channel(models.TextChoices):
    WEB = "web", _("Web form with a household code")
    EXCEL = "excel", _("Excel sheet")
    KOBO = "kobo", _("KoBo/ODK export")


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # One answer per code: the database refuses a second response with the same code.
    code = models.OneToOneField(HouseholdCode, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="response")
    # The submission id of a KoBo/ODK export (_uuid), so one submission is not imported twice.
    external_id = models.CharField(max_length=64, blank=True)
    satisfied = models.BooleanField()
    submitted_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["round", "external_id"], condition=~models.Q(external_id=""),
                                               name="unique_round_submission")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # The choice name (select_one), names separated by spaces (select_multiple), or the text.
    value = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="unique_answer")]

    def __str__(self) -> str:
        return f"{self.question.name}={self.value}"
