"""Finance pages: the province-year dashboard, plans, projects with their forms. Views parse and
authorise; finance/services.py writes; finance/queries.py reads."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import commune_for_user, require, visible_units
from config.text import request_ip
from dashboard.charts import vertical_bars
from finance import forms, queries, services
from finance.models import Allocation, PlanLine
from finance.permissions import (
    can_write,
    can_write_unit,
    project_for_user,
    readable_province_ids,
    readable_unit_ids,
)
from units.models import Unit

PAGE_SIZE = 50
BILLION = Decimal(1_000_000_000)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year_and_province(request):
    """The plan year asked for (?nam=) or the newest, and the province of its plan, among the
    plans of the provinces the user may read."""
    years = queries.plan_years(readable_province_ids(request.user))
    year = _int(request.GET.get("nam"))
    pairs = [p for p in years if p[0] == year] or years[:1]
    if not pairs:
        return None, None, []
    year, province_id = pairs[0]
    return year, Unit.objects.get(pk=province_id), sorted({y for y, _p in years}, reverse=True)


def monthly_chart(summary):
    """Cumulative disbursement per month against the plan, in billions of đồng (drawing only)."""
    items = [(f"{m:%m/%y}", float(Decimal(v) / BILLION), "") for m, v, _plan in summary.monthly]
    plan = float(Decimal(summary.plan) / BILLION)
    return vertical_bars(items, title=_("Cumulative disbursement against the plan (billion đồng)"),
                         max_value=max([plan] + [v for _l, v, _c in items] + [1]),
                         targets={label: plan for label, _v, _c in items},
                         value_format=lambda v: f"{v:.1f}".replace(".", ","))


@login_required
def dashboard(request):
    year, province, years = _year_and_province(request)
    if year is None:
        return render(request, "finance/dashboard.html", {"summary": None, "can_write": can_write(request.user)})
    summary = queries.year_summary(province, year, unit_ids=readable_unit_ids(request.user))
    return render(request, "finance/dashboard.html", {
        "summary": summary, "years": years, "chart": monthly_chart(summary),
        "can_write": can_write(request.user),
    })


@login_required
def plans(request):
    year, province, years = _year_and_province(request)
    form = forms.PlanLineForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        require(can_write(request.user))
        if form.is_valid():
            data = form.cleaned_data
            target = province if data["year"] == year and province else _province_for_year(data["year"])
            require(can_write_unit(request.user, target))
            try:
                services.set_plan_line(
                    province=target, year=data["year"], programme=data["programme"], component=data["component"],
                    source=data["source"], amount=data["amount"], decision_number=data["decision_number"],
                    decision_date=data["decision_date"], user=request.user, reason=data["reason"],
                    ip_address=request_ip(request))
            except services.Refused as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The plan was saved."))
                return redirect(f"{request.path}?nam={data['year']}")
    lines = []
    if year is not None:
        lines = list(PlanLine.objects.filter(province=province, year=year)
                     .select_related("programme", "component", "source")
                     .prefetch_related("adjustments").order_by("programme__code", "component__code",
                                                               "source__position"))
    return render(request, "finance/plans.html", {
        "year": year, "years": years, "province": province, "lines": lines, "form": form,
        "can_write": can_write(request.user),
    })


def _province_for_year(year: int) -> Unit:
    import datetime

    from assessments.queries import province_on

    day = datetime.date(year, 12, 31) if year >= 2026 else datetime.date(min(year, 2025), 6, 30)
    province = province_on(day)
    if province is None:
        raise Http404
    return province


@login_required
def project_list(request):
    year = _int(request.GET.get("nam"))
    qs = queries.projects_for(year=year, unit_ids=readable_unit_ids(request.user))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "finance/project_list.html", {
        "page": page, "q": q, "year": year,
        "years": sorted({y for y, _p in queries.plan_years(readable_province_ids(request.user))}, reverse=True),
        "querystring": params.urlencode(), "can_write": can_write(request.user),
    })


@login_required
def project_create(request):
    require(can_write(request.user))
    year, province, _years = _year_and_province(request)
    from assessments.queries import programme_communes, province_on

    today = queries.today()
    communes = list(visible_units(request.user, programme_communes(today, province_on(today))).order_by("sort_name"))
    form = forms.ProjectForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = commune_for_user(request.user, data["commune"])
        try:
            project = services.create_projects([services.ProjectSpec(
                unit=unit, code=data["code"], name=data["name"], kind=data["kind"], owner=data["owner"],
                start_date=data["start_date"], end_date=data["end_date"],
                total_investment=data["total_investment"], criteria=tuple(data["criteria"]))],
                user=request.user, ip_address=request_ip(request))[0]
        except services.Refused as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect("finance:project", project.pk)
    return render(request, "finance/project_form.html", {"form": form})


def _refused(form, exc: services.Refused) -> None:
    """A service's refusal shown at the top of the form, every reason."""
    for error in exc.errors:
        form.add_error(None, error)


@login_required
def project_edit(request, pk):
    project = project_for_user(request.user, pk, write=True)
    from planning.models import RoadmapItem

    items = list(RoadmapItem.objects.filter(unit=project.unit).order_by("target_date", "pk"))
    initial = {"name": project.name, "kind": project.kind, "owner": project.owner,
               "start_date": project.start_date, "end_date": project.end_date,
               "total_investment": project.total_investment, "criteria": ", ".join(project.criteria),
               "roadmap_items": [str(pk) for pk in project.roadmap_items.values_list("pk", flat=True)]}
    form = forms.ProjectForm(request.POST or None, initial=initial, project=project, roadmap_items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {key: data[key] for key in ("name", "kind", "owner", "start_date", "end_date",
                                             "total_investment", "criteria")}
        try:
            services.update_project(project, user=request.user, ip_address=request_ip(request),
                                    reason=data["reason"], roadmap_item_ids=data.get("roadmap_items", []), **fields)
        except services.Refused as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("finance:project", project.pk)
    return render(request, "finance/project_form.html", {"form": form, "project": project},
                  status=400 if form.errors else 200)


def _plan_lines_for(project):
    unit = project.unit
    provinces = [pk for pk in (unit.parent_id, unit.parent.parent_id if unit.parent else None) if pk]
    lines = (PlanLine.objects.filter(province_id__in=provinces)
             .select_related("programme", "component", "source").order_by("-year", "programme__code"))
    return [(line.pk, services.describe_line(line)) for line in lines]


def _project_forms(project, data=None, action=None):
    detail = queries.project_detail(project)
    allocations = [(r["allocation"].pk, services.describe_line(r["allocation"].plan_line)) for r in detail["rows"]]
    debts = [(r.debt.pk, f"{r.debt.since:%d/%m/%Y} · {r.outstanding:,}".replace(",", ".") + " đ")
             for r in detail["debts"] if r.outstanding > 0]

    def bound(name):
        return data if action == name else None

    return detail, {
        "allocation": forms.AllocationForm(bound("phan-bo"), lines=_plan_lines_for(project), prefix="a"),
        "disbursement": forms.DisbursementForm(bound("giai-ngan"), allocations=allocations, prefix="g"),
        "debt": forms.DebtForm(bound("no-dong"), prefix="n"),
        "repayment": forms.RepaymentForm(bound("tra-no"), debts=debts, prefix="t"),
    }


@login_required
def project_detail(request, pk):
    project = project_for_user(request.user, pk)
    detail, project_forms = _project_forms(project)
    return render(request, "finance/project_detail.html", {
        "project": project, "detail": detail, "forms": project_forms, "can_write": can_write(request.user),
    })


ACTIONS = {"phan-bo": "allocation", "giai-ngan": "disbursement", "no-dong": "debt", "tra-no": "repayment"}


@require_POST
@login_required
def project_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    project = project_for_user(request.user, pk, write=True)
    detail, project_forms = _project_forms(project, request.POST, action)
    form = project_forms[ACTIONS[action]]
    if form.is_valid():
        data = form.cleaned_data
        kwargs = {"user": request.user, "ip_address": request_ip(request)}
        try:
            if action == "phan-bo":
                line = PlanLine.objects.get(pk=int(data["plan_line"]))
                services.set_allocation(project=project, plan_line=line, amount=data["amount"],
                                        decision_number=data["decision_number"],
                                        decision_date=data["decision_date"], reason=data["reason"], **kwargs)
            elif action == "giai-ngan":
                allocation = Allocation.objects.select_related("plan_line__source", "project").get(
                    pk=int(data["allocation"]), project=project)
                services.record_disbursements(
                    [services.DisbursementEntry(allocation, data["month"], data["cumulative"])], **kwargs)
            elif action == "no-dong":
                services.record_debt(project, amount=data["amount"], since=data["since"], note=data["note"],
                                     **kwargs)
            else:
                debt = project.debts.get(pk=int(data["debt"]))
                services.record_repayment(debt, amount=data["amount"], date=data["date"], **kwargs)
        except services.Refused as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("finance:project", project.pk)
    messages.error(request, _("Nothing was saved: please correct the form marked below."))
    return render(request, "finance/project_detail.html", {
        "project": project, "detail": detail, "forms": project_forms, "can_write": True, "open": action,
    }, status=400)
