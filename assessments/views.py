from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import (
    can_edit_values,
    can_enter_values_somewhere,
    can_manage_reference,
    can_pick_area,
    commune_for_user,
    scope_for,
    visible_units,
)
from assessments import queries, services
from assessments.catalog import allowed_indicators, family_indicators
from assessments.forms import RecognitionForm, RevocationForm, ValuesForm
from assessments.listing import CommuneFilters, filtered_communes
from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from assessments.periods import periods_of_unit
from assessments.queries import group_status
from config.text import request_ip
from dashboard.areas import PARAM as AREA_PARAM
from dashboard.areas import resolve_area
from dashboard.commune_summary import commune_trend
from dashboard.fragments import fragment, scope_key
from dashboard.lineage import predecessor_results
from dashboard.views import selected_period
from dashboard.views_extra import trend_chart
from finance.queries import commune_finance

PAGE_SIZE = 25


@login_required
def commune_list(request):
    # The same for every user with the same readable units and the same rights below.
    user = request.user
    scope = scope_for(user)
    parts = (request.GET.urlencode(), scope_key(scope.readable), scope.reads_all, can_pick_area(user),
             can_enter_values_somewhere(user))
    content = fragment("communes", parts,
                       lambda: render_to_string("assessments/_commune_list.html", _list_context(request)))
    return render(request, "assessments/commune_list.html", {"content": content})


def _list_context(request) -> dict:
    period = selected_period(request)
    scope = scope_for(request.user)
    if not request.GET.get("ky") and not scope.reads_all:
        # A district officer's communes ended on 30/06/2025: open on their last period.
        period = (Period.objects.filter(evaluations__unit_id__in=scope.readable)
                  .order_by("-as_of", "-start").first()) or period
    if period is None:
        return {"period": None}
    ctx = queries.period_context(period)
    # The whole country, a region or a province for users who may pick; else the province.
    area, area_choices = resolve_area(request.user, period.as_of, request.GET.get(AREA_PARAM))
    province = area.province
    filters = CommuneFilters.from_params(request.GET)
    qs = filtered_communes(request.user, ctx, province, filters, area=area)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    statuses = queries.commune_statuses(ctx, list(page.object_list))
    params = request.GET.copy()
    params.pop("trang", None)
    return {
        "period": period,
        "periods": queries.evaluated_periods(),
        "ctx": ctx,
        "page": page,
        "statuses": statuses,
        "districts": visible_units(request.user, queries.districts_of(province, period.as_of))
        if scope_for(request.user).reads_all
        else queries.districts_of(province, period.as_of).filter(
            pk__in=visible_units(request.user).values("parent_id")
        ),
        "filters": filters.as_template(),
        "querystring": params.urlencode(),
        "can_import": can_enter_values_somewhere(request.user),
        "area": area, "area_choices": area_choices, "area_param": AREA_PARAM,
    }


@login_required
def commune_detail(request, ref):
    unit = commune_for_user(request.user, ref)
    code = request.GET.get("ky")
    can_edit, can_recognise = can_edit_values(request.user, unit), can_manage_reference(request.user)
    # The same for every user who may see the commune with the same two rights.
    content = fragment("commune", (unit.pk, code or "", can_edit, can_recognise), lambda: render_to_string(
        "assessments/_commune_detail.html", _detail_context(unit, code, can_edit, can_recognise)))
    return render(request, "assessments/commune_detail.html", {"unit": unit, "content": content})


def _detail_context(unit, code: str | None, can_edit: bool, can_recognise: bool) -> dict:
    # Every period in which the commune exists, evaluated or not: a new commune can enter the
    # values of the present period before anything was evaluated.
    periods = periods_of_unit(unit)
    evaluated = set(Evaluation.objects.filter(unit=unit).values_list("period_id", flat=True).distinct())
    default = ([p for p in periods if p.pk in evaluated] or periods or [None])[-1]
    period = next((p for p in periods if p.code == code), default)
    context = {"unit": unit, "periods": periods, "period": period, "can_edit": can_edit,
               "can_recognise": can_recognise}
    if period is not None:
        context["group"] = group_status(unit, period)
    if unit.valid_from is not None:
        context["past_period"], context["predecessors"] = predecessor_results(unit)
    if period is not None and period.pk in evaluated:
        ctx = queries.period_context(period)
        status = queries.commune_statuses(ctx, [unit])[0]
        evaluations = list(
            Evaluation.objects.filter(unit=unit, period=period)
            .select_related("criteria_set", "version")
            .order_by("criteria_set__level_rank")
        )
        context.update(
            ctx=ctx,
            status=status,
            evaluations=queries.explained_results(unit, period, evaluations),
        )
    context["recognitions"] = unit.recognitions.select_related("revocation", "recorded_by",
                                                               "decision_record").order_by("decision_date")
    context["history"] = queries.value_history(unit)
    context["lineage_from"] = unit.predecessor_links.select_related("predecessor")
    context["lineage_to"] = unit.successor_links.select_related("successor")
    context["finance"] = commune_finance(unit)
    context["trend"] = commune_trend(unit)
    context["trend_chart"] = trend_chart(context["trend"], width=480, height=150)
    return context


@login_required
def commune_entry(request, ref, period_code):
    unit = commune_for_user(request.user, ref, write=True)
    period = get_object_or_404(Period, code=period_code)
    if request.method == "GET" and not unit.is_valid_on(period.as_of):
        # The service refuses such values (a POST shows its message on the form); say it before
        # the officer types anything.
        messages.error(request, _("%(unit)s did not exist on %(day)s (%(period)s): choose a period in which it exists.")
                       % {"unit": unit.name, "day": period.as_of.strftime("%d/%m/%Y"), "period": period.name})
        return redirect("assessments:detail", ref=unit.ref)
    ctx = queries.period_context(period)
    if ctx.family is None:
        messages.error(request, _("No criteria set is in force for this period."))
        return redirect("assessments:detail", ref=unit.ref)
    indicators = family_indicators(ctx.family)
    allowed = allowed_indicators(request.user, ctx.family)
    current = {
        v.indicator: v.value
        for v in IndicatorValue.objects.current().filter(unit=unit, period=period, family=ctx.family)
    }
    form = ValuesForm(request.POST or None, indicators=indicators, current=current, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_values(
                unit, period, form.raw_values(), user=request.user,
                source=form.cleaned_data["source"], reason=form.cleaned_data["reason"],
                ip_address=request_ip(request), allowed_indicators=allowed,
                base=form.base_values(),
            )
        except services.BatchRejected as exc:
            if isinstance(exc, services.EditConflict):
                form.replace_base(exc.current)
            for code, message in exc.errors.items():
                target = ValuesForm.field_name(code)
                if target in form.fields:
                    form.add_error(target, message)
                else:
                    form.add_error(None, message)
            messages.error(request, _("Nothing was saved: please correct the values marked below."))
        else:
            messages.success(
                request,
                _("Saved: %(created)s new values, %(corrected)s corrected, %(unchanged)s unchanged.")
                % {"created": result.created, "corrected": result.corrected, "unchanged": result.unchanged},
            )
            return redirect(f"{reverse('assessments:detail', args=[unit.ref])}?ky={period.code}")
    return render(request, "assessments/commune_entry.html",
                  {"unit": unit, "period": period, "form": form, "ctx": ctx})


def _level_choices(unit) -> tuple[dict[str, str], dict[str, int], str | None]:
    period = Period.objects.filter(evaluations__unit=unit).order_by("-start").first()
    ctx = queries.period_context(period) if period else None
    if ctx is None or ctx.family is None:
        return {}, {}, None
    return ctx.level_names, ctx.level_ranks, ctx.family


@login_required
def recognition_add(request, ref):
    unit = commune_for_user(request.user, ref)
    if not can_manage_reference(request.user):
        raise PermissionDenied
    names, ranks, family = _level_choices(unit)
    form = RecognitionForm(request.POST or None, request.FILES or None, levels=names)
    if request.method == "POST" and form.is_valid():
        from recognition.decisions import DecisionRefused, record_direct_recognition

        data = form.cleaned_data
        try:
            record_direct_recognition(
                unit, level_code=data["level_code"], level_rank=ranks[data["level_code"]], family=family,
                decision_number=data["decision_number"], decision_date=data["decision_date"],
                issuer=data["issuer"], note=data["note"], before_system=data["before_system"],
                signed_scan=data["signed_scan"], user=request.user, ip_address=request_ip(request),
            )
        except DecisionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The recognition decision was recorded."))
            return redirect("assessments:detail", ref=unit.ref)
    return render(request, "assessments/recognition_form.html",
                  {"unit": unit, "form": form, "title": _("Record a recognition decision"), "multipart": True})


@login_required
def recognition_revoke(request, ref, pk):
    unit = commune_for_user(request.user, ref)
    if not can_manage_reference(request.user):
        raise PermissionDenied
    recognition = get_object_or_404(Recognition, pk=pk, unit=unit)
    form = RevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_revocation(
                recognition, decision_number=data["decision_number"], decision_date=data["decision_date"],
                issuer=data["issuer"], reason=data["reason"], user=request.user,
                ip_address=request_ip(request),
            )
        except services.BatchRejected as exc:
            for message in exc.errors.values():
                form.add_error(None, message)
        else:
            messages.success(request, _("The revocation decision was recorded."))
            return redirect("assessments:detail", ref=unit.ref)
    return render(request, "assessments/recognition_form.html",
                  {"unit": unit, "form": form, "recognition": recognition,
                   "title": _("Record a revocation decision")})
