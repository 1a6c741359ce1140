"""The audit trail as an Excel workbook, written row by row (openpyxl write-only mode) into a
temporary file that the view streams: memory and time stay linear in the rows."""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit import labels, queries
from audit.models import AuditRecord
from config.text import clean_text

MAX_ROWS = 50_000
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
CHUNK = 2000


def _columns():
    # (header, width); the page's labels, then the raw codes and JSON for those who need them.
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
        (_("Changes (old → new)"), 50),
        (_("Reason"), 40),
        (_("Before"), 45),
        (_("After"), 45),
    ]


def _local_naive(value):
    return timezone.localtime(value).replace(tzinfo=None)


def write_audit_workbook(records: QuerySet[AuditRecord], target, *, max_rows: int = MAX_ROWS,
                         show_addresses: bool = False) -> int:
    """Write the workbook into `target` (a path or a binary file) and return the records
    written: one header row (frozen), one row per record, newest first; cut at max_rows with a
    note row saying so. The IP address column stays (same layout for everyone) but is filled
    only with show_addresses (administrators). Every text is cleaned and written as text, never
    as a formula; times are local (Vietnam) and formatted dd/mm/yyyy hh:mm."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Audit trail"))
    columns = _columns()
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def text(value, *, style=None):
        """A string written as text: plain values go through openpyxl's fast path; a cell only
        where needed (a leading "=" that must not become a formula, a style)."""
        value = clean_text(value)
        if not value:
            return None
        if style is None and not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        if style is not None:
            cell.alignment = style
        return cell

    header = []
    for title, _width in columns:
        cell = WriteOnlyCell(ws, value=clean_text(title))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for r in records[: max_rows + 1].iterator(chunk_size=CHUNK):
        if count == max_rows:
            note = WriteOnlyCell(ws, value=clean_text(_("Only the first %(n)s records are included; narrow the filters to export "
                          "the rest.") % {"n": labels.group_number(max_rows)}))
            note.font = Font(italic=True)
            ws.append([note])
            break
        count += 1
        when = WriteOnlyCell(ws, value=_local_naive(r.at))
        when.number_format = DATETIME_FORMAT
        user = r.user
        changes = queries.changes_text(r)
        ws.append([
            when,
            text(user.username if user else ""),
            text(user.get_full_name() if user else ""),
            text((r.ip_address or "") if show_addresses else ""),
            text(labels.action_label(r.action)),
            text(r.action),
            text(labels.object_type_label(r.object_type)),
            text(r.object_id),
            text(r.unit.code if r.unit else ""),
            text(r.unit.name if r.unit else ""),
            text(changes, style=wrap if "\n" in changes else None),
            text(r.reason),
            text(queries.as_json(r.before)),
            text(queries.as_json(r.after)),
        ])
    wb.save(target)
    return count


def audit_workbook_file(records: QuerySet[AuditRecord], **options):
    """The workbook in an anonymous temporary file, rewound (the caller streams and closes it)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    write_audit_workbook(records, handle, **options)
    handle.seek(0)
    return handle


def audit_workbook(records: QuerySet[AuditRecord], **options) -> bytes:
    """The workbook as bytes (tests and small exports)."""
    with audit_workbook_file(records, **options) as handle:
        return handle.read()
