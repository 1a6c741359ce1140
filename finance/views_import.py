"""The treasury import page (filled in by the import slice)."""

from django.http import Http404


def treasury_import(request):
    raise Http404


def treasury_template(request):
    raise Http404
