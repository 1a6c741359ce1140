"""Questionnaires as plain specs, and reading them from the XLSForm layout used by KoBoToolbox and
ODK (sheets `survey` and `choices`, optional `settings`), so a form built there can be reused.

Read from an XLSForm: the columns `type`, `name`, `label` (a Vietnamese variant such as
`label::Vietnamese (vi)` is preferred), `required`; `select_one LIST` / `select_multiple LIST`
with the list in the `choices` sheet (`list_name`, `name`, `label`). Two optional columns, ignored
by KoBo and ODK, say what counts as satisfied: `satisfaction` (yes on the question that decides
it) in `survey`, `satisfied` (yes on the choices that count) in `choices`; both can also be set
on the questionnaire's page after the import. Groups are flattened; metadata, notes and
calculations are skipped (and listed); any other type is skipped with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from config.text import has_forbidden_characters

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
MAX_QUESTIONS = 300
MAX_CHOICES = 2000
YES = {"yes", "true", "1", "x", "có", "co", "true()"}
# Types that hold no answer of a household (structure, metadata, computations).
STRUCTURE = {"begin group", "end group", "begin_group", "end_group", "begin repeat", "end repeat",
             "begin_repeat", "end_repeat", "note", "calculate", "start", "end", "today", "deviceid",
             "username", "simserial", "subscriberid", "phonenumber", "audit", "hidden", "start-geopoint",
             "imei", "email"}
KINDS = {"text": "text", "integer": "integer", "decimal": "text"}


@dataclass
class ChoiceSpec:
    name: str
    label: str
    satisfied: bool = False


@dataclass
class QuestionSpec:
    name: str
    label: str
    kind: str
    required: bool = False
    decides_satisfaction: bool = False
    choices: list[ChoiceSpec] = field(default_factory=list)


@dataclass
class FormSpec:
    title: str
    form_id: str = ""
    version: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)
    # "name (type)" of the rows skipped, for the import's report.
    skipped: list[str] = field(default_factory=list)


class FormRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors[:5]))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _label_column(headers: dict[str, int]) -> int | None:
    """The Vietnamese label column when there is one, else `label`, else the first label::."""
    labelled = [(h, c) for h, c in headers.items() if h.startswith("label::")]
    for header, column in labelled:
        language = header.split("::", 1)[1]
        if "vietnam" in language or "tiếng việt" in language or "(vi)" in language or language.strip() == "vi":
            return column
    if "label" in headers:
        return headers["label"]
    return labelled[0][1] if labelled else None


def _headers(sheet) -> dict[str, int]:
    first = sheet.rows.get(min(sheet.rows)) if sheet.rows else {}
    return {_text(v).lower(): c for c, v in (first or {}).items() if _text(v)}


def _where(sheet: str, row: int) -> str:
    return _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}


def _cells(sheet, errors: list[str]):
    """(row number, {column: text}) of the data rows, refusing formulas and control characters."""
    header_row = min(sheet.rows) if sheet.rows else 1
    for number in sorted(sheet.rows):
        if number == header_row:
            continue
        row = {}
        for column, value in sheet.rows[number].items():
            if (number, column) in sheet.formulas:
                errors.append(_("%(where)s: a formula is not accepted; type the value.") % {
                    "where": _where(sheet.name, number)})
                continue
            text = _text(value)
            if has_forbidden_characters(text):
                errors.append(_("%(where)s: the text contains invisible control characters.") % {
                    "where": _where(sheet.name, number)})
                continue
            row[column] = text
        yield number, row


def parse_workbook(data) -> FormSpec:
    """The questionnaire of a read XLSForm workbook (assessments.excel.reader.WorkbookData), or
    FormRejected with every problem named by sheet and row."""
    errors: list[str] = []
    for name in ("survey", "choices"):
        if name not in data.sheets:
            errors.append(_("The workbook has no sheet %(sheet)s (the XLSForm layout needs sheets survey and "
                            "choices).") % {"sheet": name})
    if errors:
        raise FormRejected(errors)
    lists = _choices(data.sheets["choices"], errors)
    spec = _settings(data.sheets.get("settings"))
    _survey(data.sheets["survey"], lists, spec, errors)
    if errors:
        raise FormRejected(errors)
    return spec


def _settings(sheet) -> FormSpec:
    spec = FormSpec(title="")
    if sheet is None or len(sheet.rows) < 2:
        return spec
    headers = _headers(sheet)
    numbers = sorted(sheet.rows)
    values = sheet.rows[numbers[1]]
    spec.title = _text(values.get(headers.get("form_title", -1)))[:300]
    spec.form_id = _text(values.get(headers.get("form_id", -1)))[:64]
    spec.version = _text(values.get(headers.get("version", -1)))[:64]
    return spec


def _choices(sheet, errors: list[str]) -> dict[str, list[ChoiceSpec]]:
    headers = _headers(sheet)
    list_col = headers.get("list_name", headers.get("list name"))
    name_col, label_col, satisfied_col = headers.get("name"), _label_column(headers), headers.get("satisfied")
    if list_col is None or name_col is None:
        errors.append(_("Sheet choices: the columns list_name and name are required."))
        return {}
    lists: dict[str, list[ChoiceSpec]] = {}
    count = 0
    for number, row in _cells(sheet, errors):
        list_name, name = row.get(list_col, ""), row.get(name_col, "")
        if not list_name and not name:
            continue
        count += 1
        if count > MAX_CHOICES:
            errors.append(_("Sheet choices: more than %(max)s choices.") % {"max": MAX_CHOICES})
            break
        where = _where("choices", number)
        if not list_name or not name:
            errors.append(_("%(where)s: the list name and the choice name are both required.") % {"where": where})
            continue
        if len(name) > 64:
            errors.append(_("%(where)s: the choice name is longer than 64 characters.") % {"where": where})
            continue
        label = row.get(label_col, "") if label_col is not None else ""
        choices = lists.setdefault(list_name, [])
        if any(c.name == name for c in choices):
            errors.append(_("%(where)s: the choice %(name)s appears twice in the list %(list)s.") % {
                "where": where, "name": name, "list": list_name})
            continue
        satisfied = satisfied_col is not None and row.get(satisfied_col, "").lower() in YES
        choices.append(ChoiceSpec(name=name, label=(label or name)[:300], satisfied=satisfied))
    return lists


def _survey(sheet, lists: dict[str, list[ChoiceSpec]], spec: FormSpec, errors: list[str]) -> None:
    headers = _headers(sheet)
    type_col, name_col, label_col = headers.get("type"), headers.get("name"), _label_column(headers)
    required_col, decides_col = headers.get("required"), headers.get("satisfaction")
    if type_col is None or name_col is None:
        errors.append(_("Sheet survey: the columns type and name are required."))
        return
    seen: set[str] = set()
    for number, row in _cells(sheet, errors):
        kind_text = re.sub(r"\s+", " ", row.get(type_col, "")).strip()
        name = row.get(name_col, "")
        if not kind_text and not name:
            continue
        where = _where("survey", number)
        lowered = kind_text.lower()
        if lowered in STRUCTURE or not kind_text:
            if name:
                spec.skipped.append(f"{name} ({kind_text or '—'})")
            continue
        parts = lowered.split(" ")
        if parts[0] in ("select_one", "select_multiple"):
            if len(parts) < 2:
                errors.append(_("%(where)s: %(type)s needs the name of a choice list.") % {
                    "where": where, "type": parts[0]})
                continue
            list_name = kind_text.split(" ")[1]
            kind = parts[0]
        elif lowered in KINDS:
            kind, list_name = KINDS[lowered], ""
        else:
            spec.skipped.append(f"{name or '—'} ({kind_text})")
            continue
        if not NAME_RE.match(name):
            errors.append(_("%(where)s: the name \"%(name)s\" is not a valid XLSForm name (letters, digits, "
                            "_ . -; at most 64 characters).") % {"where": where, "name": name[:80]})
            continue
        if name in seen:
            errors.append(_("%(where)s: the name %(name)s is used twice.") % {"where": where, "name": name})
            continue
        seen.add(name)
        label = row.get(label_col, "") if label_col is not None else ""
        if not label:
            errors.append(_("%(where)s: the question %(name)s has no label.") % {"where": where, "name": name})
            continue
        question = QuestionSpec(name=name, label=label[:500], kind=kind,
                                required=required_col is not None and row.get(required_col, "").lower() in YES,
                                decides_satisfaction=decides_col is not None
                                and row.get(decides_col, "").lower() in YES)
        if list_name:
            if list_name not in lists:
                errors.append(_("%(where)s: the choice list %(list)s is not in the sheet choices.") % {
                    "where": where, "list": list_name})
                continue
            question.choices = [ChoiceSpec(c.name, c.label, c.satisfied) for c in lists[list_name]]
        spec.questions.append(question)
    if len(spec.questions) > MAX_QUESTIONS:
        errors.append(_("Sheet survey: more than %(max)s questions.") % {"max": MAX_QUESTIONS})
    if not spec.questions and not errors:
        errors.append(_("Sheet survey: no question a household can answer."))
    deciding = [q for q in spec.questions if q.decides_satisfaction]
    if len(deciding) > 1:
        errors.append(_("Sheet survey: only one question can decide satisfaction (column satisfaction); "
                        "marked: %(names)s.") % {"names": ", ".join(q.name for q in deciding)})
    elif deciding and deciding[0].kind != "select_one":
        errors.append(_("Sheet survey: the question that decides satisfaction must be a select_one question."))
