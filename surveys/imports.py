"""Answers from files: the Excel template (written and read here) and a KoBoToolbox/ODK CSV export.
Reading only: rows come back as services.AnswerRow, checked and written by services.record_answers
all or nothing. Files are hostile: sizes and rows are bounded, formulas refused, encodings checked."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils.translation import gettext as _

from assessments.excel.reader import NotAWorkbook, read_workbook
from config.text import append_row, has_forbidden_characters
from surveys.services import AnswerRow, AnswersRejected

SHEET, CHOICES_SHEET = "TraLoi", "LuaChon"
VILLAGE = "thon"
NAME_ROW, LABEL_ROW, FIRST_ROW = 1, 2, 3
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
VILLAGE_NAMES = {"thon", "village", "ten_thon", "thon_ban"}
ID_NAMES = {"_uuid", "meta/instanceid", "instanceid"}
TIME_NAMES = {"_submission_time"}
# Columns of a KoBo/ODK export that are not answers.
META = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "_id",
        "_index", "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_version_",
        "_tags", "_xform_id_string", "_attachments", "_geolocation", "formhub/uuid", "meta/rootuuid",
        "meta/deprecatedid", "_parent_index", "_parent_table_name", "_submission__uuid", "_media_count",
        "_total_media", "_media_all_received", "audit", "audit_url", "key", "submissiondate", "reviewstate",
        "edits", "status", "attachmentsexpected", "attachmentspresent", "submitterid", "submittername",
        "formversion"}


# --- the Excel template ----------------------------------------------------------------------------


def template(survey, questions) -> bytes:
    """The answer sheet of a round: question names in row 1 (read by the import), labels in row 2,
    one household a row from row 3; the choices of each question in a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append_row(ws, [VILLAGE] + [q.name for q in questions])
    append_row(ws, [_("Village")] + [q.label for q in questions])
    for cell in ws[LABEL_ROW]:
        cell.font = Font(bold=True)
    choices = wb.create_sheet(CHOICES_SHEET)
    append_row(choices, [_("Question"), _("Answer to type (name)"), _("or its label")])
    for village in survey.villages.all():
        append_row(choices, [VILLAGE, village.name, ""])
    for question in questions:
        for choice in question.choices.all():
            append_row(choices, [question.name, choice.name, choice.label])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_excel(upload, questions) -> tuple[list[AnswerRow], list[str]]:
    """The rows of a filled template and the row-1 names that are no question (reported, not read)."""
    if upload.size > MAX_BYTES:
        raise AnswersRejected([_("The file is larger than 10 MB.")])
    try:
        data = read_workbook(upload, {SHEET}, max_rows=MAX_ROWS + FIRST_ROW, max_columns=400)
    except NotAWorkbook as exc:
        raise AnswersRejected([_("The file cannot be read as an Excel workbook (.xlsx): %(why)s") % {
            "why": exc}]) from exc
    sheet = data.sheets.get(SHEET)
    if sheet is None:
        raise AnswersRejected([_("The workbook has no sheet %(sheet)s; start from the template of the round.")
                               % {"sheet": SHEET}])
    if sheet.rows_beyond:
        raise AnswersRejected([_("Sheet %(sheet)s: more than %(max)s rows.") % {"sheet": SHEET, "max": MAX_ROWS}])
    names = {q.name for q in questions} | {VILLAGE}
    header = {c: str(v).strip() for c, v in sheet.rows.get(NAME_ROW, {}).items() if str(v).strip() in names}
    unknown = [str(v).strip()[:80] for v in sheet.rows.get(NAME_ROW, {}).values() if str(v).strip() not in names]
    rows = []
    for number in sorted(n for n in sheet.rows if n >= FIRST_ROW):
        cells = sheet.rows[number]
        where = _("sheet %(sheet)s, row %(row)s") % {"sheet": SHEET, "row": number}
        row = AnswerRow(where=where, village="", values={})
        for column, value in cells.items():
            name = header.get(column)
            if name is None:
                continue
            if (number, column) in sheet.formulas:
                row.notes.append(_("column %(name)s holds a formula; type the value") % {"name": name})
                continue
            if isinstance(value, (datetime.date, datetime.datetime)):
                value = value.strftime("%d/%m/%Y")
            if name == VILLAGE:
                row.village = str(value).strip()
            else:
                row.values[name] = value
        rows.append(row)
    if not rows:
        raise AnswersRejected([_("Sheet %(sheet)s holds no answers (they start at row %(row)s).") % {
            "sheet": SHEET, "row": FIRST_ROW}])
    return rows, unknown


# --- KoBoToolbox / ODK CSV -------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersRejected([_("The CSV file is not in UTF-8; export it again from KoBoToolbox or ODK "
                                 "(the default encoding).")]) from exc


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get)


def _fold(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def _time(text: str) -> datetime.datetime | None:
    try:
        value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def read_kobo(upload, questions) -> tuple[list[AnswerRow], list[str]]:
    """The rows of a KoBo/ODK CSV export (columns by question name, a group path like
    `grp/q1` allowed, or by label) and the columns that match nothing (reported, not read)."""
    if upload.size > MAX_BYTES:
        raise AnswersRejected([_("The file is larger than 10 MB.")])
    text = _decode(upload.read())
    if "\x00" in text:
        raise AnswersRejected([_("The file is not a CSV text file.")])
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise AnswersRejected([_("The CSV file is empty.")]) from exc
    by_name = {q.name.casefold(): q.name for q in questions}
    by_label = {_fold(q.label): q.name for q in questions}
    multiple = {q.name.casefold() for q in questions if q.kind == "select_multiple"}
    columns, unknown = {}, []
    village_col = id_col = time_col = None
    for index, raw in enumerate(header):
        full = raw.strip().casefold()
        last = full.rsplit("/", 1)[-1]
        if full in ID_NAMES or last in ID_NAMES:
            id_col = index
        elif full in TIME_NAMES:
            time_col = index
        elif last in VILLAGE_NAMES or _fold(raw) in {"thôn", "thôn/bản", "village"}:
            village_col = index
            if last in by_name:  # the form asks the village as a question too
                columns[index] = by_name[last]
        elif last in by_name:
            columns[index] = by_name[last]
        elif _fold(raw) in by_label:
            columns[index] = by_label[_fold(raw)]
        elif full in META or last in META or (("/" in full) and full.rsplit("/", 2)[-2] in multiple):
            continue
        elif raw.strip():
            unknown.append(raw.strip()[:80])
    if not columns:
        raise AnswersRejected([_("No column of the file matches a question of the questionnaire (columns are "
                                 "matched by question name).")])
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if number > MAX_ROWS + 1:
                raise AnswersRejected([_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}])
            row = AnswerRow(where=_("row %(row)s") % {"row": number}, village="", values={})
            for index, name in columns.items():
                if index < len(cells):
                    row.values[name] = cells[index]
            if village_col is not None and village_col < len(cells):
                row.village = cells[village_col].strip()
            if id_col is not None and id_col < len(cells):
                row.external_id = cells[id_col].strip()
                if has_forbidden_characters(row.external_id) or len(row.external_id) > 64:
                    row.notes.append(_("the submission id is not valid"))
            if time_col is not None and time_col < len(cells) and cells[time_col].strip():
                row.submitted_at = _time(cells[time_col])
                if row.submitted_at is None:
                    row.notes.append(_("the submission time is not a date"))
            rows.append(row)
    except csv.Error as exc:
        raise AnswersRejected([_("The CSV file cannot be read: %(why)s") % {"why": exc}]) from exc
    if not rows:
        raise AnswersRejected([_("The file holds no answers.")])
    return rows, unknown
