"""Downloads of a dossier (generated documents, the whole dossier as a zip) and the pages on
recognition decisions outside a dossier (revocation dossier registration, correction, scan)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import can_manage_reference, commune_for_user
from assessments.models import Period, Recognition
from config.text import attachment_response, request_ip, safe_stem
from planning.evidence import stored_file_response
from recognition import decisions, services
from recognition.documents import DOCUMENTS, document_name, stream_zip
from recognition.forms import CorrectionForm, RevocationRegisterForm, ScanForm
from recognition.views import _dossier


@login_required
@require_http_methods(["GET", "HEAD"])
def dossier_document(request, pk, slug):
    dossier = _dossier(request, pk)
    kind = DOCUMENTS.get(slug)
    if kind is None or dossier.is_revocation:
        raise Http404
    return attachment_response(kind.build(dossier), document_name(dossier, slug))


@login_required
@require_http_methods(["GET", "HEAD"])
def dossier_zip(request, pk):
    dossier = _dossier(request, pk)
    if dossier.is_revocation:  # the standard documents are those of a recognition dossier
        raise Http404
    response = StreamingHttpResponse(stream_zip(dossier), content_type="application/zip")
    name = f"ho-so-{safe_stem(dossier.unit.name)}-{dossier.pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _recognition(request, pk) -> Recognition:
    recognition = get_object_or_404(Recognition.objects.select_related("unit"), pk=pk)
    commune_for_user(request.user, recognition.unit.ref)
    return recognition


def _require_admin(request):
    if not can_manage_reference(request.user):
        raise PermissionDenied


@login_required
def revocation_register(request, pk):
    recognition = _recognition(request, pk)
    _require_admin(request)
    unit = recognition.unit
    periods = list(Period.objects.filter(evaluations__unit=unit).distinct().order_by("-as_of", "-start"))
    form = RevocationRegisterForm(request.POST or None, periods=[(p.code, p.name) for p in periods],
                                  initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        period = next(p for p in periods if p.code == form.cleaned_data["period"])
        try:
            dossier = services.register_revocation(recognition, period,
                                                   registered_on=form.cleaned_data["registered_on"],
                                                   user=request.user, ip_address=request_ip(request))
        except services.DossierRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The revocation dossier was registered."))
            return redirect("recognition:detail", pk=dossier.pk)
    return render(request, "recognition/decision_form.html",
                  {"unit": unit, "recognition": recognition, "form": form,
                   "title": _("Register a revocation dossier")})


@login_required
def recognition_correct(request, pk):
    recognition = _recognition(request, pk)
    _require_admin(request)
    initial = {"decision_number": recognition.decision_number, "decision_date": recognition.decision_date,
               "issuer": recognition.issuer}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.correct_recognition(recognition, **form.cleaned_data, user=request.user,
                                          ip_address=request_ip(request))
        except decisions.DecisionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The decision was corrected; the previous values are kept."))
            return redirect("assessments:detail", ref=recognition.unit.ref)
    return render(request, "recognition/decision_form.html",
                  {"unit": recognition.unit, "recognition": recognition, "form": form,
                   "corrections": recognition.corrections.select_related("by"),
                   "title": _("Correct a mistyped decision")})


@login_required
def recognition_scan(request, pk):
    recognition = _recognition(request, pk)
    _require_admin(request)
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.attach_signed_scan(recognition, signed_scan=form.cleaned_data["signed_scan"],
                                         user=request.user, ip_address=request_ip(request))
        except decisions.DecisionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The signed scan was attached."))
            return redirect("assessments:detail", ref=recognition.unit.ref)
    return render(request, "recognition/decision_form.html",
                  {"unit": recognition.unit, "recognition": recognition, "form": form, "multipart": True,
                   "title": _("Attach the signed scan of the decision")})


@login_required
@require_http_methods(["GET", "HEAD"])
def recognition_scan_file(request, pk):
    recognition = _recognition(request, pk)
    record = getattr(recognition, "decision_record", None)
    if record is None:
        raise Http404
    return stored_file_response(record.signed_scan)
