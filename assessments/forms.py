import json
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.catalog import IndicatorInfo
from config.text import TextFieldsMixin
from criteria.ordering import natural_key

_BASE_NUMBER = re.compile(r"^-?[0-9]{1,14}(\.[0-9]{1,4})?$")


def _base_json(value):
    if value is None or isinstance(value, bool):
        return value
    return format(value.normalize(), "f")


def _base_value(value):
    """A value of the base token back to its typed form; ValueError when it is not one."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and _BASE_NUMBER.match(value):
        return Decimal(value)
    raise ValueError(value)

BOOL_CHOICES = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


class ValuesForm(TextFieldsMixin, forms.Form):
    """One field per indicator of the family, plus the source and the reason for corrections.

    Fields stay text so that "12,5" and "12.5" both reach the service, which owns the parsing
    and the validation for every channel (form, Excel, API)."""

    source = forms.CharField(
        label=_("Source of the figures"), max_length=300,
        help_text=_("e.g. the commune's monthly report, a survey, a department's statistics"),
    )
    reason = forms.CharField(
        label=_("Reason for corrections"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a value already recorded is changed."),
    )
    # The values the form showed (JSON: indicator -> value or null), posted back so that the
    # service can refuse a correction of a value someone else changed meanwhile.
    base = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicators: list[IndicatorInfo], current: dict, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.fields["base"].initial = self.base_token(
            {info.code: current.get(info.code) for info in indicators})
        # Indicators outside `allowed` are shown but disabled: posted values for them are ignored.
        self.allowed = allowed
        for info in indicators:
            name = self.field_name(info.code)
            initial = current.get(info.code)
            if info.type == "bool":
                field = forms.ChoiceField(choices=BOOL_CHOICES, required=False)
                initial = "" if initial is None else ("1" if initial else "0")
            else:
                # A numeric keypad on phones; the text stays free so "12,5" reaches the service.
                field = forms.CharField(required=False, max_length=40, widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "class": "value"}))
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

    @staticmethod
    def base_token(values: dict) -> str:
        return json.dumps({code: _base_json(value) for code, value in values.items()},
                          separators=(",", ":"), sort_keys=True)

    def base_values(self) -> dict | None:
        """The values the form showed when it was loaded (indicator -> typed value or None), or
        None when the post carries none (then no edit conflict can be detected)."""
        token = self.cleaned_data.get("base") or ""
        if not token:
            return None
        try:
            data = json.loads(token)
            if not isinstance(data, dict):
                return None
            codes = {info.code for info in self.indicators}
            return {code: _base_value(value) for code, value in data.items() if code in codes}
        except (ValueError, TypeError):
            return None

    def replace_base(self, values: dict) -> None:
        """After an edit conflict: the form now carries the current values as its base, so that
        saving it again (knowingly) replaces them."""
        seen = self.base_values() or {}
        seen.update(values)
        data = self.data.copy()
        data[self.add_prefix("base")] = self.base_token(seen)
        self.data = data

    def raw_values(self) -> dict[str, str]:
        return {
            info.code: self.cleaned_data.get(self.field_name(info.code))
            for info in self.indicators
            if self.allowed is None or info.code in self.allowed
        }

    def indicator_fields(self):
        for info in self.indicators:
            yield info, self[self.field_name(info.code)]

    def criterion_sections(self) -> list[dict]:
        """The fields grouped by criterion, in catalogue order, each with how many of the fields
        the user may fill are still empty (`left`) and whether one has an error."""
        sections: dict[str, dict] = {}
        for info, field in self.indicator_fields():
            section = sections.setdefault(info.criterion_code, {
                "code": info.criterion_code, "anchor": "tc-" + info.criterion_code.replace(":", "-"),
                "number": info.criterion_code.split(":")[-1], "name": info.criterion_name,
                "level": info.criterion_code.split(":")[0],
                "fields": [], "left": 0, "editable": 0, "errors": False,
            })
            section["fields"].append((info, field))
            section["errors"] = section["errors"] or bool(field.errors)
            if not field.field.disabled:
                section["editable"] += 1
                value = field.value()
                section["left"] += value is None or str(value).strip() == ""
        # Each set's criteria in numeric order (1, 2, …, 19), whatever order its groups list them in.
        level_order = {level: i for i, level in enumerate(dict.fromkeys(s["level"] for s in sections.values()))}
        result = sorted(sections.values(), key=lambda s: (level_order[s["level"]], natural_key(s["number"])))
        if len({s["level"] for s in result}) < 2:  # one set: no need to say which
            for s in result:
                s["level"] = ""
        # Folded by default except those with an error, or else the first with something left.
        opened = [s for s in result if s["errors"]] or [s for s in result if s["left"]][:1]
        for s in result:
            s["open"] = s in opened
        return result


class RecognitionForm(TextFieldsMixin, forms.Form):
    level_code = forms.ChoiceField(label=_("Level"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), help_text=_("dd/mm/yyyy"))
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    before_system = forms.BooleanField(
        label=_("Recorded directly: the decision was taken before this system existed"), required=False)
    signed_scan = forms.FileField(label=_("Signed scan (PDF, JPG, PNG)"), required=False)

    def __init__(self, *args, levels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = list(levels.items())


class RevocationForm(TextFieldsMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), help_text=_("dd/mm/yyyy"))
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
