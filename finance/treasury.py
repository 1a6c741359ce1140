"""The treasury's monthly disbursement workbook: one row per project, programme and source with
the cumulative amount paid since the start of the plan year. The import is all or nothing: every
bad row is named by sheet, cell and reason, and nothing is written unless every row is good.

Layout (sheet "GiaiNgan"):
  B2 plan year · B3 month reported (MM/YYYY) · row 5 headers · data from row 6:
  A project code · B project name (not read) · C programme code · D component code (may be
  empty) · E source code · F cumulative disbursed (đồng, a whole number)
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.access import scope_for
from config.text import append_row, set_text
from finance import services
from finance.checks import FACT_FIELDS, DisbursementEntry, facts_from_row
from finance.models import Allocation, Project

SHEET = "GiaiNgan"
YEAR_CELL, MONTH_CELL = "B2", "B3"
HEADER_ROW, FIRST_ROW = 5, 6
# Rows one file may hold: a province-year is about 6,000 (2,000 projects x 3 sources).
MAX_ROWS = 50_000
HEADERS = ["Mã dự án", "Tên dự án", "Mã chương trình", "Mã nội dung", "Mã nguồn vốn",
           "Lũy kế giải ngân (đồng)"]


class Problem(str):
    """A refusal's message ("sheet GiaiNgan, cell F7: ...") that also knows its cell, so that a
    job can store it as {sheet, cell, message} and mark the cell in a copy of the workbook."""

    cell: str = ""

    def __new__(cls, cell: str, message: str):
        text = super().__new__(cls, (_where(cell) + ": " + message) if cell else message)
        text.cell = cell
        return text


class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = [str(e) for e in errors]
        self.problems = [{"sheet": SHEET if getattr(e, "cell", "") else "", "cell": getattr(e, "cell", ""),
                          "message": str(e)} for e in errors]
        super().__init__("; ".join(self.errors[:5]))


@dataclass
class ParsedFile:
    year: int | None = None
    month: datetime.date | None = None
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values A..F)
    errors: list[str] = field(default_factory=list)


def _where(cell: str) -> str:
    return _("sheet %(sheet)s, cell %(cell)s") % {"sheet": SHEET, "cell": cell}


def _month(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    text = str(value or "").strip()
    for fmt in ("%m/%Y", "%Y-%m"):
        try:
            parsed = datetime.datetime.strptime(text, fmt)  # noqa: DTZ007 (a month, no time)
            return datetime.date(parsed.year, parsed.month, 1)
        except ValueError:
            continue
    return None


def read(content: bytes) -> ParsedFile:
    """The header cells and the data rows, as the file holds them (openpyxl, read-only)."""
    from openpyxl import load_workbook

    from assessments.excel.reader import NotAWorkbook, check_archive

    parsed = ParsedFile()
    try:  # the values import's checks first: zip bombs, lying headers, DTDs and entities
        check_archive(io.BytesIO(content))
    except NotAWorkbook as exc:
        parsed.errors.append(_("The file is not an Excel workbook (.xlsx).") + f" ({exc})")
        return parsed
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (any unreadable upload gets the same answer)
        parsed.errors.append(_("The file is not an Excel workbook (.xlsx)."))
        return parsed
    if SHEET not in workbook.sheetnames:
        parsed.errors.append(_("The workbook has no sheet %(sheet)s.") % {"sheet": SHEET})
        return parsed
    sheet = workbook[SHEET]
    for number, values in enumerate(sheet.iter_rows(min_row=1, max_col=6, values_only=True), start=1):
        if number == 2:
            year = values[1] if len(values) > 1 else None
            if isinstance(year, int | float) and int(year) == year and 2021 <= int(year) <= 2100:
                parsed.year = int(year)
            else:
                parsed.errors.append(Problem(YEAR_CELL, _("the plan year is missing or not a year.")))
        elif number == 3:
            parsed.month = _month(values[1] if len(values) > 1 else None)
            if parsed.month is None:
                parsed.errors.append(Problem(MONTH_CELL, _("the month must be written MM/YYYY.")))
        elif number >= FIRST_ROW and any(v not in (None, "") for v in values):
            if len(parsed.rows) >= MAX_ROWS:
                parsed.errors.append(_("The sheet %(sheet)s has more than %(max)s data rows; split the file.")
                                     % {"sheet": SHEET, "max": MAX_ROWS})
                break
            parsed.rows.append((number, tuple(values) + (None,) * (6 - len(values))))
    workbook.close()
    return parsed


def _code(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def validate(parsed: ParsedFile, unit_ids=None) -> list[DisbursementEntry]:
    """Typed entries for every row and the facts of their allocations (one query each for the
    projects and the allocations); raises ImportRejected with every problem found. With
    `unit_ids` (the units the importing user may change), a project of another unit is unknown."""
    errors = list(parsed.errors)
    if not parsed.rows and not errors:
        errors.append(_("The sheet %(sheet)s has no data rows.") % {"sheet": SHEET})
    if errors:
        raise ImportRejected(errors)
    codes = {_code(r[0]) for _n, r in parsed.rows}
    projects = Project.objects.filter(code__in=codes)
    if unit_ids is not None:
        projects = projects.filter(unit_id__in=unit_ids)
    known = set(projects.values_list("code", flat=True))
    allocations, facts = {}, {}
    for row in (Allocation.objects.filter(project__code__in=known, plan_line__year=parsed.year)
                .values_list(*FACT_FIELDS, "project__code", "plan_line__programme__code",
                             "plan_line__component__code", "plan_line__source__code")):
        fact = facts_from_row(row[:len(FACT_FIELDS)])
        code, programme, component, source = row[len(FACT_FIELDS):]
        allocations[(code, programme, component or "", source)] = fact.pk
        facts[fact.pk] = fact
    entries = []
    # Every good row carries where it came from, for a refusal by the service; translated once
    # (a gettext per row was a tenth of the import).
    where = _("sheet %(sheet)s, cell %(cell)s")
    for number, values in parsed.rows:
        code, programme, component, source = (_code(values[0]), _code(values[2]), _code(values[3]),
                                              _code(values[4]))
        amount = values[5]
        if code not in known:
            errors.append(Problem(f"A{number}", _("no project has the code %(code)s.") % {"code": code}))
            continue
        allocation = allocations.get((code, programme, component, source))
        if allocation is None:
            errors.append(Problem(f"C{number}", _(
                "%(project)s has no %(year)s allocation from programme %(programme)s, component %(component)s, "
                "source %(source)s.") % {"project": code, "year": parsed.year, "programme": programme or "—",
                                         "component": component or "—", "source": source or "—"}))
            continue
        if isinstance(amount, bool) or not isinstance(amount, int | float) or int(amount) != amount or amount < 0:
            errors.append(Problem(f"F{number}", _(
                "the cumulative disbursement must be a whole, non-negative number of đồng (found %(value)s).")
                % {"value": amount}))
            continue
        entries.append(DisbursementEntry(allocation, parsed.month, int(amount),
                                         where=where % {"sheet": SHEET, "cell": f"F{number}"}))
    if errors:
        raise ImportRejected(errors)
    return entries, facts


def writable_unit_ids(user):
    """The units whose projects the user may record disbursements of (None: every unit; a
    command without a user)."""
    return None if user is None else scope_for(user).writable


def import_file(content: bytes, *, user=None, filename: str = "", ip_address: str | None = None):
    """Read, check and record a treasury workbook: all rows or none. The collector skips the
    objects that existed before (assessments.excel.frozen), as the values import does."""
    from assessments.excel.frozen import old_objects_frozen

    with old_objects_frozen():
        entries, facts = validate(read(content), writable_unit_ids(user))
        try:
            return services.record_disbursements(entries, user=user, origin="treasury", facts=facts,
                                                 reason=_("Treasury import: %(file)s") % {"file": filename[:200]},
                                                 ip_address=ip_address)
        except services.Refused as exc:
            raise ImportRejected(exc.errors) from exc


def run_job(job, progress) -> dict:
    """The treasury workbook as an import job (assessments.excel.jobs, registered in
    finance.apps): the job's fields to store."""
    from assessments.excel.importer import Problem as CellProblem
    from assessments.excel.jobs import kept_problems

    progress(10)
    try:
        result = import_file(job.workbook() or b"", user=job.user, filename=job.file_name,
                             ip_address=job.ip_address)
    except ImportRejected as exc:
        problems = [CellProblem(p["sheet"], p["cell"], p["message"]) for p in exc.problems]
        return {"ok": False, "problems": kept_problems(problems), "problems_total": len(problems)}
    return {"ok": True, "values_count": result.created + result.changed + result.unchanged,
            "created_count": result.created, "corrected_count": result.changed,
            "unchanged_count": result.unchanged}


def template_bytes(rows: list[tuple], *, year: int, month: datetime.date) -> bytes:
    """A workbook in the treasury's layout with these rows (code, name, programme, component,
    source, cumulative): the download offered as a template, and the bench's file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = SHEET
    set_text(sheet["A1"], "Báo cáo giải ngân vốn theo công trình và nguồn vốn")
    set_text(sheet["A2"], "Năm kế hoạch")
    set_text(sheet["B2"], year)
    set_text(sheet["A3"], "Tháng báo cáo")
    set_text(sheet["B3"], f"{month:%m/%Y}")
    append_row(sheet, [])
    append_row(sheet, HEADERS)
    for row in rows:
        append_row(sheet, list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
