"""The audit trail page and its Excel export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone

from audit import exports, queries
from config.text import attachment_response

PAGE_SIZE = 50


@login_required
def audit_list(request):
    records, filters = queries.filtered_records(request.user, request.GET)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [(r, queries.action_label(r.action), queries.object_type_label(r.object_type),
             queries.changes(r.before, r.after)) for r in page.object_list]
    visible = queries.records_for(request.user).order_by()
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
            "actions": queries.choices(
                visible.values_list("action", flat=True).distinct(), queries.ACTION_LABELS
            ),
            "object_types": queries.choices(
                visible.values_list("object_type", flat=True).distinct(), queries.OBJECT_TYPE_LABELS
            ),
            "querystring": params.urlencode(),
            "show_addresses": queries.can_see_addresses(request.user),
        },
    )


@login_required
def audit_export(request):
    records, _filters = queries.filtered_records(request.user, request.GET)
    content = exports.audit_workbook(records, show_addresses=queries.can_see_addresses(request.user))
    return attachment_response(content, f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx")
