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
