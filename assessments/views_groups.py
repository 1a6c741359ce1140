"""Commune groups of QĐ 51/2025: the province's list, a commune's facts and confirmation, export."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import (
    can_manage_reference,
    can_view_province,
    commune_for_user,
    require,
    visible_units,
)
from assessments import groups as group_services
from assessments import groups_excel
from assessments.forms_groups import GroupForm
from assessments.queries import group_rows, programme_communes, province_on
from config.text import attachment_response, request_ip
from units.groups import GROUP_NAMES, facts_of, propose
from units.models import CommuneGroup

PAGE_SIZE = 50
STATES = {"chua-xac-nhan": "", "nhom-1": "nhom-1", "nhom-2": "nhom-2", "nhom-3": "nhom-3"}


def _today_units(user):
    today = timezone.localdate()
    return visible_units(user, programme_communes(today, province_on(today))).order_by("sort_name"), today


@login_required
def group_list(request):
    require(can_view_province(request.user))
    units, today = _today_units(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(name__icontains=q)
    rows = group_rows(list(units), today)
    state = request.GET.get("nhom", "")
    if state in STATES:
        rows = [r for r in rows if r.group == STATES[state]]
    counts = {key: 0 for key in GROUP_NAMES}
    for r in rows:
        if r.group:
            counts[r.group] += 1
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "assessments/group_list.html", {
        "page": page, "today": today, "q": q, "state": state, "counts": counts,
        "unconfirmed": sum(1 for r in rows if not r.group), "total": len(rows),
        "group_names": GROUP_NAMES, "querystring": params.urlencode(),
        "can_edit": can_manage_reference(request.user),
    })


@login_required
def group_edit(request, ref):
    unit = commune_for_user(request.user, ref)
    require(can_manage_reference(request.user))
    latest = CommuneGroup.objects.filter(unit=unit).order_by("-valid_from", "-recorded_at").first()
    facts = facts_of(latest)
    initial = {
        "agriculture_share": facts.agriculture_share,
        "near_urban": "" if facts.near_urban is None else ("1" if facts.near_urban else "0"),
        "new_urban": "" if facts.new_urban is None else ("1" if facts.new_urban else "0"),
        "ethnic_area": facts.ethnic_area,
        "valid_from": latest.valid_from if latest else max(datetime.date(2026, 2, 15), unit.valid_from or datetime.date.min),
        "group": (latest.group or latest.proposed) if latest else "",
    }
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip = request_ip(request)
        try:
            if request.POST.get("action") == "confirm":
                group_services.confirm_group(
                    unit, valid_from=data["valid_from"], group=data["group"],
                    decision_number=data["decision_number"], decision_date=data["decision_date"],
                    facts=form.facts(), user=request.user, ip_address=ip, note=data["note"])
                messages.success(request, _("The commune group was confirmed and the commune re-evaluated."))
            else:
                group_services.propose_group(unit, valid_from=data["valid_from"], facts=form.facts(),
                                             user=request.user, ip_address=ip, note=data["note"])
                messages.success(request, _("The facts were recorded."))
        except group_services.GroupRejected as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("assessments:group_edit", ref=unit.ref)
    proposal = propose(form.facts()) if form.is_bound and form.is_valid() else propose(facts)
    history = CommuneGroup.objects.filter(unit=unit).select_related("confirmed_by", "recorded_by").order_by(
        "-valid_from", "-recorded_at")
    return render(request, "assessments/group_edit.html", {
        "unit": unit, "form": form, "proposal": proposal, "history": history, "group_names": GROUP_NAMES,
    })


@login_required
def group_export(request):
    """The list of communes with their facts and groups as .xlsx, to fill and import back."""
    require(can_view_province(request.user))
    units, today = _today_units(request.user)
    content = groups_excel.export(group_rows(list(units), today))
    return attachment_response(content, f"nhom-xa-{today:%Y%m%d}.xlsx")


MAX_UPLOAD = 5 * 1024 * 1024


@login_required
def group_import(request):
    """Import the filled group workbook: all rows or none, every bad cell named."""
    require(can_manage_reference(request.user))
    if request.method != "POST":
        return redirect("assessments:group_list")
    upload = request.FILES.get("tep")
    if upload is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("Choose the group workbook (.xlsx, at most 5 MB)."))
        return redirect("assessments:group_list")
    units, _today = _today_units(request.user)
    result = groups_excel.import_groups(io.BytesIO(upload.read()), user=request.user,
                                        ip_address=request_ip(request), units={u.ref: u for u in units})
    if result.problems:
        shown = result.problems[:50]
        messages.error(request, _("Nothing was imported: %(n)s problem(s).") % {"n": len(result.problems)}
                       + " " + "; ".join(f"{cell}: {message}" for cell, message in shown))
    else:
        messages.success(request, _("Imported: %(confirmed)s groups confirmed, %(unchanged)s unchanged.")
                         % {"confirmed": result.confirmed, "unchanged": result.unchanged})
    return redirect("assessments:group_list")
