"""Reading a workbook into plain rows: the only place that knows the file format.

`read_workbook` returns the cell values of the data and _meta sheets, with percent-formatted
numbers and formula cells flagged, using openpyxl in read-only mode (no styles kept).

Uploaded files are hostile until proven otherwise: before openpyxl sees one, `check_archive`
bounds the number of parts, each part's uncompressed size and compression ratio, and refuses XML
declaring a DOCTYPE or entities; the sheets are then read within row and column limits given by
the caller, whatever dimension the file declares.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .frozen import old_objects_frozen

# Limits of the archive (a province workbook: ~20 parts, its sheet under ~10 MB of XML, XML
# compressing ~5-20 times). Generous for real files, far below what hurts the server.
MAX_PARTS = 200
MAX_PART_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 80 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress far better (empty styles...)
# Default limits of what is read from a sheet (the importer passes its own, see importer).
MAX_ROWS = 20_000
MAX_COLUMNS = 500

_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")
_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=[\"']([^\"']*)[\"']")
_FORBIDDEN = tuple(word.decode().encode(codec) for word in _MARKUP for codec in ("utf-8", "utf-16-le", "utf-16-be"))


class NotAWorkbook(Exception):
    """A file refused before or while reading it; `part` names the zip part or sheet at fault."""

    def __init__(self, message: str = "", part: str = ""):
        self.part = part
        super().__init__(message)


@dataclass
class SheetData:
    name: str
    # row number -> {column number: value}; only non-empty cells.
    rows: dict[int, dict[int, object]] = field(default_factory=dict)
    # (row, column) of numeric cells formatted as a percentage (0.855 shown as 85.5%).
    percent: set[tuple[int, int]] = field(default_factory=set)
    # (row, column) of formula cells: their value is the formula text, never a cached result.
    formulas: set[tuple[int, int]] = field(default_factory=set)
    # The row after the last one read, when the sheet goes on beyond the row limit.
    rows_beyond: int | None = None


@dataclass
class WorkbookData:
    sheets: dict[str, SheetData]
    sheet_names: list[str]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_archive(source) -> None:
    """Refuse (NotAWorkbook naming the part) a zip with too many parts, a part too large once
    uncompressed or compressed suspiciously well, or XML declaring a DOCTYPE or entities (XML
    bombs, external entities). Reads each XML part in a stream, never whole."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAWorkbook(_("the file is not a zip archive")) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise NotAWorkbook(_("the archive holds %(count)s parts, more than %(max)s") % {
                "count": len(infos), "max": MAX_PARTS})
        total = 0
        for info in infos:
            name = info.filename
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise NotAWorkbook(_("the part is %(size)s MB once uncompressed, more than a workbook "
                                     "of the site can hold") % {"size": info.file_size // (1024 * 1024)},
                                   part=name)
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise NotAWorkbook(_("the part is compressed %(ratio)s times, a sign of a zip bomb") % {
                    "ratio": info.file_size // max(info.compress_size, 1)}, part=name)
        for info in infos:
            # Every part: a sheet may be stored under any name its relationships point to.
            _check_xml(archive, info)


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    read = 0
    tail = b""
    first = True
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(1024 * 1024)
                if not chunk:
                    break
                read += len(chunk)
                if first:
                    first = False
                    declared = _ENCODING.search(chunk[:200])
                    if chunk.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or (
                            declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"utf-16")):
                        raise NotAWorkbook(_("the part is written in an encoding a workbook never uses"),
                                           part=info.filename)
                if read > info.file_size or read > MAX_PART_BYTES:  # a lying header
                    raise NotAWorkbook(_("the part is larger than its archive header says"), part=info.filename)
                window = tail + chunk
                if any(word in window for word in _FORBIDDEN):
                    raise NotAWorkbook(_("the part declares a DOCTYPE or XML entities, which a workbook "
                                         "never needs"), part=info.filename)
                tail = window[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise NotAWorkbook(_("the part cannot be decompressed"), part=info.filename) from exc


def read_workbook(source, sheet_names: set[str], *, max_rows: int = MAX_ROWS,
                  max_columns: int = MAX_COLUMNS) -> WorkbookData:
    """The non-empty cells of the named sheets (those present), within `max_rows` rows and
    `max_columns` columns (cells beyond are not read; rows beyond are flagged in `rows_beyond`).
    `source` is a path or a binary file object. Raises NotAWorkbook when the file cannot be read
    as .xlsx or is refused by `check_archive`."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            source = io.BytesIO(handle.read())
    check_archive(source)
    source.seek(0)
    with old_objects_frozen():
        return _read_workbook(source, sheet_names, max_rows, max_columns)


def _read_workbook(source, sheet_names: set[str], max_rows: int, max_columns: int) -> WorkbookData:
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula cell then reads as its formula, never as the cached result
        # that a crafted file may set to anything; the importer refuses formula cells.
        wb = load_workbook(source, read_only=True, data_only=False)
    except Exception as exc:  # any failure to open is a bad file, never a server error
        raise NotAWorkbook(_("the workbook structure cannot be read (%(error)s)") % {
            "error": type(exc).__name__}, part="xl/workbook.xml") from exc
    try:
        sheets = {}
        for name in wb.sheetnames:
            if name not in sheet_names:
                continue
            try:
                sheets[name] = _read_sheet(wb[name], name, max_rows, max_columns)
            except NotAWorkbook:
                raise
            except Exception as exc:
                raise NotAWorkbook(_("the sheet cannot be read (%(error)s)") % {
                    "error": type(exc).__name__}, part=name) from exc
        return WorkbookData(sheets, list(wb.sheetnames))
    finally:
        wb.close()


def _read_sheet(ws, name: str, max_rows: int, max_columns: int) -> SheetData:
    data = SheetData(name)
    # Never trust the declared dimension (A1:XFD1048576 would make openpyxl pad every row to
    # 16,384 cells and yield a million rows): read within our limits only.
    ws.reset_dimensions()
    counter = 0
    for row in ws.iter_rows(max_col=max_columns):
        counter += 1  # rows missing from the file are yielded as empty ones
        if counter > max_rows:
            data.rows_beyond = max_rows + 1
            break
        cells = {}
        row_number = counter
        for cell in row:
            value = cell.value
            if _blank(value):
                continue
            row_number = cell.row
            position = (row_number, cell.column)
            cells[cell.column] = value
            if cell.data_type == "f":
                data.formulas.add(position)
            elif (isinstance(value, (int, float)) and not isinstance(value, bool)
                    and "%" in (cell.number_format or "")):
                data.percent.add(position)
        if cells:
            data.rows[row_number] = cells
    return data


def is_date(value) -> bool:
    return isinstance(value, (datetime.date, datetime.datetime, datetime.time))
