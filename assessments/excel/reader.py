"""Reading a workbook into plain rows: the only place that knows the file format.

`read_workbook` returns the cell values of the data and _meta sheets, with percent-formatted
numbers flagged, using openpyxl in read-only mode (values only, no styles kept).
"""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass, field

from .frozen import old_objects_frozen


class NotAWorkbook(Exception):
    pass


@dataclass
class SheetData:
    name: str
    # row number -> {column number: value}; only non-empty cells.
    rows: dict[int, dict[int, object]] = field(default_factory=dict)
    # (row, column) of numeric cells formatted as a percentage (0.855 shown as 85.5%).
    percent: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class WorkbookData:
    sheets: dict[str, SheetData]
    sheet_names: list[str]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(source, sheet_names: set[str]) -> WorkbookData:
    """The non-empty cells of the named sheets (those present). `source` is a path or a
    binary file object. Raises NotAWorkbook when the file cannot be read as .xlsx."""
    with old_objects_frozen():
        return _read_workbook(source, sheet_names)


def _read_workbook(source, sheet_names: set[str]) -> WorkbookData:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotAWorkbook(str(exc)) from exc
    try:
        sheets = {}
        for name in wb.sheetnames:
            if name not in sheet_names:
                continue
            data = SheetData(name)
            for row in wb[name].iter_rows():
                cells = {}
                row_number = None
                for cell in row:
                    value = cell.value
                    if _blank(value):
                        continue
                    row_number = cell.row
                    cells[cell.column] = value
                    if (isinstance(value, (int, float)) and not isinstance(value, bool)
                            and "%" in (cell.number_format or "")):
                        data.percent.add((row_number, cell.column))
                if cells:
                    data.rows[row_number] = cells
            sheets[name] = data
        return WorkbookData(sheets, list(wb.sheetnames))
    finally:
        wb.close()


def is_date(value) -> bool:
    return isinstance(value, (datetime.date, datetime.datetime, datetime.time))
