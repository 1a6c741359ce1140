"""Serving the evidence files of roadmap progress notes to those who may see the item."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from accounts.access import commune_for_user
from planning.evidence import stored_file_response
from planning.models import ProgressNote


@login_required
@require_http_methods(["GET", "HEAD"])
def evidence(request, pk: int):
    """The evidence file of one progress note, as a download.

    URL name `planning:evidence`, argument `pk`: the ProgressNote's primary key (e.g.
    `{% url 'planning:evidence' note.pk %}`). Who may open the roadmap item (its commune is in
    the user's scope: accounts.access.commune_for_user) may download its notes' files; others
    get 403, an unknown note or a note without a file 404.

    The response is always an attachment with an ASCII file name, a Content-Type fixed by the
    extension (never taken from the upload), X-Content-Type-Options: nosniff and a sandboxing
    Content-Security-Policy, so a file cannot run as a page of the site.
    """
    note = get_object_or_404(ProgressNote.objects.select_related("item__unit"), pk=pk)
    commune_for_user(request.user, note.item.unit.ref)
    return stored_file_response(note.evidence)
