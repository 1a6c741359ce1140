from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import TextFieldsMixin
from config.widgets import DateInput
from surveys.models import QuestionKind, Questionnaire


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class SatisfactionForm(TextFieldsMixin, forms.Form):
    question = forms.ChoiceField(label=_("Question that decides satisfaction"))
    satisfied = forms.MultipleChoiceField(label=_("Answers that count as satisfied"),
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        selects = [q for q in questions if q.kind == QuestionKind.SELECT_ONE]
        self.fields["question"].choices = [(q.name, f"{q.name}: {q.label[:80]}") for q in selects]
        self.fields["satisfied"].choices = sorted({(c.name, c.name) for q in selects for c in q.choices.all()})
        current = next((q for q in selects if q.decides_satisfaction), None)
        if current is not None:
            self.initial.setdefault("question", current.name)
            self.initial.setdefault("satisfied", [c.name for c in current.choices.all() if c.satisfied])


FRAME_HELP = _("One village a line: name; households; households to survey (optional, default all). "
               "Example: Thôn Nà Lốc; 120; 100")


LIST_HELP = _("One household a line: village; household (e.g. the head of household). A village with a list "
              "gets one code per listed household, printed beside its name.")


class RoundForm(TextFieldsMixin, forms.Form):
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    conducted_by = forms.CharField(label=_("Conducted by"), max_length=200,
                                   initial="Ban Thường trực Ủy ban MTTQ Việt Nam xã")
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    period = forms.ModelChoiceField(label=_("Period evaluated"), queryset=None, required=False)
    dossier = forms.ModelChoiceField(label=_("Recognition dossier"), queryset=None, required=False)
    villages = forms.CharField(label=_("Household frame"), help_text=FRAME_HELP, max_length=20000,
                               widget=forms.Textarea(attrs={"rows": 6}))
    household_list = forms.CharField(label=_("Household list (optional)"), help_text=LIST_HELP, required=False,
                                     max_length=400000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, periods, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["dossier"].queryset = dossiers


class CodeForm(TextFieldsMixin, forms.Form):
    code = forms.CharField(label=_("Household code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


class AnswerForm(TextFieldsMixin, forms.Form):
    """The questionnaire as a web form; the service checks the answers again."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            required = q.required or q.decides_satisfaction
            choices = [(c.name, c.label) for c in q.choices.all()]
            if q.kind == QuestionKind.SELECT_ONE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=required)
            elif q.kind == QuestionKind.SELECT_MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                                  required=required)
            elif q.kind == QuestionKind.INTEGER:
                field = forms.IntegerField(required=required, min_value=0, max_value=10**9,
                                           widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            else:
                field = forms.CharField(required=required, max_length=500,
                                        widget=forms.Textarea(attrs={"rows": 3}))
            field.label = q.label
            self.fields[f"q_{q.name}"] = field

    def values(self) -> dict[str, object]:
        values = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("q_") or value in (None, "", []):
                continue
            values[name[2:]] = " ".join(value) if isinstance(value, list) else value
        return values
