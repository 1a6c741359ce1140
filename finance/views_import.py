"""The treasury import page and its template download. The work is in finance/treasury.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import require
from config.text import attachment_response, request_ip
from finance import queries, treasury
from finance.forms import TreasuryImportForm
from finance.models import Allocation
from finance.permissions import can_write, readable_province_ids

MAX_UPLOAD = 10 * 1024 * 1024


@login_required
def treasury_import(request):
    """Upload a treasury workbook: it runs as an import job (inline in the embedded mode, on a
    Celery worker in production) and the user follows it on the job page."""
    from assessments.excel.jobs import ImportBusy, jobs_visible_to, start_import

    require(can_write(request.user))
    form = TreasuryImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD or not upload.name.lower().endswith(".xlsx"):
            errors = [_("Choose an Excel workbook (.xlsx) of at most 10 MB.")]
        else:
            try:
                job = start_import(user=request.user, file_name=upload.name, content=upload.read(),
                                   kind="treasury", ip_address=request_ip(request))
            except ImportBusy as exc:
                errors = [str(exc)]
            else:
                return redirect("assessments:excel_job", pk=job.pk)
    jobs = jobs_visible_to(request.user).filter(kind="treasury")[:10]
    return render(request, "finance/import.html", {"form": form, "errors": errors, "can_write": True,
                                                   "jobs": jobs}, status=400 if errors else 200)


@login_required
@require_GET
def treasury_template(request):
    """Every allocation of the year with its latest cumulative figure, in the import's layout."""
    require(can_write(request.user))
    writable = treasury.writable_unit_ids(request.user)
    years = queries.plan_years(readable_province_ids(request.user))
    try:
        year = int(request.GET.get("nam") or (years[0][0] if years else queries.today().year))
    except ValueError:
        year = queries.today().year
    allocations = Allocation.objects.filter(plan_line__year=year)
    if writable is not None:
        allocations = allocations.filter(project__unit_id__in=writable)
    allocations = list(allocations
                       .select_related("project", "plan_line__programme", "plan_line__component",
                                       "plan_line__source").order_by("project__code", "plan_line__source__position"))
    rows = [(a.project.code, a.project.name, a.plan_line.programme.code,
             a.plan_line.component.code if a.plan_line.component_id else "", a.plan_line.source.code,
             a.disbursed) for a in allocations]
    today = queries.today()
    content = treasury.template_bytes(rows, year=year, month=today.replace(day=1))
    return attachment_response(content, f"giai-ngan-{year}.xlsx")
