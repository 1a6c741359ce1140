from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import can_manage_reference, commune_for_user, filter_by_unit
from assessments.models import Period
from assessments.queries import period_context
from config.text import request_ip
from planning.evidence import stored_file_response
from recognition import checks, conditions, rules, services
from recognition.documents import DOCUMENTS
from recognition.forms import AnswerForm, ConditionForm, RegisterForm, ReturnForm, step_form
from recognition.models import Dossier, Stage, stage_label


@login_required
def dossier_list(request):
    dossiers = filter_by_unit(request.user, Dossier.objects.select_related("unit", "period"))
    if request.GET.get("xa"):
        dossiers = dossiers.filter(unit__ref=request.GET["xa"])
    return render(request, "recognition/dossier_list.html", {"dossiers": dossiers[:500]})


def _dossier(request, pk) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.select_related("unit", "period", "recognition", "revokes", "revocation"), pk=pk)
    commune_for_user(request.user, dossier.unit.ref)
    return dossier


def _require_admin(request):
    if not can_manage_reference(request.user):
        raise PermissionDenied


@login_required
def dossier_register(request, ref):
    unit = commune_for_user(request.user, ref)
    _require_admin(request)
    # The latest evaluated period first (a year before its own half-year).
    periods = list(Period.objects.filter(evaluations__unit=unit).distinct().order_by("-as_of", "-start"))
    levels = {}
    for period in periods:
        for code, name in period_context(period).level_names.items():
            levels.setdefault(code, name)
    form = RegisterForm(request.POST or None, periods=[(p.code, p.name) for p in periods],
                        levels=list(levels.items()), initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        period = next(p for p in periods if p.code == data["period"])
        try:
            dossier = services.register_dossier(unit, period, data["level_code"],
                                                registered_on=data["registered_on"], user=request.user,
                                                ip_address=request_ip(request))
        except services.DossierRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The dossier was registered."))
            return redirect("recognition:detail", pk=dossier.pk)
    return render(request, "recognition/register.html", {"unit": unit, "form": form})


def _stages(dossier):
    order = dossier.stage_order
    done = order.index(dossier.stage)
    return [(stage_label(dossier.kind, s), i <= done) for i, s in enumerate(order)]


def _page(request, dossier, step_form_=None, return_form=None, condition_form=None, status=200):
    snapshot = dossier.snapshot
    context = {
        "dossier": dossier,
        "unit": dossier.unit,
        "stages": _stages(dossier),
        "conditions": [] if dossier.is_revocation else conditions.all_conditions(dossier),
        "revocation_check": (snapshot or {}).get("revocation") if dossier.is_revocation else None,
        "broadcast_dates": list(dossier.broadcast_rows.all()),
        "comments": list(dossier.posting_comments.all()),
        "condition_records": list(dossier.condition_records.select_related("recorded_by")),
        "documents": DOCUMENTS,
        "snapshot_result": None if dossier.is_revocation else checks.target_result(snapshot),
        "differences": [] if dossier.is_revocation else checks.differences(dossier),
        "events": dossier.events.select_related("user"),
        "survey": getattr(dossier, "survey", None),
        "posting_rule": rules.posting_rule(),
        # 2026-2030: no procedure replacing QĐ 18/2022 was found (criteria-sources.md §5).
        "procedure_2026": rules.PROCEDURE_2026 if dossier.period.as_of.year > 2025 else "",
        "can_act": can_manage_reference(request.user),
    }
    if context["can_act"] and not dossier.decided:
        context["step_form"] = step_form_ or step_form(dossier)
        if dossier.stage != Stage.REGISTRATION:
            context["return_form"] = return_form or ReturnForm()
        if not dossier.is_revocation:
            context["condition_form"] = condition_form or ConditionForm()
    if context["can_act"]:
        context["answer_form"] = AnswerForm(initial={"answered_on": timezone.localdate()}, auto_id=False)
    return render(request, "recognition/dossier_detail.html", context, status=status)


@login_required
def dossier_detail(request, pk):
    return _page(request, _dossier(request, pk))


@login_required
@require_POST
def dossier_step(request, pk):
    dossier = _dossier(request, pk)
    _require_admin(request)
    if dossier.decided:
        raise PermissionDenied
    step = dossier.next_stage
    form = step_form(dossier, request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        kwargs = {"user": request.user, "ip_address": request_ip(request)}
        if dossier.is_revocation:
            calls = {
                Stage.SELF_ASSESSMENT: lambda: services.freeze_revocation_check(dossier, **kwargs),
                Stage.APPRAISAL: lambda: services.record_appraisal(dossier, **data, **kwargs),
                Stage.DECISION: lambda: services.revoke(dossier, **data, **kwargs),
            }
        else:
            calls = {
                Stage.SELF_ASSESSMENT: lambda: services.freeze_self_assessment(dossier, **kwargs),
                Stage.OPINIONS: lambda: services.record_opinions(dossier, **data, **kwargs),
                Stage.POSTING: lambda: services.record_posting(dossier, **data, **kwargs),
                Stage.SURVEY: lambda: services.record_survey(dossier, **data, **kwargs),
                Stage.APPRAISAL: lambda: services.record_appraisal(dossier, **data, **kwargs),
                Stage.DECISION: lambda: services.decide(dossier, **data, **kwargs),
            }
        try:
            calls[step]()
        except services.DossierRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Step recorded: %(step)s.") % {"step": stage_label(dossier.kind, step)})
            return redirect("recognition:detail", pk=dossier.pk)
    dossier.refresh_from_db()
    return _page(request, dossier, step_form_=form, status=400)


@login_required
@require_POST
def dossier_condition(request, pk):
    dossier = _dossier(request, pk)
    _require_admin(request)
    form = ConditionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_condition(dossier, **form.cleaned_data, user=request.user,
                                      ip_address=request_ip(request))
        except services.DossierRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The declaration or confirmation was recorded."))
            return redirect("recognition:detail", pk=dossier.pk)
    return _page(request, dossier, condition_form=form, status=400)


@login_required
@require_POST
def comment_answer(request, pk, comment_pk):
    dossier = _dossier(request, pk)
    _require_admin(request)
    comment = get_object_or_404(dossier.posting_comments, pk=comment_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_comment(comment, **form.cleaned_data, user=request.user, ip_address=request_ip(request))
        except services.DossierRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answer was recorded."))
        return redirect("recognition:detail", pk=dossier.pk)
    messages.error(request, _("The answer and its date are required."))
    return redirect("recognition:detail", pk=dossier.pk)


@login_required
@require_POST
def dossier_return(request, pk):
    dossier = _dossier(request, pk)
    _require_admin(request)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_dossier(dossier, reason=form.cleaned_data["reason"], user=request.user,
                                    ip_address=request_ip(request))
        except services.DossierRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The dossier was returned to the previous stage."))
            return redirect("recognition:detail", pk=dossier.pk)
    return _page(request, dossier, return_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def decision_pdf(request, pk):
    """The signed decision of a dossier, served like planning:evidence (attachment, fixed type)."""
    return stored_file_response(_dossier(request, pk).decision_pdf, content_type_="application/pdf")
