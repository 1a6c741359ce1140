from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import can_view_organisation, require, scope_for
from accounts.models import Organisation, OrganisationKind
from config.text import attachment_response, request_ip
from reporting import documents, exports, services
from reporting.access import (
    can_read_province_reports,
    can_review,
    reporter_for_period,
    submission_for_user,
)
from reporting.forms import ReturnForm, SubmissionForm
from reporting.models import ReporterLevel, ReportingPeriod, ReportSchedule, State, Submission
from reporting.queries import (
    STATUS_FILTERS,
    completeness,
    filter_rows,
    periods_for_reporter,
    reporter_totals,
)
from reporting.reporters import key_of, reporter_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    """A download named from safe parts only (codes in the name are slugified)."""
    return attachment_response(content, name, content_type)


def _period(pk) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("schedule"), pk=pk)


def _entry_url(reporter, period: ReportingPeriod) -> str | None:
    """Where the reporter enters the period's indicator values (the commune data-entry page)."""
    if reporter.unit is None or not period.schedule.includes_values:
        return None
    if reporter.unit.kind == ReporterLevel.DISTRICT:
        return reverse("assessments:list") + f"?huyen={reporter.unit.ref}"
    assessment = documents.assessment_period_for(period)
    if assessment is None or not reporter.unit.is_valid_on(assessment.as_of):
        return None
    return reverse("assessments:entry", args=[reporter.unit.ref, assessment.code])


@login_required
def index(request):
    today = timezone.localdate()
    reporter = reporter_for_user(request.user)
    context = {"today": today, "reporter": reporter, "province": can_read_province_reports(request.user)}
    if reporter is not None:
        context["due"] = [
            {"period": p, "submission": s, "state": State(s.state).label if s else State.NOT_STARTED.label,
             "overdue": (s is None or not s.is_submitted) and today > p.due_date,
             "locked": p.is_locked(today)}
            for p, s in periods_for_reporter(reporter, today)
        ]
    if context["province"]:
        context["schedules"] = [
            (schedule, schedule.periods.filter(start__lte=today).order_by("-start")[:12])
            for schedule in ReportSchedule.objects.all()
        ]
    if reporter is None and not context["province"]:
        raise PermissionDenied
    return render(request, "reporting/index.html", context)


@login_required
def submission_form(request, period_pk, reporter_key):
    period = _period(period_pk)
    reporter = reporter_for_period(request.user, period, reporter_key)
    submission = Submission.objects.filter(period=period, **reporter.filter()).first()
    today = timezone.localdate()
    editable = not period.is_locked(today) and (
        submission is None or submission.state in (State.DRAFT, State.RETURNED)
    )
    form = SubmissionForm(request.POST or None, schedule=period.schedule,
                          initial_sections=submission.sections if submission else None, disabled=not editable)
    if request.method == "POST" and "withdraw" in request.POST:
        try:
            services.withdraw(user=request.user, ip_address=request_ip(request), period=period, reporter=reporter)
            messages.success(request, _("The report has been withdrawn: it is a draft again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("reporting:submission_form", period_pk=period.pk, reporter_key=reporter.key)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                missing = services.missing_sections(period, form.sections()) if "submit" in request.POST else []
                if "submit" in request.POST and (missing or not request.POST.get("confirm")):
                    # Nothing typed is lost: the draft is saved and the page says what is missing.
                    services.save_draft(user=request.user, ip_address=request_ip(request), period=period,
                                        reporter=reporter, sections=form.sections())
                    if missing:
                        messages.error(request, _("The draft has been saved but not submitted: fill in %(sections)s.")
                                       % {"sections": ", ".join(str(m) for m in missing)})
                    else:
                        messages.error(request, _("The draft has been saved but not submitted: tick the box "
                                                  "confirming the report is complete, then submit."))
                elif "submit" in request.POST:
                    services.submit(user=request.user, ip_address=request_ip(request), period=period,
                                    reporter=reporter, sections=form.sections())
                    messages.success(request, _("The report has been submitted."))
                else:
                    services.save_draft(user=request.user, ip_address=request_ip(request), period=period,
                                        reporter=reporter,
                                        sections=form.sections())
                    messages.success(request, _("The draft has been saved."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("reporting:submission_form", period_pk=period.pk, reporter_key=reporter.key)
    return render(request, "reporting/submission_form.html", {
        "period": period, "reporter": reporter, "submission": submission, "form": form, "editable": editable,
        "entry_url": _entry_url(reporter, period), "today": today,
        "events": submission.events.select_related("user") if submission else [],
        "on_time": services.is_on_time(submission) if submission else None,
        "can_withdraw": services.can_withdraw(submission, today) and not period.is_locked(today),
        "timeliness_rule": services.TIMELINESS_RULE,
    })


@login_required
def period_detail(request, pk):
    require(can_read_province_reports(request.user))
    period = _period(pk)
    c = completeness(period, unit_ids=scope_for(request.user).readable)
    agencies = []
    if period.schedule.reporter_level == ReporterLevel.AGENCY:
        agencies = [row.reporter.organisation for row in c.rows]
    status = request.GET.get("trang_thai", "")
    return render(request, "reporting/period_detail.html", {
        "period": period, "c": c, "can_review": can_review(request.user), "agencies": agencies,
        "unit_level": period.schedule.reporter_level != ReporterLevel.AGENCY,
        "rows": filter_rows(c.rows, status), "status": status if status in STATUS_FILTERS else "",
        "status_filters": [(key, label, len(filter_rows(c.rows, key))) for key, label in STATUS_FILTERS.items()],
        "can_remind": can_review(request.user) and not period.is_locked(c.today),
    })


@login_required
@require_POST
def period_remind(request, pk):
    require(can_review(request.user))
    period = _period(pk)
    try:
        outcome = services.send_period_reminders(user=request.user, period=period, ip_address=request_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = ngettext("%(n)s reminder e-mail was sent.", "%(n)s reminder e-mails were sent.",
                        outcome.sent) % {"n": outcome.sent}
        if outcome.already:
            text += " " + ngettext("%(n)s recipient had already been reminded for this period (not sent again).",
                                   "%(n)s recipients had already been reminded for this period (not sent again).",
                                   outcome.already) % {"n": outcome.already}
        if outcome.without_email:
            text += " " + _("No user with an e-mail address for: %(names)s.") % {
                "names": ", ".join(outcome.without_email)}
        messages.success(request, text)
    return redirect("reporting:period", pk=period.pk)


@login_required
def period_xlsx(request, pk):
    require(can_read_province_reports(request.user))
    period = _period(pk)
    return _file(exports.period_xlsx(completeness(period, unit_ids=scope_for(request.user).readable)), XLSX,
                 f"bao-cao-{period.schedule.code}-{period.start:%Y-%m}-tinh-trang.xlsx")


@login_required
def schedule_reporters(request, pk):
    require(can_read_province_reports(request.user))
    schedule = get_object_or_404(ReportSchedule, pk=pk)
    totals = reporter_totals(schedule)
    if request.GET.get("xuat") == "xlsx":
        return _file(exports.reporters_xlsx(schedule, totals), XLSX, f"bao-cao-{schedule.code}-don-vi.xlsx")
    return render(request, "reporting/schedule_reporters.html", {"schedule": schedule, "totals": totals})


@login_required
def submission_detail(request, pk):
    submission = submission_for_user(request.user, pk)
    reporter = reporter_for_user(request.user)
    return render(request, "reporting/submission_detail.html", {
        "submission": submission, "period": submission.period, "return_form": ReturnForm(),
        "can_review": can_review(request.user) and submission.state == State.SUBMITTED,
        "form_url": reverse("reporting:submission_form", args=[submission.period_id, reporter.key])
        if reporter is not None and reporter.key == key_of(submission) else None,
        "events": submission.events.select_related("user"),
        "on_time": services.is_on_time(submission),
        "timeliness_rule": services.TIMELINESS_RULE,
    })


@login_required
@require_POST
def submission_return(request, pk):
    require(can_review(request.user))
    submission = submission_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        if form.data.get("comment", "").strip():  # too long, or with control characters
            messages.error(request, " ".join(form.errors["comment"]))
        else:
            messages.error(request, _("Say why the report is returned."))
    else:
        try:
            services.return_submission(user=request.user, ip_address=request_ip(request),
                                       submission=submission,
                                       comment=form.cleaned_data["comment"])
            messages.success(request, _("The report has been returned to the reporter."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("reporting:submission_detail", pk=submission.pk)


@login_required
@require_POST
def submission_accept(request, pk):
    require(can_review(request.user))
    submission = submission_for_user(request.user, pk)
    try:
        services.accept_submission(user=request.user, ip_address=request_ip(request),
                                   submission=submission)
        messages.success(request, _("The report has been accepted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reporting:submission_detail", pk=submission.pk)


@login_required
def province_document(request, pk, fmt):
    require(can_read_province_reports(request.user))
    period = _period(pk)
    if period.schedule.reporter_level == ReporterLevel.AGENCY:
        raise Http404
    name = f"bao-cao-ntm-{period.start:%Y-%m}"
    if fmt == "docx":
        return _file(documents.province_docx(period), DOCX, f"{name}.docx")
    return _file(documents.province_xlsx(period), XLSX, f"{name}.xlsx")


@login_required
def agency_document(request, pk, org_pk, fmt):
    require(can_read_province_reports(request.user))
    period = _period(pk)
    if period.schedule.reporter_level != ReporterLevel.AGENCY:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=org_pk, kind=OrganisationKind.AGENCY)
    require(can_view_organisation(request.user, organisation))
    name = f"bao-cao-quy-{organisation.code}-{period.start:%Y-%m}"
    if fmt == "docx":
        return _file(documents.agency_docx(period, organisation), DOCX, f"{name}.docx")
    return _file(documents.agency_xlsx(period, organisation), XLSX, f"{name}.xlsx")
