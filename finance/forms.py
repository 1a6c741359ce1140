from django import forms
from django.utils.translation import gettext_lazy as _

from config.money import MoneyField
from config.text import NOTE_MAX_LENGTH, TITLE_MAX_LENGTH, TextFieldsMixin
from config.widgets import DateInput
from finance.models import Component, Programme, ProjectKind, Source


class MonthField(forms.Field):
    """A month typed as MM/YYYY (the treasury's way) or picked as YYYY-MM."""

    widget = forms.TextInput

    def to_python(self, value):
        import datetime

        value = str(value or "").strip()[:20]
        for fmt in ("%m/%Y", "%Y-%m"):
            try:
                return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a month, no time)
            except ValueError:
                continue
        if value:
            raise forms.ValidationError(_("Give the month as MM/YYYY, e.g. 11/2026."))
        return None


class DecisionFields(TextFieldsMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class PlanLineForm(DecisionFields):
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2035)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all())
    component = forms.ModelChoiceField(label=_("Component"), queryset=Component.objects.select_related("programme"),
                                       required=False)
    source = forms.ModelChoiceField(label=_("Source of capital"), queryset=Source.objects.all())
    amount = MoneyField(label=_("Amount (đồng)"), min_value=0)
    field_order = ["year", "programme", "component", "source", "amount", "decision_number", "decision_date",
                   "reason"]


class ProjectForm(TextFieldsMixin, forms.Form):
    commune = forms.ChoiceField(label=_("Commune"))
    code = forms.CharField(label=_("Project code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    owner = forms.CharField(label=_("Project owner"), max_length=TITLE_MAX_LENGTH, required=False)
    start_date = forms.DateField(label=_("Start"), widget=DateInput, required=False)
    end_date = forms.DateField(label=_("End"), widget=DateInput, required=False)
    total_investment = MoneyField(label=_("Total investment (đồng)"), min_value=0, initial=0)
    criteria = forms.CharField(label=_("Criteria or indicators served (codes, comma-separated)"),
                               max_length=NOTE_MAX_LENGTH, required=False)

    roadmap_items = forms.MultipleChoiceField(label=_("Roadmap items it serves"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason for the change"), max_length=NOTE_MAX_LENGTH, required=False)

    def __init__(self, *args, communes=(), project=None, roadmap_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        if project is None:  # a new project: its commune and code are chosen once
            self.fields["commune"].choices = [(u.ref, u.name) for u in communes]
            del self.fields["roadmap_items"], self.fields["reason"]
        else:  # editing: commune and code stay (the treasury reports under the code)
            del self.fields["commune"], self.fields["code"]
            self.fields["roadmap_items"].choices = [
                (str(item.pk), f"{item.title} ({item.target_date:%d/%m/%Y})") for item in roadmap_items]
            if not roadmap_items:
                del self.fields["roadmap_items"]

    def clean_criteria(self):
        return [c.strip() for c in self.cleaned_data["criteria"].split(",") if c.strip()]


class AllocationForm(DecisionFields):
    plan_line = forms.ChoiceField(label=_("Plan line"))
    amount = MoneyField(label=_("Amount (đồng)"), min_value=0)
    field_order = ["plan_line", "amount", "decision_number", "decision_date", "reason"]

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_line"].choices = [(str(pk), label) for pk, label in lines]


class DisbursementForm(TextFieldsMixin, forms.Form):
    allocation = forms.ChoiceField(label=_("Allocation"))
    month = MonthField(label=_("Month (MM/YYYY)"))
    cumulative = MoneyField(label=_("Cumulative disbursed since the start of the year (đồng)"),
                                    min_value=0)

    def __init__(self, *args, allocations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].choices = [(str(pk), label) for pk, label in allocations]


class DebtForm(TextFieldsMixin, forms.Form):
    amount = MoneyField(label=_("Debt (đồng)"), min_value=1)
    since = forms.DateField(label=_("Owed since"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RepaymentForm(TextFieldsMixin, forms.Form):
    debt = forms.ChoiceField(label=_("Debt"))
    amount = MoneyField(label=_("Repaid (đồng)"), min_value=1)
    date = forms.DateField(label=_("Date"), widget=DateInput)

    def __init__(self, *args, debts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debt"].choices = [(str(pk), label) for pk, label in debts]


class TreasuryImportForm(forms.Form):
    file = forms.FileField(label=_("Treasury workbook (.xlsx)"))
