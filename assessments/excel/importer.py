"""Import a workbook of indicator values, all or nothing, through `record_values_many`.

Used by the web upload (through jobs.run_import_job) and by `manage.py import_values`.
Every problem is collected with its sheet, cell and reason before anything is written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for
from assessments import services
from assessments.catalog import allowed_indicators, family_indicators, family_on
from assessments.models import Period
from assessments.queries import programme_communes
from assessments.values import ValueError_, parse_indicator_value
from criteria.models import CriteriaSet
from units.models import COMMUNE_LEVEL_KINDS, Unit

from . import layout as L
from .columns import Column, family_columns
from .frozen import old_objects_frozen
from .reader import NotAWorkbook, SheetData, is_date, read_workbook


@dataclass
class Problem:
    sheet: str
    cell: str
    message: str

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    period_code: str = ""
    family: str = ""
    units: int = 0
    values: int = 0
    created: int = 0
    corrected: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[int], None]

# What a workbook of the site can hold, plus a margin for rows and columns users add.
ROW_MARGIN = 200
COLUMN_MARGIN = 50
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
_ROW_NUMBER = re.compile(r"^[0-9]{1,7}$")


def sheet_limits() -> tuple[int, int]:
    """(rows, columns) read from a sheet: every commune-level unit on its row and every
    indicator of the largest family in its column, plus margins; never the declared dimension."""
    families = (CriteriaSet.objects.filter(current_version__isnull=False)
                .values_list("family", flat=True).distinct())
    indicators = max((len(family_indicators(family)) for family in families), default=0)
    communes = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).count()
    rows = L.FIRST_DATA_ROW + max(communes, indicators) + ROW_MARGIN
    return rows, L.FIRST_INDICATOR_COL + indicators + COLUMN_MARGIN


class _BadMeta(Exception):
    def __init__(self, cell: str, message: str):
        self.cell = cell
        super().__init__(message)


def _meta_letters(value, cell: str, max_columns: int) -> int:
    text = str(value).strip()
    if not _LETTERS.match(text) or L.column_index(text) > max_columns:
        raise _BadMeta(cell, _("“%(value)s” is not a column letter of the sheet") % {"value": _short(value)})
    return L.column_index(text)


def _meta_row(value, cell: str, max_rows: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, bool) or not _ROW_NUMBER.match(text) or not 1 <= int(text) <= max_rows:
        raise _BadMeta(cell, _("“%(value)s” is not a row number of the sheet") % {"value": _short(value)})
    return int(text)


def _meta_moment(value, cell: str) -> datetime.datetime | None:
    """When the workbook was exported (an ISO date-time written by the exporter), or None for
    a workbook without it. Changes of values recorded after it are refused as edit conflicts."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise _BadMeta(cell, _("“%(value)s” is not a date and time") % {"value": _short(value)}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _meta(sheet: SheetData | None, max_columns: int,
          rows_of: dict[str, int] | None = None) -> tuple[dict[str, list[Any]], dict[int, str]]:
    """Keys of the _meta sheet (column A) with their values, and column number -> code (and in
    `rows_of`, the row of each key). Raises _BadMeta for a formula or a column that is not a
    column letter."""
    keys: dict[str, list[Any]] = {}
    columns: dict[int, str] = {}
    rows_of = {} if rows_of is None else rows_of
    if sheet is None:
        return keys, columns
    if sheet.formulas:
        raise _BadMeta(L.cell_ref(*min(sheet.formulas)), _("the cell holds a formula"))
    for row, cells in sheet.rows.items():
        key = str(cells.get(1, "")).strip()
        rest = [cells[c] for c in sorted(cells) if c > 1]
        if key == "column" and len(rest) >= 2:
            columns[_meta_letters(rest[0], L.cell_ref(row, 2), max_columns)] = str(rest[1]).strip()
        elif key:
            keys.setdefault(key, []).extend(rest)
            rows_of.setdefault(key, row)
    return keys, columns


def _first(keys: dict[str, list[Any]], name: str, default: Any = None) -> Any:
    values = keys.get(name)
    return values[0] if values else default


def _commune_code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # A code Excel turned into a number loses its leading zeros (02659 -> 2659).
    return text.zfill(5) if isinstance(value, int) else text


def _raw_value(column: Column, value, percent: bool):
    """The cell value as record_values_many reads it."""
    if column.type == "bool" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
    if percent and isinstance(value, (int, float)) and not isinstance(value, bool):
        return (Decimal(repr(value)) * 100).normalize()
    if isinstance(value, str):
        return value.strip()
    return value


def _map_columns(header: dict[int, object], meta_columns: dict[int, str], by_code: dict[str, Column],
                 code_col: int, result: ImportResult, sheet: str) -> dict[int, Column]:
    by_header: dict[str, str] = {}
    for column in by_code.values():
        by_header[L.normalise_header(column.header)] = column.code
        by_header.setdefault(L.normalise_header(column.code), column.code)
    mapped: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for col in sorted(set(header) | set(meta_columns)):
        if col < L.FIRST_INDICATOR_COL or col == code_col:
            continue
        text = header.get(col)
        header_code = by_header.get(L.normalise_header(text)) if text is not None else None
        meta_code = meta_columns.get(col)
        where = L.cell_ref(L.HEADER_ROW, col)
        if meta_code is not None and meta_code not in by_code:
            result.problems.append(Problem(sheet, where, _(
                "the column is for indicator “%(code)s”, which is not in the criteria set of the period"
            ) % {"code": meta_code}))
            continue
        # The header wins over the position recorded at export (a column moved or inserted).
        code = header_code or meta_code
        if code is None:
            result.warnings.append(Problem(sheet, where, _(
                "column “%(header)s” is not an indicator of the criteria set: ignored"
            ) % {"header": text}))
            continue
        if code in seen:
            result.problems.append(Problem(sheet, where, _(
                "indicator %(label)s appears in two columns (%(first)s and %(second)s)"
            ) % {"label": by_code[code].label, "first": L.column_letter(seen[code]),
                 "second": L.column_letter(col)}))
            continue
        seen[code] = col
        mapped[col] = by_code[code]
    return mapped


def import_workbook(path_or_file, *, user=None, source: str = "", reason: str = "",
                    progress: Progress | None = None, period: Period | None = None,
                    ip_address: str | None = None) -> ImportResult:
    """Import a workbook exported by `exporter.export_workbook` (or one shaped like it).

    `path_or_file` is a path or a binary file object; `source` says where the figures come
    from. `user` None means a system import (the command without --user): no access
    restriction. Nothing is written when any problem is
    found; the result lists every problem and the counts of what was written otherwise.
    """
    with old_objects_frozen():
        return _import_workbook(path_or_file, user=user, source=source, reason=reason,
                                progress=progress, period=period, ip_address=ip_address)


def _import_workbook(path_or_file, *, user, source, reason, progress, period, ip_address) -> ImportResult:
    report = progress or (lambda percent: None)
    result = ImportResult()
    sheet = L.DATA_SHEET
    max_rows, max_columns = sheet_limits()
    try:
        data = read_workbook(path_or_file, {L.DATA_SHEET, L.META_SHEET}, max_rows=max_rows,
                             max_columns=max_columns)
    except NotAWorkbook as exc:
        message = _("the file is not an Excel workbook (.xlsx)")
        if str(exc):
            message = _("the file is not a usable Excel workbook (.xlsx): %(reason)s") % {"reason": exc}
        result.problems.append(Problem(exc.part, "", message))
        return result
    report(30)
    if L.DATA_SHEET not in data.sheets:
        result.problems.append(Problem(sheet, "", _("the workbook has no sheet named “%(name)s”") % {"name": sheet}))
        return result
    for read in data.sheets.values():
        if read.rows_beyond is not None:
            result.problems.append(Problem(read.name, L.cell_ref(read.rows_beyond, 1), _(
                "the sheet goes on beyond row %(row)s, more than a workbook of the province holds: "
                "delete the rows below the last commune") % {"row": read.rows_beyond - 1}))
            return result
    rows_of: dict[str, int] = {}
    try:
        keys, meta_columns = _meta(data.sheets.get(L.META_SHEET), max_columns, rows_of)

        def at(key):
            return L.cell_ref(rows_of[key], 2) if key in rows_of else ""

        code_col = _meta_letters(_first(keys, "code_column", "A") or "A", at("code_column"), max_columns)
        first_row = _meta_row(_first(keys, "first_data_row", L.FIRST_DATA_ROW) or L.FIRST_DATA_ROW,
                              at("first_data_row"), max_rows)
        exported_at = _meta_moment(_first(keys, "exported_at"), at("exported_at"))
    except _BadMeta as exc:
        result.problems.append(Problem(L.META_SHEET, exc.cell, _(
            "the sheet describing the workbook is damaged: %(reason)s. Export a new workbook from the site"
        ) % {"reason": exc}))
        return result
    rows = data.sheets[L.DATA_SHEET]

    # Period and family
    period_code = str(_first(keys, "period", "") or "").strip()
    if period is None:
        if not period_code:
            result.problems.append(Problem(L.META_SHEET, "", _(
                "the workbook does not say its period: export a new workbook from the site")))
            return result
        period = Period.objects.filter(code=period_code).first()
        if period is None:
            result.problems.append(Problem(L.META_SHEET, "B3", _(
                "the period “%(code)s” does not exist") % {"code": period_code}))
            return result
    elif period_code and period_code != period.code:
        result.problems.append(Problem(L.META_SHEET, "B3", _(
            "the workbook is for period %(found)s, not %(expected)s") % {"found": period_code,
                                                                          "expected": period.code}))
        return result
    result.period_code = period.code
    family = family_on(period.as_of)
    if family is None:
        result.problems.append(Problem(L.META_SHEET, "", _("no criteria set is in force for this period")))
        return result
    result.family = family
    meta_family = str(_first(keys, "family", "") or "").strip()
    if meta_family and meta_family != family:
        result.problems.append(Problem(L.META_SHEET, "", _(
            "the workbook is for the criteria family %(found)s, but %(expected)s is in force for the period"
        ) % {"found": meta_family, "expected": family}))
        return result

    # Columns and rows
    by_code = {c.code: c for c in family_columns(family, period.as_of)}
    columns = _map_columns(rows.rows.get(L.HEADER_ROW, {}), meta_columns, by_code, code_col, result, sheet)

    data_rows: dict[int, str] = {}
    for row_number in sorted(rows.rows):
        if row_number < first_row:
            continue
        cells = rows.rows[row_number]
        code = cells.get(code_col)
        if (row_number, code_col) in rows.formulas:
            result.problems.append(Problem(sheet, L.cell_ref(row_number, code_col), _(
                "the cell holds a formula: type the commune code itself")))
            continue
        if code is None:
            if any(col in columns for col in cells):
                result.problems.append(Problem(sheet, L.cell_ref(row_number, code_col), _(
                    "this row has values but no commune code")))
            continue
        data_rows[row_number] = _commune_code(code)
    report(40)

    units = {
        u.ref: u
        for u in programme_communes(period.as_of).filter(ref__in=set(data_rows.values()))
    }
    scope = scope_for(user) if user is not None else None
    allowed = allowed_indicators(user, family) if user is not None else None
    unknown = set(data_rows.values()) - set(units)
    existing_other = set()
    if unknown:
        existing_other = set(
            Unit.objects.filter(ref__in=unknown, kind__in=COMMUNE_LEVEL_KINDS).values_list("ref", flat=True)
        )

    batch: dict[Unit, services.TypedValues] = {}
    # (commune ref, indicator) -> (row, column), to name the cell of a problem the service finds.
    cells_of: dict[tuple[str, str], tuple[int, int]] = {}
    seen_rows: dict[str, int] = {}
    percent_cells = rows.percent
    for row_number, ref in data_rows.items():
        cells = rows.rows[row_number]
        unit = units.get(ref)
        if unit is None:
            message = (_("commune %(code)s is not a programme commune of the province in this period")
                       if ref in existing_other else _("unknown commune code “%(code)s”"))
            result.problems.append(Problem(sheet, L.cell_ref(row_number, code_col), message % {"code": ref}))
            continue
        if ref in seen_rows:
            result.problems.append(Problem(sheet, L.cell_ref(row_number, code_col), _(
                "commune %(code)s (%(name)s) already appears on row %(row)s") % {
                    "code": ref, "name": unit.name, "row": seen_rows[ref]}))
            continue
        seen_rows[ref] = row_number
        has_values = any(col in columns for col in cells)
        if scope is not None and has_values and not (scope.can_read(unit.pk) and scope.can_write(unit.pk)):
            result.problems.append(Problem(sheet, L.cell_ref(row_number, code_col), _(
                "you may not change the values of commune %(code)s (%(name)s)") % {
                    "code": ref, "name": unit.name}))
            continue
        values = services.TypedValues()
        for col, column in columns.items():
            raw = cells.get(col)
            if raw is None:
                continue
            if (row_number, col) in rows.formulas:
                result.problems.append(Problem(sheet, L.cell_ref(row_number, col), _(
                    "indicator %(label)s: the cell holds a formula; type the value itself (formulas "
                    "are not imported)") % {"label": column.label}))
                continue
            if is_date(raw):
                result.problems.append(Problem(sheet, L.cell_ref(row_number, col), _(
                    "indicator %(label)s: a date is not a value for this indicator") % {"label": column.label}))
                continue
            raw = _raw_value(column, raw, (row_number, col) in percent_cells)
            if raw == "":
                continue
            try:
                values[column.code] = parse_indicator_value(column.spec, raw)
            except ValueError_ as exc:
                result.problems.append(Problem(sheet, L.cell_ref(row_number, col), _(
                    "indicator %(label)s (%(name)s): %(reason)s") % {
                        "label": column.label, "name": column.name, "reason": exc}))
                continue
            cells_of[(ref, column.code)] = (row_number, col)
        if values:
            batch[unit] = values

    def cell_problems(errors: dict[str, str]) -> list[Problem]:
        """The service's errors ("ref:indicator" -> message) on their cells, in sheet order."""
        found = []
        for key, message in errors.items():
            row_col = cells_of.get(tuple(key.split(":", 1)), (0, 0))
            column = columns.get(row_col[1])
            if column is not None:
                message = _("indicator %(label)s (%(name)s): %(reason)s") % {
                    "label": column.label, "name": column.name, "reason": message}
            found.append((row_col, Problem(sheet, L.cell_ref(*row_col) if column else "", message)))
        return [problem for _row_col, problem in sorted(found, key=lambda pair: pair[0])]

    if result.problems:
        # The workbook is refused already: list the changes that would be refused too, so that
        # one round of corrections is enough.
        result.problems.extend(cell_problems(services.change_problems(
            period, batch, reason=reason, allowed_indicators=allowed, changed_since=exported_at,
            user=user)))
    report(60)
    if result.problems:
        return result

    result.units = len(batch)
    result.values = sum(len(v) for v in batch.values())
    if not batch:
        return result
    try:
        written = services.record_values_many(
            period, batch, user=user, source=source, reason=reason, ip_address=ip_address,
            allowed_indicators=allowed, changed_since=exported_at,
        )
    except (services.BatchRejected, services.ValuesRefused) as exc:
        result.problems.extend(cell_problems(exc.errors))
        return result
    for record in written.values():
        result.created += record.created
        result.corrected += record.corrected
        result.unchanged += record.unchanged
    report(100)
    return result
