from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.catalog import IndicatorInfo

BOOL_CHOICES = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


class ValuesForm(forms.Form):
    """One field per indicator of the family, plus the source and the reason for corrections.

    Fields stay text so that "12,5" and "12.5" both reach the service, which owns the parsing
    and the validation for every channel (form, Excel, API)."""

    source = forms.CharField(
        label=_("Source of the figures"), max_length=300,
        help_text=_("e.g. the commune's monthly report, a survey, a department's statistics"),
    )
    reason = forms.CharField(
        label=_("Reason for corrections"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a value already recorded is changed."),
    )

    def __init__(self, *args, indicators: list[IndicatorInfo], current: dict, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        # Indicators outside `allowed` are shown but disabled: posted values for them are ignored.
        self.allowed = allowed
        for info in indicators:
            name = self.field_name(info.code)
            initial = current.get(info.code)
            if info.type == "bool":
                field = forms.ChoiceField(choices=BOOL_CHOICES, required=False)
                initial = "" if initial is None else ("1" if initial else "0")
            else:
                field = forms.CharField(required=False, max_length=40)
                if initial is not None:
                    initial = format(initial.normalize(), "f").replace(".", ",")
            field.label = f"{info.label}. {info.name}"
            field.initial = initial
            field.help_text = info.unit
            field.disabled = allowed is not None and info.code not in allowed
            self.fields[name] = field

    @staticmethod
    def field_name(code: str) -> str:
        return "v_" + code.replace(".", "_")

    def raw_values(self) -> dict[str, str]:
        return {
            info.code: self.cleaned_data.get(self.field_name(info.code))
            for info in self.indicators
            if self.allowed is None or info.code in self.allowed
        }

    def indicator_fields(self):
        for info in self.indicators:
            yield info, self[self.field_name(info.code)]


class RecognitionForm(forms.Form):
    level_code = forms.ChoiceField(label=_("Level"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), help_text=_("dd/mm/yyyy"))
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, levels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = list(levels.items())


class RevocationForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), help_text=_("dd/mm/yyyy"))
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
