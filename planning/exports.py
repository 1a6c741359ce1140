"""A commune's roadmap as an Excel workbook and a Word document (the same rows in both).

Every text goes through config.text (control characters dropped, workbook text never a formula)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from config.text import append_row, clean_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _headers():
    return [_("No."), _("Indicators"), _("Roadmap item"), _("Value then → target"), _("Target date"),
            _("Estimated cost (VND)"), _("Funding source"), _("Helping agency"), _("Status"), _("Tasks")]


def _rows(items):
    rows = []
    for n, item in enumerate(items, start=1):
        inds = list(item.indicators.all())
        status = item.get_status_display()
        if getattr(item, "met", False) and item.active:
            status += " — " + _("met")
        elif getattr(item, "overdue", False):
            status += " — " + _("overdue")
        tasks = "; ".join(
            f"{t.title} ({t.organisation.name if t.organisation else _('commune')}"
            f"{', ' + t.due_date.strftime('%d/%m/%Y') if t.due_date else ''})"
            for t in item.tasks.all()
        )
        rows.append([
            n, ", ".join(i.indicator for i in inds), item.title + (" (minh họa)" if item.illustrative else ""),
            "; ".join(f"{i.indicator}: {i.value_at_start or '—'} → {i.target_value or '—'}" for i in inds),
            item.target_date.strftime("%d/%m/%Y"), item.estimated_cost, item.get_funding_source_display(),
            item.helping_agency.name if item.helping_agency else "", status, tasks,
        ])
    return rows


def _title(unit) -> str:
    return _("Roadmap to meet the criteria: %(commune)s") % {"commune": unit.name}


def roadmap_xlsx(unit, items, ctx) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Roadmap")[:31]
    append_row(ws, [_title(unit)])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, [unit.parent.name if unit.parent else ""])
    append_row(ws, _headers())
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in _rows(items):
        append_row(ws, row)
        ws.cell(row=ws.max_row, column=6).number_format = "#,##0"
    ws.append([])
    append_row(ws, ["", "", _("Total estimated cost"), "", "", sum(i.estimated_cost for i in items)])
    ws.cell(row=ws.max_row, column=6).number_format = "#,##0"
    for col, width in zip("ABCDEFGHIJ", (5, 14, 40, 36, 12, 18, 24, 30, 18, 50), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roadmap_docx(unit, items, ctx) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(clean_text(_title(unit)), level=1)
    if unit.parent:
        doc.add_paragraph(clean_text(unit.parent.name))
    headers = _headers()
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = clean_text(text)
    for row in _rows(items):
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = f"{value:,}".replace(",", ".") if i == 5 else clean_text(value)
    total = sum(i.estimated_cost for i in items)
    doc.add_paragraph(_("Total estimated cost: %(cost)s VND") % {"cost": f"{total:,}".replace(",", ".")})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
