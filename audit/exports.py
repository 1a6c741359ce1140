"""The audit trail as an Excel workbook."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from audit import queries
from audit.models import AuditRecord
from config.text import append_row

MAX_ROWS = 50_000
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _columns():
    # (header, width)
    return [
        (_("Time"), 17),
        (_("User"), 18),
        (_("Full name"), 26),
        (_("IP address"), 15),
        (_("Action"), 28),
        (_("Action code"), 20),
        (_("Object type"), 24),
        (_("Object"), 22),
        (_("Unit code"), 10),
        (_("Administrative unit"), 24),
        (_("Before"), 45),
        (_("After"), 45),
        (_("Reason"), 40),
    ]


def _local_naive(value):
    return timezone.localtime(value).replace(tzinfo=None)


def audit_workbook(records: QuerySet[AuditRecord], *, max_rows: int = MAX_ROWS,
                   show_addresses: bool = False) -> bytes:
    """Workbook bytes: one header row (frozen), one row per record, newest first; cut at
    max_rows with a note row saying so. The IP address column stays (same layout for everyone)
    but is filled only with show_addresses (administrators). Every text is cleaned and written
    as text, never as a formula."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Audit trail")
    columns = _columns()
    append_row(ws, [header for header, _width in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    ws.freeze_panes = "A2"
    cut = False
    for count, r in enumerate(records[: max_rows + 1].iterator(chunk_size=2000), start=1):
        if count > max_rows:
            cut = True
            break
        append_row(ws, [
            _local_naive(r.at),
            r.user.username if r.user else "",
            r.user.get_full_name() if r.user else "",
            (r.ip_address or "") if show_addresses else "",
            queries.action_label(r.action),
            r.action,
            queries.object_type_label(r.object_type),
            r.object_id,
            r.unit.code if r.unit else "",
            r.unit.name if r.unit else "",
            queries.as_json(r.before),
            queries.as_json(r.after),
            r.reason,
        ])
        ws.cell(row=ws.max_row, column=1).number_format = DATETIME_FORMAT
    if cut:
        append_row(ws, [_("Only the first %(n)s records are included; narrow the filters to export the rest.")
                   % {"n": f"{max_rows:,}".replace(",", ".")}])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
