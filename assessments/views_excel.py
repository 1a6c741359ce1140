"""Excel export and import pages. The work is in assessments.excel; these views authorise,
parse the request and hand over."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import scope_for
from config.text import TextFieldsMixin, attachment_response, request_ip, safe_stem
from dashboard.views import selected_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


def can_import(user) -> bool:
    """Users who may change some values of some unit may upload a workbook."""
    scope = scope_for(user)
    writes_units = scope.writable is None or bool(scope.writable)
    return writes_units and (scope.criteria is None or bool(scope.criteria))


class ImportForm(TextFieldsMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))
    source = forms.CharField(
        label=gettext_lazy("Source of the figures"), max_length=300, required=False,
        help_text=gettext_lazy("For example: district statistics report of 15/01/2025."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when the workbook corrects values already recorded."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        return upload


@login_required
@require_GET
def excel_export(request):
    from assessments.excel.exporter import (
        NothingToExport,
        export_bytes,
        export_filename,
        units_for_export,
    )

    period = selected_period(request)
    if period is None:
        raise Http404
    unit, district = request.GET.get("xa", "").strip(), request.GET.get("huyen", "").strip()
    filtered = not unit and any(request.GET.get(name) for name in LIST_FILTERS)
    if filtered:
        units = list_units(request, period)
    else:
        units = units_for_export(request.user, period, unit=unit, district=district)
    if not units:
        raise Http404
    try:
        content = export_bytes(period, units, user=request.user)
    except NothingToExport as exc:
        raise Http404 from exc
    name = export_filename(period, units, unit=unit, district=district)
    if filtered:
        name = name.replace(".xlsx", "-loc.xlsx")
    return attachment_response(content, name, XLSX)


# The commune list's own filters: an export from the list passes them on unchanged.
LIST_FILTERS = ("q", "huyen", "muc", "tc_min", "tc_max", "rui_ro", "sap_xep")


def list_units(request, period) -> list:
    """The communes the list page shows for the same query string, in the same order, all pages:
    the SAME function the list calls (assessments.listing), never a second copy of the filters."""
    from assessments import queries
    from assessments.listing import CommuneFilters, filtered_communes

    ctx = queries.period_context(period)
    province = queries.province_on(period.as_of)
    return list(filtered_communes(request.user, ctx, province, CommuneFilters.from_params(request.GET)))


@login_required
def excel_import(request):
    from assessments.excel.jobs import ImportBusy, jobs_visible_to, start_import

    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_import(
                user=request.user, file_name=upload.name, content=upload.read(),
                source=form.cleaned_data["source"], reason=form.cleaned_data["reason"],
                ip_address=request_ip(request),
            )
        except ImportBusy as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("assessments:excel_job", pk=job.pk)
    jobs = jobs_visible_to(request.user).filter(user=request.user, kind="values")[:10]
    return render(request, "assessments/excel_import.html", {"form": form, "jobs": jobs})


def _job_for(request, pk):
    from assessments.excel.jobs import jobs_visible_to

    return get_object_or_404(jobs_visible_to(request.user), pk=pk)


@login_required
@require_GET
def excel_job(request, pk):
    return render(request, "assessments/excel_job.html", {"job": _job_for(request, pk)})


@login_required
@require_GET
def excel_job_status(request, pk):
    """The same partial as on the job page, polled by htmx until the job ends."""
    return render(request, "assessments/excel_job_status.html", {"job": _job_for(request, pk)})


@login_required
@require_GET
def excel_job_marked(request, pk):
    from assessments.excel.marking import mark_problems
    from assessments.models import ImportJob

    job = _job_for(request, pk)
    if job.status != ImportJob.Status.FAILED or not job.problems:
        raise Http404
    content = job.workbook()
    if content is None:  # purged after the retention period
        raise Http404
    try:
        marked = mark_problems(content, job.problems)
    except Exception as exc:  # not a workbook: nothing to mark
        raise Http404 from exc
    # The uploaded name is the user's: only its safe parts reach the header.
    return attachment_response(marked, f"{safe_stem(job.file_name.rsplit('.', 1)[0], 'so-lieu')}-loi.xlsx", XLSX)
