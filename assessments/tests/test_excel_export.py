"""Exporting a workbook of values: layout, protection, validations, thresholds, access."""

import re

import pytest

from assessments.excel import layout as L
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported, meta_columns, row_of

pytestmark = pytest.mark.django_db
world = support.world


def test_it_exports_one_row_per_commune_with_codes_names_and_districts(world):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    assert [ws.cell(row=1, column=c).value for c in (1, 2, 3)] == ["Mã xã", "Tên xã", "Huyện"]
    refs = {ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
    assert refs == {u.ref for u in world["communes"]}
    assert wb.sheetnames == [L.DATA_SHEET, L.THRESHOLD_SHEET, L.HELP_SHEET, L.META_SHEET]


def test_it_locks_codes_and_headers_and_unlocks_value_cells(world):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    assert ws.protection.sheet
    assert ws["A4"].protection.locked and ws["B4"].protection.locked and ws["D1"].protection.locked
    assert not ws["D4"].protection.locked
    assert wb[L.META_SHEET].sheet_state == "hidden"


def test_it_writes_numbers_as_numbers_and_yes_no_as_words(world):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    row = row_of(wb, world["communes"][1].ref)
    assert isinstance(ws[f"{columns['10.1']}{row}"].value, (int, float))
    assert ws[f"{columns['1.1']}{row}"].value in ("có", "không")


def test_it_adds_validations_for_yes_no_and_ranges(world):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_column[re.match(r"[A-Z]+", rng.coord).group()] = dv
    yes_no = by_column[columns["1.1"]]
    assert yes_no.type == "list" and "có,không" in yes_no.formula1
    percent = by_column[columns["2.1"]]
    assert (percent.type, percent.formula1, percent.formula2) == ("decimal", "0", "100")
    assert "không hợp lệ" in percent.errorTitle.lower()


def test_it_shows_the_threshold_of_the_communes_region(world):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    assert ws[f"{columns['10.1']}{L.THRESHOLD_ROW}"].value.startswith("≥ 39")
    assert ws[f"{columns['2.1']}{L.UNIT_ROW}"].value == "%"
    thresholds = [row for row in wb[L.THRESHOLD_SHEET].iter_rows(values_only=True)]
    assert thresholds[0][-1] == "Vùng tdmnpb"


def test_the_meta_sheet_holds_period_family_versions_and_column_codes(world):
    wb = exported(world)
    keys = {row[0]: row[1:] for row in wb[L.META_SHEET].iter_rows(values_only=True)}
    assert keys["period"][0] == "2024"
    assert keys["family"][0] == "ntm-xa-2021"
    assert keys["set_version"][0]
    columns = meta_columns(wb)
    assert columns["1.1"] == "D" and len(columns) > 50


def test_a_commune_officers_export_holds_only_its_commune(world):
    wb = exported(world, user=world["commune_officer"])
    ws = wb[L.DATA_SHEET]
    refs = [ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)]
    assert refs == [world["communes"][0].ref]
