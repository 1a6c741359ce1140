"""Excel exports of completeness and timeliness (per period, per reporter). Every row goes through
config.text.append_row (control characters dropped, text never written as a formula)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import append_row
from reporting.queries import Completeness, ReporterTotals


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    return workbook, workbook.active


def _bold_row(sheet, row: int) -> None:
    from openpyxl.styles import Font

    for cell in sheet[row]:
        cell.font = Font(bold=True)


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pct(value):
    return None if value is None else float(value)


def period_xlsx(c: Completeness) -> bytes:
    """Sheet 1: totals and rates; sheet 2: one row per expected reporter; sheet 3 (when any):
    submissions of reporters not expected in the period (not counted)."""
    workbook, sheet = _workbook()
    sheet.title = _("Summary")[:31]
    append_row(sheet, [str(c.period.schedule), str(c.period.label)])
    append_row(sheet, [_("Due date"), c.period.due_date])
    append_row(sheet, [_("Situation on"), c.today])
    append_row(sheet, [])
    append_row(sheet, [_("Expected"), _("Submitted"), _("On time"), _("Late"), _("Missing"),
                  _("Submitted (%)"), _("On time (%)")])
    _bold_row(sheet, 5)
    append_row(sheet, [c.expected, c.submitted, c.on_time, c.late, c.missing, _pct(c.submitted_rate),
                  _pct(c.on_time_rate)])
    rows = workbook.create_sheet(_("Reporters")[:31])
    append_row(rows, [_("Reporter"), _("State"), _("Submitted at"), _("On time"), _("Overdue today")])
    _bold_row(rows, 1)
    for r in c.rows:
        submitted_at = r.submission.last_submitted_at if r.submitted else None
        append_row(rows, [
            r.reporter.name, r.state_label,
            timezone.localtime(submitted_at).replace(tzinfo=None) if submitted_at else None,
            None if r.on_time is None else (_("yes") if r.on_time else _("no")),
            _("yes") if r.overdue else "",
        ])
    rows.column_dimensions["A"].width = 40
    if c.unexpected:
        extra = workbook.create_sheet(_("Not expected")[:31])
        append_row(extra, [_("Reporter"), _("State"), _("Submitted at")])
        for s in c.unexpected:
            append_row(extra, [s.reporter_name, str(s.get_state_display()),
                          timezone.localtime(s.last_submitted_at).replace(tzinfo=None) if s.last_submitted_at else None])
    return _bytes(workbook)


def reporters_xlsx(schedule, totals: list[ReporterTotals]) -> bytes:
    workbook, sheet = _workbook()
    sheet.title = _("Reporters")[:31]
    append_row(sheet, [str(schedule)])
    append_row(sheet, [_("Reporter"), _("Expected"), _("Submitted"), _("On time"), _("Late"), _("Missing"),
                  _("Submitted (%)"), _("On time (%)")])
    _bold_row(sheet, 2)
    for t in totals:
        append_row(sheet, [t.reporter.name, t.expected, t.submitted, t.on_time, t.late, t.missing,
                      _pct(t.submitted_rate), _pct(t.on_time_rate)])
    sheet.column_dimensions["A"].width = 40
    return _bytes(workbook)
