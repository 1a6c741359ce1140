"""The commune-group workbook: exported with the facts and the groups in force, filled by the
province and imported back (all or nothing, every bad cell named), each changed row confirmed
through assessments.groups.confirm_group in one transaction."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook

from assessments.excel.reader import NotAWorkbook, read_workbook
from assessments.groups import GroupRejected, confirm_group
from assessments.queries import GroupRow
from config.text import append_row, clean_text
from units.groups import GROUP_NAMES, Facts
from units.models import Unit

SHEET = "Nhom xa"
HEADERS = ["Mã xã", "Tên xã", "Nhóm đã xác nhận", "Áp dụng từ ngày", "Số quyết định", "Ngày quyết định",
           "Đề xuất từ số liệu", "Tỷ trọng nông nghiệp (%)", "Liền kề, định hướng đô thị",
           "Định hướng đô thị mới", "Khu vực vùng DTTS&MN (0, 1, 2, 3)", "Ghi chú", "Lý do đề xuất",
           "Minh họa"]
COL = {name: i + 1 for i, name in enumerate(HEADERS)}
YES = {"có": True, "co": True, "x": True, "1": True, "không": False, "khong": False, "0": False}
NAME_TO_GROUP = {name.lower(): code for code, name in GROUP_NAMES.items()} | {c: c for c in GROUP_NAMES}
MAX_ROWS = 20_000  # a national list of communes fits


def export(rows: list[GroupRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append_row(ws, HEADERS)
    yes_no = {True: "có", False: "không", None: ""}
    for r in rows:
        decision = r.decision_record
        append_row(ws, [
            r.unit.ref, r.unit.name, GROUP_NAMES.get(r.group, ""),
            r.valid_from.strftime("%d/%m/%Y") if r.valid_from else "",
            decision.decision_number if decision else "",
            decision.decision_date.strftime("%d/%m/%Y") if decision and decision.decision_date else "",
            GROUP_NAMES.get(r.proposal.group, ""),
            float(r.facts.agriculture_share) if r.facts.agriculture_share is not None else None,
            yes_no[r.facts.near_urban], yes_no[r.facts.new_urban], r.facts.ethnic_area,
            decision.note if decision else "", r.proposal.sentence, "có" if r.illustrative else "",
        ])
    for letter, width in zip("ABCDEFGHIJKLMN", (16, 24, 16, 14, 22, 14, 16, 12, 12, 12, 12, 30, 60, 8),
                             strict=True):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    confirmed: int = 0
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    day, month, year = (int(part) for part in str(value).strip().split("/"))
    return datetime.date(year, month, day)


def import_groups(source, *, user=None, ip_address=None, units: dict[str, Unit]) -> ImportResult:
    """Confirm the groups of the rows that differ from what is in force; `units` are the
    communes the user may change, by ref. Any problem writes nothing."""
    result = ImportResult()
    try:
        data = read_workbook(source, {SHEET}, max_rows=MAX_ROWS, max_columns=len(HEADERS) + 2)
    except NotAWorkbook as exc:
        result.problems.append((exc.part or "", str(exc)))
        return result
    sheet = data.sheets.get(SHEET)
    if sheet is None:
        result.problems.append(("", f"Không có sheet “{SHEET}”: hãy dùng tệp tải từ trang Nhóm xã."))
        return result
    if sheet.rows_beyond:
        result.problems.append((f"A{sheet.rows_beyond}", f"Tệp có hơn {MAX_ROWS} dòng."))
        return result
    if sheet.formulas:
        row, col = sorted(sheet.formulas)[0]
        result.problems.append((f"{chr(64 + col)}{row}", "Ô chứa công thức: hãy nhập giá trị."))
        return result
    plans = []
    for number, cells in sorted(sheet.rows.items()):
        if number == 1:
            continue

        def cell(name, _cells=cells):
            value = _cells.get(COL[name])
            return clean_text(value).strip() if isinstance(value, str) else value

        def ref(name, _number=number):
            return f"{chr(64 + COL[name])}{_number}"

        code = str(cell("Mã xã") or "").strip()
        unit = units.get(code)
        if unit is None:
            result.problems.append((ref("Mã xã"), f"Mã xã “{code}” không có trong danh sách bạn được sửa."))
            continue
        group_text = str(cell("Nhóm đã xác nhận") or "").strip().lower()
        if not group_text:
            continue
        group = NAME_TO_GROUP.get(group_text)
        if group is None:
            result.problems.append((ref("Nhóm đã xác nhận"), f"Nhóm “{group_text}” không hợp lệ (Xã nhóm 1, 2 hoặc 3)."))
            continue
        try:
            valid_from = _date(cell("Áp dụng từ ngày"))
        except (TypeError, ValueError):
            result.problems.append((ref("Áp dụng từ ngày"), "Ngày phải có dạng dd/mm/yyyy."))
            continue
        try:
            decision_date = _date(cell("Ngày quyết định"))
        except (TypeError, ValueError):
            result.problems.append((ref("Ngày quyết định"), "Ngày phải có dạng dd/mm/yyyy."))
            continue
        share = cell("Tỷ trọng nông nghiệp (%)")
        try:
            share = None if share in (None, "") else Decimal(str(share).replace(",", "."))
            if share is not None and not share.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            result.problems.append((ref("Tỷ trọng nông nghiệp (%)"), "Tỷ trọng phải là số từ 0 đến 100."))
            continue
        flags = []
        for name in ("Liền kề, định hướng đô thị", "Định hướng đô thị mới"):
            text = str(cell(name) or "").strip().lower()
            if text and text not in YES:
                result.problems.append((ref(name), "Nhập “có” hoặc “không”."))
            flags.append(YES.get(text))
        area = str(cell("Khu vực vùng DTTS&MN (0, 1, 2, 3)") or "").strip()
        area = area[:-2] if area.endswith(".0") else area
        if area not in ("", "0", "1", "2", "3"):
            result.problems.append((ref("Khu vực vùng DTTS&MN (0, 1, 2, 3)"), "Nhập 0, 1, 2 hoặc 3."))
            continue
        plans.append((number, unit, dict(
            valid_from=valid_from, group=group, decision_number=str(cell("Số quyết định") or ""),
            decision_date=decision_date, facts=Facts(share, flags[0], flags[1], area),
            note=str(cell("Ghi chú") or "")[:1000])))
    if result.problems:
        return result
    try:
        with transaction.atomic():
            for number, unit, kwargs in plans:
                current = unit.group_records.filter(group=kwargs["group"], valid_from=kwargs["valid_from"],
                                                    decision_number=kwargs["decision_number"]).exists()
                if current:
                    result.unchanged += 1
                    continue
                try:
                    confirm_group(unit, user=user, ip_address=ip_address, **kwargs)
                except GroupRejected as exc:
                    result.problems.append((f"C{number}", f"{unit.name}: {exc}"))
                result.confirmed += 1
            if result.problems:
                raise GroupRejected("rollback")
    except GroupRejected:
        result.confirmed = 0
    return result
