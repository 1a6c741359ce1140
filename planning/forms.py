from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from config.money import AmountField, MoneyField
from config.text import NOTE_MAX_LENGTH, TITLE_MAX_LENGTH, TextFieldsMixin
from config.widgets import DateInput
from planning.evidence import validate_evidence_content
from planning.models import EVIDENCE_EXTENSIONS, FundingSource, ItemStatus, TaskOwner, TaskStatus
from units.models import UnitKind


def agencies():
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True).order_by("name")


class ItemForm(TextFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    target_date = forms.DateField(label=_("Target date"), widget=DateInput)
    estimated_cost = MoneyField(label=_("Estimated cost (VND)"), min_value=0, initial=0,
                                help_text=_("For example 12.500.000"))
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    helping_agency = forms.ModelChoiceField(label=_("Helping agency"), queryset=Organisation.objects.none(),
                                            required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helping_agency"].queryset = agencies()


class NewItemForm(ItemForm):
    indicators = forms.MultipleChoiceField(label=_("Indicators"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices


class StatusForm(TextFieldsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class TaskForm(TextFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Task"), max_length=TITLE_MAX_LENGTH)
    owner = forms.ChoiceField(label=_("Assigned to"), choices=TaskOwner.choices)
    organisation = forms.ModelChoiceField(label=_("Agency"), queryset=Organisation.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies()

    def clean(self):
        data = super().clean()
        if data.get("owner") == TaskOwner.AGENCY and not data.get("organisation"):
            self.add_error("organisation", _("Choose the agency the task is assigned to."))
        return data


class TaskStatusForm(TextFieldsMixin, forms.Form):
    task = forms.IntegerField()
    status = forms.ChoiceField(choices=TaskStatus.choices)


class NoteForm(TextFieldsMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=NOTE_MAX_LENGTH)
    evidence = forms.FileField(
        label=_("Evidence file"), required=False, validators=[validate_evidence_content],
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join("." + e for e in EVIDENCE_EXTENSIONS)}),
    )


class CommunePickMixin:
    """A `commune` picked by its name from a list (grouped by district when there are districts),
    never typed as a code; a code outside the list gets a message, not a 404. The view gives the
    communes the user may plan for (`communes=`)."""

    def _pick_communes(self, communes) -> None:
        groups: dict[str, list] = {}
        for unit in communes:
            parent = unit.parent.name if unit.parent_id and unit.parent.kind == UnitKind.DISTRICT else ""
            groups.setdefault(parent, []).append((unit.ref, unit.name))
        choices = [("", _("— pick a commune —"))]
        for parent, options in groups.items():
            if parent:
                choices.append((parent, options))  # an <optgroup> per district
            else:
                choices.extend(options)
        self.fields["commune"].choices = choices


def _commune_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Commune"), error_messages={
        "invalid_choice": _("This commune is not in the list of the programme's communes you may plan for; "
                            "pick one from the list."),
        "required": _("Pick a commune from the list."),
    })


class VisitForm(CommunePickMixin, TextFieldsMixin, forms.Form):
    commune = _commune_field()
    date = forms.DateField(label=_("Date"), widget=DateInput)
    members = forms.CharField(label=_("Members"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)
    criteria_checked = forms.CharField(label=_("Criteria checked (codes, comma-separated)"), required=False,
                                       max_length=1000)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=NOTE_MAX_LENGTH)
    difficulties = forms.CharField(label=_("Difficulties"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                   max_length=NOTE_MAX_LENGTH)
    follow_ups = forms.CharField(
        label=_("Agreed follow-up actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("One per line: action | commune or agency | due date (YYYY-MM-DD)"),
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._pick_communes(communes)

    def clean_criteria_checked(self):
        return [c.strip() for c in self.cleaned_data["criteria_checked"].split(",") if c.strip()]

    def clean_follow_ups(self):
        import datetime

        out = []
        for n, line in enumerate(self.cleaned_data["follow_ups"].splitlines(), start=1):
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                continue
            owner = TaskOwner.AGENCY if len(parts) > 1 and parts[1].lower() in ("agency", "co quan", "cơ quan") \
                else TaskOwner.COMMUNE
            due = None
            if len(parts) > 2 and parts[2]:
                try:
                    due = datetime.date.fromisoformat(parts[2])
                except ValueError:
                    raise forms.ValidationError(
                        _("Line %(n)s: the due date must be written YYYY-MM-DD.") % {"n": n}) from None
            out.append((parts[0], owner, due))
        return out


class CommuneTargetForm(CommunePickMixin, TextFieldsMixin, forms.Form):
    commune = _commune_field()
    level_code = forms.ChoiceField(label=_("Level"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, levels=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = [("", _("— none (remove the target) —")), *levels]
        self._pick_communes(communes)

    def clean(self):
        data = super().clean()
        if data.get("level_code") and data.get("year") is None:
            self.add_error("year", _("A commune target needs a level and a year."))
        return data


class HelpingForm(CommunePickMixin, TextFieldsMixin, forms.Form):
    commune = _commune_field()
    organisation = forms.ModelChoiceField(label=_("Helping agency"), queryset=Organisation.objects.none())
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies()
        self._pick_communes(communes)


class SupportMemberForm(CommunePickMixin, TextFieldsMixin, forms.Form):
    commune = _commune_field()
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role in the team"), max_length=200, required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._pick_communes(communes)


class BudgetForm(TextFieldsMixin, forms.Form):
    budget = AmountField(label=_("Budget (billion VND)"), min_value=0, max_digits=12, decimal_places=3,
                         help_text=_("In billions of đồng, decimals after a comma: 12,5 is 12.500.000.000 đồng."))
