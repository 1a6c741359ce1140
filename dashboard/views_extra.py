"""The printable one-page commune summary and the trends across periods (commune, province)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_view_province, commune_for_user, require
from assessments.models import Evaluation
from assessments.periods import periods_of_unit
from dashboard import charts
from dashboard.commune_summary import commune_summary
from dashboard.trends import province_trend


def trend_chart(points, *, width=640, height=180):
    """Criteria met per period (bars), each labelled met/total."""
    if not points:
        return None
    width = max(160, min(width, 60 + 90 * len(points)))  # one bar stays a bar, not a wall
    return charts.vertical_bars(
        [(p.period.name, p.criteria_met, "bar-ok" if p.criteria_met == p.criteria_total else "bar")
         for p in points],
        title=_("Criteria met per period"), width=width, height=height,
        max_value=max(p.criteria_total for p in points) or 1,
    )


@login_required
def commune_print(request, ref):
    unit = commune_for_user(request.user, ref)
    evaluated = set(Evaluation.objects.filter(unit=unit).values_list("period_id", flat=True).distinct())
    periods = [p for p in periods_of_unit(unit) if p.pk in evaluated]
    code = request.GET.get("ky")
    period = next((p for p in periods if p.code == code), periods[-1] if periods else None)
    context = {"unit": unit, "period": period, "periods": periods, "today": timezone.localdate()}
    if period is not None:
        summary = commune_summary(unit, period, today=context["today"])
        context.update(s=summary, trend_chart=trend_chart(summary.trend, width=480, height=150))
    return render(request, "dashboard/commune_print.html", context)


@login_required
def province_trends(request):
    require(can_view_province(request.user))
    rows = province_trend()
    charts_by_level = []
    names = {}
    for row in rows:
        for code, name in row.level_names.items():
            names.setdefault(code, name)
    for code, name in names.items():
        items = [(row.period.name, row.met.get(code, 0), "bar") for row in rows if code in row.level_names]
        targets = {row.period.name: row.recognised.get(code, 0) for row in rows if code in row.level_names}
        if not any(v for _label, v, _css in items) and not any(targets.values()):
            continue  # a level nobody reaches: the table says so, no empty chart
        charts_by_level.append(charts.vertical_bars(
            items, targets=targets, width=760, height=190,
            title=_("%(level)s: communes meeting it in the data (bars) and recognised (lines), per period")
            % {"level": name}))
    return render(request, "dashboard/trends.html", {"rows": rows, "charts": charts_by_level})


def guide(request):
    """The user guide and glossary: facts of the domain notes with their sources; no data, so
    open before logging in too."""
    return render(request, "dashboard/guide.html")
