from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import NOTE_MAX_LENGTH, TextFieldsMixin


class SubmissionForm(TextFieldsMixin, forms.Form):
    """The narrative sections of a schedule's form; nothing else is read from the request (the
    submission time is the server's)."""

    def __init__(self, *args, schedule, initial_sections=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        initial_sections = initial_sections or {}
        for key, label in schedule.section_choices:
            self.fields[key] = forms.CharField(
                label=label, required=False, initial=initial_sections.get(key, ""), disabled=disabled,
                widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), max_length=20000,
            )

    def sections(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.fields}


class ReturnForm(TextFieldsMixin, forms.Form):
    comment = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=NOTE_MAX_LENGTH)
