"""A copy of an uploaded workbook with the cells of each problem marked: red fill and a comment."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from config.text import clean_text

from .reader import check_archive

RED = PatternFill("solid", fgColor="FF9999")


def mark_problems(content: bytes, problems: Iterable[dict]) -> bytes:
    """`problems` as stored on the job: dicts with sheet, cell and message. Raises NotAWorkbook
    for a file the import checks refuse (a zip bomb must not be opened here either)."""
    check_archive(io.BytesIO(content))
    wb = load_workbook(io.BytesIO(content))
    by_cell: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        sheet, cell = problem.get("sheet", ""), problem.get("cell", "")
        if sheet in wb.sheetnames and cell:
            by_cell.setdefault((sheet, cell), []).append(problem["message"])
    for (sheet, cell), messages in by_cell.items():
        target = wb[sheet][cell]
        target.fill = RED
        target.comment = Comment(clean_text("\n".join(messages)), "NTM", width=300, height=120)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
