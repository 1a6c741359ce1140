from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.access import can_pick_area, can_view_province
from assessments.models import Period
from assessments.queries import evaluated_periods, latest_period, programme_communes, province_on
from dashboard import charts
from dashboard.areas import PARAM, resolve_area
from dashboard.fragments import fragment
from dashboard.lineage import past_on_new_map
from dashboard.summary import dashboard_figures
from dashboard.work import lands_on_province, work_for


def selected_period(request):
    code = request.GET.get("ky")
    if code:
        return get_object_or_404(Period, code=code)
    return latest_period()


@login_required
def home(request):
    """`/`: the province dashboard for province-wide roles, else the user's own work."""
    if lands_on_province(request.user):
        return _province(request)
    work = work_for(request.user, timezone.localdate())
    return render(request, "dashboard/work.html", {"work": work, "today": timezone.localdate()})


@login_required
def province(request):
    if not can_view_province(request.user):
        # District and commune users have their own home; the province view is not theirs.
        return redirect("dashboard:home")
    return _province(request)


def _province(request):
    # The same for every user who may pick an area (or for every user who may not): their
    # menus, messages and CSRF token are rendered around it on each request.
    may_pick = can_pick_area(request.user)
    parts = (request.GET.get("ky") or "", (request.GET.get(PARAM) or "") if may_pick else "", may_pick,
             request.GET.get("ban-do") == "nay")
    content = fragment("dashboard", parts,
                       lambda: render_to_string("dashboard/_province.html", _province_context(request)))
    return render(request, "dashboard/province.html", {"content": content})


def _province_context(request) -> dict:
    period = selected_period(request)
    context = {"period": period, "periods": evaluated_periods()}
    if period is None:
        return context
    area, choices = resolve_area(request.user, period.as_of, request.GET.get(PARAM))
    context.update(area=area, area_choices=choices, area_param=PARAM)
    figures = dashboard_figures(period, area)  # board, debts (nợ đọng XDCB), list counts
    board = figures["board"]
    context.update(figures)
    today = timezone.localdate()
    if board.without_key is not None:
        context["groups"] = {"unconfirmed": board.without_key}
    present = province_on(today)
    if (present is not None and board.province is not None and present.pk != board.province.pk
            and area.is_home):
        if request.GET.get("ban-do") == "nay":
            units = list(programme_communes(today, present).order_by("sort_name"))
            context["past_map"] = past_on_new_map(period, units)
        else:
            context["new_map_link"] = True
    context["distribution_chart"] = charts.vertical_bars(
        [(str(n), count, "bar-ok" if n == len(board.distribution) - 1 else "bar")
         for n, count in board.distribution],
        title=_("Communes by number of criteria met"),
    )
    context["rate_chart"] = charts.horizontal_bars(
        [
            (f"{r.code}. {r.name}", float(r.percent), f"{number_format(r.percent, 1)}%",
             "bar-ok" if r.percent >= 80 else ("bar-warn" if r.percent >= 50 else "bar-bad"))
            for r in board.rates
        ],
        title=_("Pass rate per criterion"),
    )
    plan_items = []
    plan_targets = {}
    for row in board.plan:
        if row.year == period.start.year:
            plan_items.append((row.level_name, row.actual or 0, "bar"))
            plan_targets[row.level_name] = row.target
    context["plan_chart"] = charts.vertical_bars(
        plan_items, title=_("Recognised communes against the phase plan"), width=640, height=200,
        targets=plan_targets,
    )
    context["plan_this_year"] = [row for row in board.plan if row.year == period.start.year]
    return context
