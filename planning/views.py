"""Roadmap pages of a commune: proposals, items, tasks, progress notes and exports."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import commune_for_user, visible_units
from config.text import attachment_response, request_ip
from planning import exports, forms, queries, services
from planning.evidence import extension
from planning.models import ACTIVE_STATUSES, ItemStatus
from planning.permissions import (
    can_manage_commune_plan,
    can_manage_item,
    can_manage_task,
    can_propose,
    require,
)


def _set_code(ctx):
    return ctx.base_set.code if ctx is not None and ctx.base_set is not None else ""


@login_required
def index(request):
    """The communes the user may read, with their active and overdue roadmap items."""
    ctx = queries.current_context()
    units = visible_units(request.user, queries.programme_communes(ctx.period.as_of)) if ctx else []
    today = queries.today()
    rows = (
        units.annotate(
            active=Count("roadmap_items", filter=Q(roadmap_items__status__in=ACTIVE_STATUSES)),
            late=Count("roadmap_items", filter=Q(roadmap_items__status__in=ACTIVE_STATUSES,
                                                 roadmap_items__target_date__lt=today)),
        ).order_by("parent__sort_name", "sort_name")
        if ctx else []
    )
    return render(request, "planning/index.html", {"rows": rows, "ctx": ctx})


def _commune_page_context(request, unit):
    ctx = queries.current_context()
    items = queries.annotate_items(list(queries.items_queryset().filter(unit=unit)), ctx)
    props = queries.proposals(ctx, unit, items) if ctx else []
    return ctx, items, props


def _proposable(user, unit, ctx, props) -> set[str]:
    """Codes of the proposals the user may put in a roadmap item (planning.permissions)."""
    if can_manage_commune_plan(user, unit):
        return {p.code for p in props}
    set_code = _set_code(ctx)
    return {p.code for p in props if can_propose(user, unit, {p.indicator.criterion}, set_code)}


def _commune_page(request, unit, ctx, items, props, form, *, status=200):
    proposable = _proposable(request.user, unit, ctx, props)
    return render(request, "planning/commune.html", {
        "unit": unit, "ctx": ctx, "items": items, "proposals": props, "form": form,
        "overdue": queries.overdue(items), "can_manage": can_manage_commune_plan(request.user, unit),
        "can_propose": bool(proposable), "proposable": proposable,
        "helping": unit.helping_agencies.select_related("organisation"),
        "team": unit.support_team.select_related("user"),
        "visits": unit.field_visits.select_related("organisation").prefetch_related("tasks"),
    }, status=status)


@login_required
def commune_plan(request, ref):
    unit = commune_for_user(request.user, ref)
    ctx, items, props = _commune_page_context(request, unit)
    form = forms.NewItemForm(indicator_choices=[(p.code, p.code) for p in props],
                             initial={"target_date": queries.today().replace(month=12, day=31)})
    return _commune_page(request, unit, ctx, items, props, form)


@login_required
@require_POST
def item_create(request, ref):
    """Accept one proposal, or merge several into one item. A user who may propose nothing gets
    403 (the page offers them no form); ticking an indicator outside the user's criteria is
    refused on the form, with the reason, and nothing is written."""
    unit = commune_for_user(request.user, ref)
    ctx, items, props = _commune_page_context(request, unit)
    require(bool(_proposable(request.user, unit, ctx, props)))
    by_code = {p.code: p for p in props}
    form = forms.NewItemForm(request.POST, indicator_choices=[(c, c) for c in by_code])
    if form.is_valid():
        chosen = [by_code[c] for c in form.cleaned_data["indicators"]]
        refused = [p for p in chosen if p.code not in _proposable(request.user, unit, ctx, chosen)]
        if refused:
            form.add_error("indicators", _(
                "Indicators %(codes)s belong to criteria your agency does not answer for (%(criteria)s): "
                "untick them, or ask the commune or the province office to plan them.") % {
                "codes": ", ".join(p.code for p in refused),
                "criteria": ", ".join(sorted({p.indicator.criterion for p in refused}))})
    if not form.is_valid():
        messages.error(request, _("The roadmap item was not created: check the fields."))
        return _commune_page(request, unit, ctx, items, props, form, status=400)
    data = form.cleaned_data
    services.create_items([services.ItemSpec(
        unit=unit, family=ctx.family,
        indicators={p.code: (p.indicator.criterion, p.value, p.threshold) for p in chosen},
        title=data["title"], target_date=data["target_date"], estimated_cost=data["estimated_cost"],
        funding_source=data["funding_source"], helping_agency=data["helping_agency"],
    )], user=request.user, ip_address=request_ip(request))
    messages.success(request, _("The roadmap item was created."))
    return redirect("planning:commune", unit.ref)


def _item_for(request, pk):
    item = get_object_or_404(queries.items_queryset(), pk=pk)
    commune_for_user(request.user, item.unit.ref)
    ctx = queries.current_context()
    queries.annotate_items([item], ctx)
    return item, ctx


def _with_evidence(notes):
    """The notes, each with `evidence_file` (its name, kind and size for the link and preview)
    when it has a file; the file itself is served by planning:evidence."""
    notes = list(notes)
    for note in notes:
        note.evidence_file = None
        if note.evidence:
            name = PurePath(note.evidence.name).name
            try:
                size = note.evidence.size
            except OSError:
                size = None
            kind = extension(name)
            note.evidence_file = {"name": name, "kind": kind.upper(), "size": size,
                                  "image": kind in ("png", "jpg", "jpeg")}
    return notes


@login_required
def item_detail(request, pk):
    item, ctx = _item_for(request, pk)
    manage = can_manage_item(request.user, item, _set_code(ctx))
    indicators = queries.indicator_defs(ctx) if ctx else {}
    return render(request, "planning/item.html", {
        "item": item, "ctx": ctx, "can_manage": manage, "indicators": indicators,
        "notes": _with_evidence(item.notes.select_related("created_by")),
        "edit_form": forms.ItemForm(initial={
            "title": item.title, "target_date": item.target_date, "estimated_cost": item.estimated_cost,
            "funding_source": item.funding_source, "helping_agency": item.helping_agency}),
        "status_form": forms.StatusForm(initial={"status": item.status}),
        "task_form": forms.TaskForm(), "note_form": forms.NoteForm(initial={"date": queries.today()}),
        "manage_tasks": {t.pk: can_manage_task(request.user, t, _set_code(ctx)) for t in item.tasks.all()},
    })


@login_required
@require_POST
def item_action(request, pk, action):
    item, ctx = _item_for(request, pk)
    set_code = _set_code(ctx)
    if action == "task-status":
        form = forms.TaskStatusForm(request.POST)
        require(form.is_valid())
        task = get_object_or_404(item.tasks.all(), pk=form.cleaned_data["task"])
        require(can_manage_task(request.user, task, set_code))
        services.set_task_status(task, form.cleaned_data["status"], user=request.user,
                                 ip_address=request_ip(request))
        return redirect("planning:item", item.pk)
    require(can_manage_item(request.user, item, set_code))
    try:
        if action == "edit":
            form = forms.ItemForm(request.POST)
            if form.is_valid():
                services.update_item(item, user=request.user, ip_address=request_ip(request),
                                     **form.cleaned_data)
        elif action == "status":
            form = forms.StatusForm(request.POST)
            status = form.data.get("status")
            if status == ItemStatus.DONE and not item.met:
                messages.error(request, _("The item can be closed as done only when the latest values meet "
                                          "the thresholds of its indicators."))
                return redirect("planning:item", item.pk)
            if status == ItemStatus.CANCELLED and not form.data.get("reason", "").strip():
                messages.error(request, _("Give a reason to cancel the item."))
                return redirect("planning:item", item.pk)
            if form.is_valid():
                services.set_item_status(item, form.cleaned_data["status"], met=item.met,
                                         reason=form.cleaned_data["reason"], user=request.user,
                                         ip_address=request_ip(request))
        elif action == "task":
            form = forms.TaskForm(request.POST)
            if form.is_valid():
                services.add_task(unit=item.unit, item=item, user=request.user,
                                  ip_address=request_ip(request), **form.cleaned_data)
        elif action == "note":
            form = forms.NoteForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_progress_note(item, user=request.user, ip_address=request_ip(request),
                                           **form.cleaned_data)
        else:
            return HttpResponse(status=404)
    except (ValueError, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect("planning:item", item.pk)
    if form.is_valid():
        messages.success(request, _("Saved."))
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("planning:item", item.pk)


@login_required
def commune_export(request, ref, fmt):
    writers = {"xlsx": (exports.roadmap_xlsx, exports.XLSX), "docx": (exports.roadmap_docx, exports.DOCX)}
    if fmt not in writers:
        raise Http404
    unit = commune_for_user(request.user, ref)
    ctx = queries.current_context()
    items = queries.annotate_items(list(queries.items_queryset().filter(unit=unit)), ctx)
    write, mime = writers[fmt]
    return attachment_response(write(unit, items, ctx), f"lo-trinh-{unit.ref}.{fmt}", mime)

