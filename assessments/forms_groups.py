from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from config.text import TextFieldsMixin
from units.groups import GROUP_NAMES
from units.models import EthnicArea

TRISTATE = [("", _("Not known")), ("1", _("Yes")), ("0", _("No"))]


def _tristate(value):
    return None if value in (None, "") else value == "1"


class GroupForm(TextFieldsMixin, forms.Form):
    """The facts of the QĐ 51/2025 rule for one commune, and the group to confirm."""

    agriculture_share = forms.DecimalField(
        label=_("Share of agriculture in the commune's economy (%)"), required=False,
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    near_urban = forms.ChoiceField(
        label=_("Adjacent to an existing urban area and oriented to become urban"), choices=TRISTATE,
        required=False)
    new_urban = forms.ChoiceField(label=_("Oriented to become a new urban area"), choices=TRISTATE,
                                  required=False)
    ethnic_area = forms.ChoiceField(
        label=_("Area of the ethnic-minority and mountain region"),
        choices=[("", _("Not known"))] + list(EthnicArea.choices), required=False)
    valid_from = forms.DateField(label=_("In force from"), help_text=_("dd/mm/yyyy"))
    group = forms.ChoiceField(label=_("Group to confirm"), required=False,
                              choices=[("", "—")] + list(GROUP_NAMES.items()))
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Decision date"), help_text=_("dd/mm/yyyy"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when the confirmed group differs from the proposal."))

    def facts(self):
        from units.groups import Facts

        data = self.cleaned_data
        return Facts(data["agriculture_share"], _tristate(data["near_urban"]), _tristate(data["new_urban"]),
                     data["ethnic_area"])

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "confirm":
            for name in ("group", "decision_number", "decision_date"):
                if not data.get(name):
                    self.add_error(name, _("Required to confirm the group."))
        return data
