"""Province-level planning pages: the watch over recognised communes, agencies and their field
visits, targets against actual, helping agencies and support teams, where to invest first."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import (
    can_edit_values,
    can_manage_reference,
    can_view_organisation,
    can_view_province,
    commune_for_user,
    filter_by_unit,
    organisations_q,
    scope_for,
    visible_units,
)
from accounts.models import Organisation, OrganisationKind
from config.text import request_ip
from finance import queries as finance_queries
from planning import forms, optimiser, queries, services, target_grid
from planning.models import Phase
from planning.permissions import (
    can_list_agencies,
    can_open_agency_list,
    can_record_visit,
    can_view_agency,
    is_province_role,
    require,
    user_agency,
)
from units.models import Unit


def _units(request, ctx):
    return list(visible_units(request.user, queries.programme_communes(ctx.period.as_of)).order_by("sort_name"))


@login_required
def watch(request):
    ctx = queries.current_context()
    if ctx is None:
        return render(request, "planning/watch.html", {"ctx": None})
    board = queries.watch(ctx, _units(request, ctx))
    debts = finance_queries.debt_for_units([row.unit.pk for row in board.rows])
    return render(request, "planning/watch.html", {"ctx": ctx, "board": board, "debts": debts})


@login_required
def agency_list(request):
    require(can_open_agency_list(request.user))
    own = user_agency(request.user)
    if own is not None and not is_province_role(request.user):
        return redirect("planning:agency", own.code)
    require(can_list_agencies(request.user))
    agencies = (Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True)
                .filter(organisations_q(request.user)).order_by("name"))
    return render(request, "planning/agency_list.html", {"agencies": agencies})


@login_required
def agency(request, code):
    organisation = get_object_or_404(Organisation, code=code, kind=OrganisationKind.AGENCY)
    require(can_view_agency(request.user, organisation))
    ctx = queries.current_context()
    view = queries.agency_view(organisation, ctx, _units(request, ctx)) if ctx else None
    return render(request, "planning/agency.html", {
        "organisation": organisation, "ctx": ctx, "view": view,
        "can_visit": can_record_visit(request.user, organisation),
    })


def _pickable_communes(request, ctx):
    """The programme communes of the current period the user may see, to pick by name (grouped
    by district, in Vietnamese alphabetical order)."""
    if ctx is None:
        return Unit.objects.none()
    return visible_units(request.user, queries.programme_communes(ctx.period.as_of)).select_related(
        "parent").order_by("parent__sort_name", "sort_name")


@login_required
def visit_create(request, code):
    organisation = get_object_or_404(Organisation, code=code, kind=OrganisationKind.AGENCY)
    require(can_record_visit(request.user, organisation))
    form = forms.VisitForm(request.POST or None, initial={"date": queries.today()},
                           communes=_pickable_communes(request, queries.current_context()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = commune_for_user(request.user, data["commune"])
        services.record_field_visit(
            organisation, unit, date=data["date"], members=data["members"],
            criteria_checked=data["criteria_checked"], findings=data["findings"],
            difficulties=data["difficulties"],
            follow_ups=[services.FollowUp(t, o, d) for t, o, d in data["follow_ups"]], user=request.user,
            ip_address=request_ip(request),
        )
        messages.success(request, _("The field visit was recorded."))
        return redirect("planning:agency", organisation.code)
    return render(request, "planning/visit_form.html", {"organisation": organisation, "form": form},
                  status=400 if form.is_bound else 200)


def _phase():
    return Phase.objects.order_by("-start_year").first()


@login_required
def targets(request):
    require(can_view_province(request.user))
    ctx = queries.current_context()
    phase = _phase()
    rows = queries.targets_vs_actual(phase, ctx, queries.province_units(ctx)) if phase and ctx else []
    return render(request, "planning/targets.html", {
        "ctx": ctx, "phase": phase, "rows": rows, "can_edit": can_manage_reference(request.user),
        "commune_targets": queries.commune_targets(visible_units(request.user)) if ctx else [],
    })


@login_required
def targets_edit(request):
    require(can_manage_reference(request.user))
    phase = _phase()
    if phase is None:
        raise PermissionDenied
    ctx = queries.current_context()
    levels = list(ctx.level_names.items()) if ctx else []
    communes = _pickable_communes(request, ctx)
    kind = request.POST.get("kind") if request.method == "POST" else None
    grid_errors, grid_data = {}, None
    if kind == "grid":
        parsed = target_grid.parse_grid(phase, levels, request.POST)
        if not parsed.errors:
            changed = services.set_targets_grid(phase, parsed.counts, parsed.year_targets, user=request.user,
                                                ip_address=request_ip(request))
            messages.success(request, ngettext("Saved: %(n)s target changed.", "Saved: %(n)s targets changed.",
                                               changed) % {"n": changed})
            return redirect("planning:targets_edit")
        grid_errors, grid_data = parsed.errors, request.POST
    commune_form = forms.CommuneTargetForm(request.POST if kind == "commune" else None, prefix="c", levels=levels,
                                           communes=communes)
    if kind == "commune" and commune_form.is_valid():
        d = commune_form.cleaned_data
        unit = commune_for_user(request.user, d["commune"])
        services.set_commune_target(unit, d["level_code"] or None, d["year"], user=request.user,
                                    ip_address=request_ip(request))
        messages.success(request, _("Saved."))
        return redirect("planning:targets_edit")
    return render(request, "planning/targets_edit.html", {
        "phase": phase, "levels": levels, "commune_form": commune_form,
        "grid": target_grid.grid_rows(phase, levels, grid_data, grid_errors),
        "grid_errors": [(f"id_{name}", message) for name, message in grid_errors.items()],
        "level_names": dict(levels),
        "commune_targets": queries.commune_targets(visible_units(request.user)),
    }, status=400 if kind else 200)


@login_required
def helping(request):
    require(can_view_province(request.user))
    can_edit = can_manage_reference(request.user)
    kind = request.POST.get("kind") if request.method == "POST" else None
    if kind:
        require(can_edit)
    communes = list(_pickable_communes(request, queries.current_context()))
    help_form = forms.HelpingForm(request.POST if kind == "help" else None, prefix="h", communes=communes)
    member_form = forms.SupportMemberForm(request.POST if kind == "member" else None, prefix="m", communes=communes)
    if kind == "help" and help_form.is_valid():
        d = help_form.cleaned_data
        unit = commune_for_user(request.user, d["commune"])
        require(can_view_organisation(request.user, d["organisation"]))
        services.set_helping_agency(d["organisation"], unit, helping=not d["remove"], user=request.user,
                                    ip_address=request_ip(request))
        messages.success(request, _("Saved."))
        return redirect("planning:helping")
    if kind == "member" and member_form.is_valid():
        d = member_form.cleaned_data
        unit = commune_for_user(request.user, d["commune"])
        services.add_support_member(unit, name=d["name"], role=d["role"], user=request.user,
                                    ip_address=request_ip(request))
        messages.success(request, _("Saved."))
        return redirect("planning:helping")
    from planning.models import HelpingAssignment, SupportTeamMember

    return render(request, "planning/helping.html", {
        "can_edit": can_edit, "help_form": help_form, "member_form": member_form,
        "assignments": filter_by_unit(request.user, HelpingAssignment.objects.select_related(
            "organisation", "unit")).order_by("unit__sort_name"),
        "members": filter_by_unit(request.user, SupportTeamMember.objects.select_related(
            "unit", "user")).order_by("unit__sort_name", "pk"),
    }, status=400 if kind else 200)


BILLION = Decimal(1_000_000_000)


@login_required
def invest(request):
    require(can_view_province(request.user))
    ctx = queries.current_context()
    if ctx is None:
        return render(request, "planning/invest.html", {"ctx": None})
    rows = queries.invest_ranking(ctx, queries.province_units(ctx))
    available = finance_queries.available_capital(queries.today().year)  # capital not yet allocated
    form = forms.BudgetForm(request.GET or ({"budget": Decimal(available) / BILLION} if available else None))
    selection = None
    if form.is_bound and form.is_valid():
        budget = int(form.cleaned_data["budget"] * BILLION)
        candidates, needs = queries.optimiser_inputs(rows)
        selection = optimiser.choose(budget, candidates, needs)
        chosen = set(selection.chosen)
        selection.items = [i for r in rows for i in r.items if i.pk in chosen]
        done = set(selection.communes)
        selection.units = [r.unit for r in rows if r.unit.pk in done]
        selection.budget = budget
    return render(request, "planning/invest.html", {"ctx": ctx, "rows": rows, "form": form, "selection": selection,
                                                    "available": available})


@login_required
def transfers(request):
    """Dissolved communes still holding open work, and the move to a successor (reviewed)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from config.text import reject_control_characters, request_ip
    from planning import transfer

    require(can_manage_reference(request.user))
    if request.method == "POST":
        ids = [request.POST.get(name, "") for name in ("unit", "successor")]
        if not all(i.isdigit() and len(i) < 10 for i in ids):
            messages.error(request, _("Choose the former commune and the commune to move its work to."))
            return redirect("planning:transfers")
        old = get_object_or_404(Unit, pk=int(ids[0]))
        new = get_object_or_404(Unit, pk=int(ids[1]))
        require(can_edit_values(request.user, old) and can_edit_values(request.user, new))
        try:
            reason = request.POST.get("reason", "")
            if len(reason) > 1000:
                raise transfer.TransferRejected(_("The reason is limited to 1,000 characters."))
            try:
                reject_control_characters(reason)
            except ValidationError as exc:
                raise transfer.TransferRejected(" ".join(exc.messages)) from None
            outcome = transfer.transfer_open_work(old, new, user=request.user, ip_address=request_ip(request),
                                                  reason=reason)
        except transfer.TransferRejected as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Moved %(items)s roadmap items of %(old)s to %(new)s.")
                             % {"items": outcome["items"], "old": old.name, "new": new.name})
        return redirect("planning:transfers")
    rows = transfer.candidates(timezone.localdate(), unit_ids=scope_for(request.user).readable)
    return render(request, "planning/transfers.html", {"rows": rows})
