"""The printed list of household codes as a workbook (every cell written as text)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from config.text import append_row
from surveys.codes import format_code


def codes_workbook(survey, codes) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "MaHo"
    append_row(ws, [_("Household codes of the survey round: %(title)s") % {"title": survey.title}])
    ws["A1"].font = Font(bold=True)
    append_row(ws, [survey.unit.name, survey.conducted_by])
    append_row(ws, [_("Village"), _("No."), _("Household"), _("Code"), _("Used")])
    for code in codes:
        append_row(ws, [code.village.name, code.number, code.household, format_code(code.code),
                        _("yes") if code.used_at else ""])
    for column, width in zip("ABCDE", (24, 6, 28, 16, 10), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

