from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import TITLE_MAX_LENGTH, TextFieldsMixin
from portal.models import DocumentKind


class ArticleForm(TextFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    body = forms.CharField(label=_("Body (HTML; sanitised when published)"), max_length=100_000,
                           widget=forms.Textarea(attrs={"rows": 16}))


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Image"))


class DocumentForm(TextFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("PDF file"))


class SettingsForm(TextFieldsMixin, forms.Form):
    show_computed_criteria = forms.BooleanField(label=_("Publish computed criteria figures"), required=False)
    two_person_publish = forms.BooleanField(label=_("Publishing needs a second person"), required=False)
    link_allowlist = forms.CharField(label=_("Hosts outbound links may point to (one a line)"),
                                     max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean_link_allowlist(self):
        import re

        value = self.cleaned_data["link_allowlist"]
        for host in value.split():
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host.strip().lower()):
                raise forms.ValidationError(_("Not a host name: %(host)s") % {"host": host})
        return value


FEEDBACK_MAX_LENGTH = 3000  # portal.feedback.MAX_LENGTH


class FeedbackForm(TextFieldsMixin, forms.Form):
    """A resident's feedback: only the text is required. Input is hostile: control characters are
    refused (TextFieldsMixin), lengths bounded, text kept as typed (NFC) and escaped when shown."""

    name = forms.CharField(label=_("Your name (optional, shown with your feedback)"), max_length=100,
                           required=False)
    contact = forms.CharField(label=_("Phone or e-mail (optional, seen only by the office)"), max_length=200,
                              required=False)
    text = forms.CharField(label=_("Your feedback or petition"), max_length=FEEDBACK_MAX_LENGTH,
                           min_length=10, widget=forms.Textarea(attrs={"rows": 8}))

    def clean(self):
        import unicodedata

        data = super().clean()
        for field in ("name", "contact", "text"):
            if isinstance(data.get(field), str):
                data[field] = unicodedata.normalize("NFC", data[field]).strip()
        return data


class ModerationForm(TextFieldsMixin, forms.Form):
    answer = forms.CharField(label=_("Answer of the office"), max_length=FEEDBACK_MAX_LENGTH, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("Reason (for a rejection)"), max_length=300, required=False)
