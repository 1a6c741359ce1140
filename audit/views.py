"""The audit trail page and its Excel export. Who reads which records is decided here, through
accounts.access (the audit app below does not import the apps above it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from accounts.access import scope_for, users_q
from accounts.models import Role
from audit import exports, labels, queries
from config.text import DOWNLOAD_EXTENSIONS, safe_filename

PAGE_SIZE = 50

# Roles that see every record, including those without a unit (users, organisations, criteria).
SEE_ALL_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def records_for(user):
    """The audit records the user may read, newest first, with user and unit joined.

    Province administrators and officers read the records of their province's units
    (accounts.bounds; every unit when national) and those without a unit; of these, when bound
    to a province, only what its own accounts or a command (no user) did. Other roles read only
    records of the units they can read, never records without a unit. A user without a role
    gets 403."""
    scope = scope_for(user)
    if scope.role is None:
        raise PermissionDenied
    unitless = Q(user__isnull=True) | users_q(user, "user__") if scope.readable is not None else None
    return queries.visible_records(every_record=scope.role in SEE_ALL_ROLES, readable_unit_ids=scope.readable,
                                   unitless=unitless)


def can_see_addresses(user) -> bool:
    """Client addresses of the trail are personal data: administrators only (a superuser or the
    province-admin role)."""
    return bool(getattr(user, "is_superuser", False)) or scope_for(user).role == Role.PROVINCE_ADMIN


@login_required
def audit_list(request):
    visible = records_for(request.user)
    records, filters = queries.filtered_records(visible, request.GET)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [(r, labels.action_label(r.action), labels.object_type_label(r.object_type),
             queries.changes(r.before, r.after, r.object_type)) for r in page.object_list]
    unordered = visible.order_by()
    # The links carry the accepted filters only (a refused one is not echoed back).
    params = QueryDict(mutable=True)
    params.update({name: value for name, value in filters.as_form().items() if value})
    return render(
        request,
        "audit/audit_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters.as_form(),
            "errors": filters.errors,
            "actions": queries.choices(unordered.values_list("action", flat=True).distinct(),
                                       labels.ACTION_LABELS, labels.action_label),
            "object_types": queries.choices(unordered.values_list("object_type", flat=True).distinct(),
                                            labels.OBJECT_TYPE_LABELS, labels.object_type_label),
            "querystring": params.urlencode(),
            "show_addresses": can_see_addresses(request.user),
        },
    )


@login_required
def audit_export(request):
    records, _filters = queries.filtered_records(records_for(request.user), request.GET)
    handle = exports.audit_workbook_file(records, show_addresses=can_see_addresses(request.user))
    name = safe_filename(f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx")
    # Streamed from the temporary file in blocks; the file is closed (and gone) at the end.
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=DOWNLOAD_EXTENSIONS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
