import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import TextFieldsMixin
from config.widgets import DateInput
from planning.evidence import validate_evidence_content
from recognition.models import ConditionKind, Stage


def _area(label, required=True):
    return forms.CharField(label=label, required=required, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(TextFieldsMixin, forms.Form):
    period = forms.ChoiceField(label=_("Period evaluated"))
    level_code = forms.ChoiceField(label=_("Level"))
    registered_on = forms.DateField(label=_("Registration date"), widget=DateInput())

    def __init__(self, *args, periods, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods
        self.fields["level_code"].choices = levels


class SelfAssessmentForm(TextFieldsMixin, forms.Form):
    pass


class OpinionsForm(TextFieldsMixin, forms.Form):
    opinions = _area(_("Opinions of the Fatherland Front and organisations"))


def parse_dates(text: str) -> list[datetime.date]:
    """"03/11/2026, 05/11/2026" (or one per line, or yyyy-mm-dd) into dates; ValueError naming
    the part that is not a date."""
    out = []
    for part in re.split(r"[,;\s]+", (text or "").strip()):
        if not part:
            continue
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                out.append(datetime.datetime.strptime(part, fmt).date())  # noqa: DTZ007 (a date)
                break
            except ValueError:
                continue
        else:
            raise ValueError(part)
    return out


class PostingForm(TextFieldsMixin, forms.Form):
    posted_where = forms.CharField(label=_("Where the report was posted"), max_length=1000)
    start = forms.DateField(label=_("Posted from"), widget=DateInput())
    end = forms.DateField(label=_("Posted until"), widget=DateInput())
    broadcast_dates = forms.CharField(
        label=_("Dates of the broadcasts on the commune loudspeaker"), max_length=2000,
        help_text=_("One date per broadcast, dd/mm/yyyy, separated by commas."),
        widget=forms.Textarea(attrs={"rows": 2}))
    comments = _area(_("Comments received and answers"), required=False)
    comments.help_text = _("One comment per line: who | comment | answer.")

    def clean_broadcast_dates(self):
        try:
            return parse_dates(self.cleaned_data["broadcast_dates"])
        except ValueError as exc:
            raise forms.ValidationError(_("\"%(part)s\" is not a date (dd/mm/yyyy).") % {"part": str(exc)[:40]}) \
                from exc


class SurveyForm(TextFieldsMixin, forms.Form):
    """The result of a closed survey round attached to the dossier, or a summary typed by hand."""

    round = forms.ModelChoiceField(label=_("Result of a survey round"), queryset=None, required=False,
                                   empty_label=_("— none: enter the summary below —"))
    conducted_by = forms.CharField(label=_("Who conducted the survey"), max_length=200, required=False)
    conducted_on = forms.DateField(label=_("Survey date"), widget=DateInput(), required=False)
    households_total = forms.IntegerField(label=_("Households in the commune"), min_value=1, required=False)
    households_surveyed = forms.IntegerField(label=_("Households surveyed"), min_value=1, required=False)
    satisfied = forms.IntegerField(label=_("Households satisfied"), min_value=0, required=False)
    source = forms.CharField(label=_("Source document"), max_length=300, required=False)

    def __init__(self, *args, dossier=None, **kwargs):
        from surveys.models import Round

        super().__init__(*args, **kwargs)
        rounds = Round.objects.filter(dossier=dossier, status="closed") if dossier else Round.objects.none()
        self.fields["round"].queryset = rounds
        if not rounds.exists():
            del self.fields["round"]

    def clean(self):
        data = super().clean()
        if not data.get("round"):
            for name in ("conducted_by", "conducted_on", "households_surveyed", "satisfied"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, forms.ValidationError(self.fields[name].error_messages["required"],
                                                               code="required"))
        return data


class AppraisalForm(TextFieldsMixin, forms.Form):
    appraised_by = forms.CharField(label=_("Appraising body"), max_length=200)
    appraised_on = forms.DateField(label=_("Appraisal date"), widget=DateInput())
    findings = _area(_("Appraisal findings"))


class DecisionForm(TextFieldsMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    signed_pdf = forms.FileField(label=_("Signed decision (PDF)"), validators=[validate_evidence_content])


class RevocationCheckForm(TextFieldsMixin, forms.Form):
    pass


class RevocationDecisionForm(DecisionForm):
    reason = _area(_("Reason for revoking"))


class ConditionForm(TextFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Condition"), choices=ConditionKind.choices)
    holds = forms.TypedChoiceField(
        label=_("The document states"), coerce=lambda v: v == "1",
        choices=[("1", _("the condition is met (no debt / not complex in security and order)")),
                 ("0", _("the condition is not met"))])
    declared_by = forms.CharField(label=_("Declared or confirmed by"), max_length=200)
    declared_on = forms.DateField(label=_("Document date"), widget=DateInput())
    document_ref = forms.CharField(label=_("Document number"), max_length=200)
    document = forms.FileField(label=_("Document (PDF, JPG, PNG, DOCX)"), required=False,
                               validators=[validate_evidence_content])
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class AnswerForm(TextFieldsMixin, forms.Form):
    answer = _area(_("Answer"))
    answered_on = forms.DateField(label=_("Answer date"), widget=DateInput())


class RevocationRegisterForm(TextFieldsMixin, forms.Form):
    period = forms.ChoiceField(label=_("Period evaluated"))
    registered_on = forms.DateField(label=_("Registration date"), widget=DateInput())

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods


class CorrectionForm(TextFieldsMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    issuer = forms.CharField(label=_("Signed by"), max_length=200)
    reason = _area(_("Reason for the correction"))


class ScanForm(TextFieldsMixin, forms.Form):
    signed_scan = forms.FileField(label=_("Signed scan (PDF, JPG, PNG)"), validators=[validate_evidence_content])


class ReturnForm(TextFieldsMixin, forms.Form):
    reason = _area(_("Reason for returning the dossier"))


STEP_FORMS = {
    Stage.SELF_ASSESSMENT: SelfAssessmentForm,
    Stage.OPINIONS: OpinionsForm,
    Stage.POSTING: PostingForm,
    Stage.SURVEY: SurveyForm,
    Stage.APPRAISAL: AppraisalForm,
    Stage.DECISION: DecisionForm,
}
REVOCATION_STEP_FORMS = {
    Stage.SELF_ASSESSMENT: RevocationCheckForm,
    Stage.APPRAISAL: AppraisalForm,
    Stage.DECISION: RevocationDecisionForm,
}


def step_form(dossier, *args, **kwargs):
    """The form of the dossier's next step (the survey step offers the dossier's closed rounds)."""
    form_class = (REVOCATION_STEP_FORMS if dossier.is_revocation else STEP_FORMS)[dossier.next_stage]
    if form_class is SurveyForm:
        kwargs["dossier"] = dossier
    return form_class(*args, **kwargs)
