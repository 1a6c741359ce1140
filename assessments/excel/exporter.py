"""Export indicator values to a workbook: one row per commune, one column per indicator."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.access import visible_units
from assessments.catalog import family_on
from assessments.models import IndicatorValue, Period
from assessments.queries import programme_communes, province_on
from criteria.queries import catalog_versions, current_catalog
from units.models import AttributeName, Unit, UnitKind
from units.queries import attributes_on

from . import layout as L
from .columns import Column, family_columns

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


class NothingToExport(Exception):
    pass


def units_for_export(user, period: Period, *, unit: str = "", district: str = "") -> list[Unit]:
    """Programme communes of the period the user may read: one commune (`unit` ref), the
    communes of a district (`district` ref) or, with neither, the whole province."""
    qs: QuerySet[Unit] = programme_communes(period.as_of, province_on(period.as_of))
    if unit:
        qs = qs.filter(ref=unit)
    if district:
        qs = qs.filter(parent__ref=district)
    if user is not None:
        qs = visible_units(user, qs)
    return list(qs.order_by("parent__sort_name", "sort_name", "ref"))


def _threshold_key(family: str) -> str:
    catalog = current_catalog(family)
    base = min(catalog.values(), key=lambda s: s.level.rank)
    return AttributeName.GROUP if base.threshold_by == "group" else AttributeName.REGION


def _cell_value(column: Column, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return L.YES if value else L.NO
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _validation(column: Column, rows: str) -> DataValidation | None:
    if column.type == "bool":
        dv = DataValidation(type="list", formula1=f'"{L.YES},{L.NO}"', allow_blank=True,
                            errorStyle="stop")
        dv.error = f"Chỉ tiêu {column.label}: chọn “{L.YES}” hoặc “{L.NO}”."
    else:
        low, high = column.low, column.high
        kind = "whole" if column.type == "integer" else "decimal"
        if low is not None and high is not None:
            dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
            dv.error = f"Chỉ tiêu {column.label}: nhập một số từ {low} đến {high}."
        elif low is not None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
            dv.error = f"Chỉ tiêu {column.label}: nhập một số không nhỏ hơn {low}."
        elif high is not None:
            dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(high))
            dv.error = f"Chỉ tiêu {column.label}: nhập một số không lớn hơn {high}."
        else:
            dv = DataValidation(type=kind)
            dv.error = f"Chỉ tiêu {column.label}: nhập một số."
        if column.type == "integer":
            dv.error = dv.error.replace("một số", "một số nguyên")
        # A warning, not a stop: "12,5" typed as text on a non-Vietnamese Excel is still accepted
        # by the import.
        dv.errorStyle = "warning"
        dv.allow_blank = True
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.showErrorMessage = True
    dv.add(rows)
    return dv


HELP_LINES = [
    "HƯỚNG DẪN NHẬP SỐ LIỆU CHỈ TIÊU NÔNG THÔN MỚI",
    "",
    "1. Nhập số liệu vào sheet “Số liệu”: mỗi dòng là một xã, mỗi cột là một chỉ tiêu.",
    "   Dòng 1 là tên chỉ tiêu, dòng 2 là đơn vị tính, dòng 3 là ngưỡng đạt chuẩn của vùng.",
    "2. Chỉ nhập vào các ô số liệu (ô trắng). Không sửa mã xã, tên xã, huyện và các dòng tiêu đề:",
    "   hệ thống nhận diện xã theo mã xã và chỉ tiêu theo mã lưu trong tệp.",
    "3. Số: có thể dùng dấu phẩy thập phân (ví dụ 12,5) hoặc dấu chấm (12.5).",
    "   Tỷ lệ (%) nhập số phần trăm, ví dụ 85,5 (ô định dạng % chứa 85,5% cũng được chấp nhận).",
    "4. Chỉ tiêu có/không: chọn “có” hoặc “không” trong danh sách.",
    "5. Ô để trống nghĩa là chưa có số liệu: hệ thống không ghi gì cho ô đó.",
    "6. Có thể đổi thứ tự các dòng; cột thêm vào (ví dụ ghi chú) sẽ được bỏ qua.",
    "7. Nếu sửa một giá trị đã ghi trước đó, cần nhập lý do khi nhập tệp.",
    "8. Nhập tệp trên trang “Xã” (nút “Nhập từ Excel”) hoặc bằng lệnh:",
    "   python manage.py import_values TEN_TEP.xlsx --user TEN_DANG_NHAP --reason \"lý do\"",
    "   Tệp được nhập trọn vẹn hoặc không ghi gì: nếu có lỗi, hệ thống liệt kê từng ô lỗi",
    "   (sheet!ô: lý do) và cho tải bản sao tệp có đánh dấu đỏ các ô lỗi.",
    "9. Không xóa hay đổi tên các sheet; sheet ẩn “_meta” giữ kỳ báo cáo và mã các chỉ tiêu.",
]


def export_workbook(period: Period, units: Sequence[Unit], *, user=None,
                    at: datetime.datetime | None = None) -> Workbook:
    family = family_on(period.as_of)
    if family is None:
        raise NothingToExport("Không có bộ tiêu chí nào có hiệu lực cho kỳ này.")
    at = at or timezone.now()
    unit_ids = [u.pk for u in units]
    key_attribute = _threshold_key(family)
    # 2021-2025 thresholds are by region (vùng), 2026-2030 by commune group (nhóm).
    word = "nhóm" if key_attribute == AttributeName.GROUP else "vùng"
    regions = attributes_on(unit_ids, key_attribute, period.as_of)
    region_keys = sorted(set(regions.values()))
    columns = family_columns(family, period.as_of, region_keys)
    values: dict[int, dict[str, object]] = {uid: {} for uid in unit_ids}
    for uid, code, number, boolean in IndicatorValue.objects.filter(
        unit_id__in=unit_ids, period=period, family=family, is_current=True
    ).values_list("unit_id", "indicator", "number", "boolean"):
        values[uid][code] = boolean if number is None else number

    wb = Workbook()
    ws = wb.active
    ws.title = L.DATA_SHEET
    # Headers
    for col, text in enumerate(L.FIXED_HEADERS, start=1):
        cell = ws.cell(row=L.HEADER_ROW, column=col, value=text)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
    ws.cell(row=L.UNIT_ROW, column=L.NAME_COL, value="Đơn vị tính")
    ws.cell(row=L.THRESHOLD_ROW, column=L.NAME_COL,
            value="Ngưỡng đạt" + (f" ({word} {region_keys[0]})" if len(region_keys) == 1 else ""))
    one_region = len(region_keys) <= 1
    for offset, column in enumerate(columns):
        col = L.FIRST_INDICATOR_COL + offset
        head = ws.cell(row=L.HEADER_ROW, column=col, value=column.header)
        head.font, head.fill, head.alignment = BOLD, HEADER_FILL, WRAP
        ws.cell(row=L.UNIT_ROW, column=col, value=column.unit_text).alignment = WRAP
        if one_region:
            text = column.thresholds.get(region_keys[0], "") if region_keys else ""
            ws.cell(row=L.THRESHOLD_ROW, column=col, value=text)
        else:
            cell = ws.cell(row=L.THRESHOLD_ROW, column=col, value=f"theo {word} (xem sheet Ngưỡng)")
            cell.comment = Comment(
                "\n".join(f"{word.capitalize()} {k}: {column.thresholds.get(k) or '—'}" for k in region_keys),
                "NTM",
            )
        ws.column_dimensions[L.column_letter(col)].width = 16
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 22
    ws.row_dimensions[L.HEADER_ROW].height = 90
    # Rows
    row = L.FIRST_DATA_ROW
    for unit in units:
        for col, text in ((L.CODE_COL, unit.ref), (L.NAME_COL, unit.name),
                          (L.DISTRICT_COL, unit.parent.name if unit.parent_id
                           and unit.parent.kind == UnitKind.DISTRICT else "")):
            cell = ws.cell(row=row, column=col, value=text)
            cell.fill = FIXED_FILL
            if col == L.CODE_COL:
                cell.number_format = "@"
        unit_values = values[unit.pk]
        for offset, column in enumerate(columns):
            cell = ws.cell(row=row, column=L.FIRST_INDICATOR_COL + offset,
                           value=_cell_value(column, unit_values.get(column.code)))
            cell.protection = UNLOCKED
        row += 1
    last_row = max(row - 1, L.FIRST_DATA_ROW)
    for offset, column in enumerate(columns):
        letter = L.column_letter(L.FIRST_INDICATOR_COL + offset)
        ws.add_data_validation(_validation(column, f"{letter}{L.FIRST_DATA_ROW}:{letter}{last_row}"))
    ws.freeze_panes = ws.cell(row=L.FIRST_DATA_ROW, column=L.FIRST_INDICATOR_COL)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may still be changed
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False

    # Thresholds per region
    th = wb.create_sheet(L.THRESHOLD_SHEET)
    th.append(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính"] + [f"{word.capitalize()} {k}" for k in region_keys])
    for cell in th[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for column in columns:
        th.append([column.code, column.header, column.unit_text]
                  + [column.thresholds.get(k, "") for k in region_keys])
    th.column_dimensions["B"].width = 60
    th.protection.sheet = True

    # Instructions
    help_ws = wb.create_sheet(L.HELP_SHEET)
    help_ws.append([f"Kỳ báo cáo: {period.name} (số liệu tính đến {period.as_of:%d/%m/%Y}) — "
                    f"bộ tiêu chí {family}"])
    for line in HELP_LINES:
        help_ws.append([line])
    help_ws["A1"].font = BOLD
    help_ws.column_dimensions["A"].width = 110
    help_ws.protection.sheet = True

    # Machine-readable description
    meta = wb.create_sheet(L.META_SHEET)
    meta.append(["kind", L.META_KIND])
    meta.append(["format", L.META_VERSION])
    meta.append(["period", period.code])
    meta.append(["as_of", period.as_of.strftime("%d/%m/%Y")])
    meta.append(["family", family])
    for set_code, version in sorted(catalog_versions(family).items()):
        meta.append(["set_version", set_code, version.number])
    meta.append(["exported_at", timezone.localtime(at).isoformat()])
    meta.append(["exported_by", getattr(user, "username", "") or ""])
    meta.append(["data_sheet", L.DATA_SHEET])
    meta.append(["first_data_row", L.FIRST_DATA_ROW])
    meta.append(["code_column", L.column_letter(L.CODE_COL)])
    for offset, column in enumerate(columns):
        meta.append(["column", L.column_letter(L.FIRST_INDICATOR_COL + offset), column.code])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    return wb


def export_bytes(period: Period, units: Sequence[Unit], *, user=None) -> bytes:
    buffer = io.BytesIO()
    export_workbook(period, units, user=user).save(buffer)
    return buffer.getvalue()


def export_filename(period: Period, units: Sequence[Unit], *, unit: str = "", district: str = "") -> str:
    scope = unit or (f"huyen-{district}" if district else "tinh")
    return f"so-lieu-ntm-{period.code}-{scope}.xlsx"
