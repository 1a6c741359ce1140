"""Importing a workbook: all or nothing, every problem with its cell, access rules."""

from decimal import Decimal

import pytest

from assessments.excel import layout as L
from assessments.excel.importer import import_workbook
from assessments.models import Evaluation, IndicatorValue
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported, meta_columns, row_of, save
from criteria.engine import format_number

pytestmark = pytest.mark.django_db
world = support.world
BASE = "ntm-xa-2021-minh-hoa"


def current(unit, code):
    return IndicatorValue.objects.get(unit=unit, indicator=code, is_current=True).value


def income_status(unit, period):
    return Evaluation.objects.get(unit=unit, period=period, criteria_set__code=BASE).criteria_status["10"]


def test_one_bad_cell_rejects_everything_and_names_its_cell_then_the_fixed_file_imports(world, tmp_path):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    first, last = world["communes"][0], world["communes"][3]
    row = row_of(wb, first.ref)
    ws[f"{columns['10.1']}{row}"] = "41"  # a number typed as text
    ws[f"{columns['15.3']}{row}"] = "12,5"  # a decimal comma
    bad = f"{columns['2.1']}{row_of(wb, last.ref)}"
    ws[bad] = 150  # above 100%
    path = save(wb, tmp_path / "bad.xlsx")
    before = IndicatorValue.objects.count()
    assert income_status(first, world["period"]) == "unmet"

    result = import_workbook(path, user=world["officer"], source="test", reason="số liệu mới")

    assert not result.ok
    assert [p.where for p in result.problems] == [f"Số liệu!{bad}"]
    assert "150" in result.problems[0].message
    assert IndicatorValue.objects.count() == before

    ws[bad] = "85,5"
    save(wb, tmp_path / "bad.xlsx")
    result = import_workbook(path, user=world["officer"], source="test", reason="số liệu mới")

    assert result.ok, result.problems
    assert result.corrected >= 3 and result.created == 0
    assert current(first, "10.1") == Decimal("41")
    assert current(first, "15.3") == Decimal("12.5")
    assert current(last, "2.1") == Decimal("85.5")
    assert income_status(first, world["period"]) == "met"

    again = import_workbook(path, user=world["officer"], source="test", reason="số liệu mới")
    assert (again.ok, again.created, again.corrected) == (True, 0, 0)


def test_a_correction_without_a_reason_is_a_problem_on_its_cell(world, tmp_path):
    wb = exported(world)
    cell = f"{meta_columns(wb)['10.1']}{row_of(wb, world['communes'][1].ref)}"
    wb[L.DATA_SHEET][cell] = 1000
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t")
    assert [p.where for p in result.problems] == [f"Số liệu!{cell}"]


def test_rows_reordered_and_an_extra_column_still_import(world, tmp_path):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    # Swap the first and last commune rows, add a notes column after the indicators.
    first, last = L.FIRST_DATA_ROW, ws.max_row
    for col in range(1, ws.max_column + 1):
        a, b = ws.cell(row=first, column=col), ws.cell(row=last, column=col)
        a.value, b.value = b.value, a.value
    extra = ws.max_column + 1
    ws.cell(row=1, column=extra, value="Ghi chú")
    ws.cell(row=first, column=extra, value="đã kiểm tra")
    unit = world["communes"][2]
    ws[f"{columns['12.1']}{row_of(wb, unit.ref)}"] = 97.25

    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t", reason="r")

    assert result.ok, result.problems
    assert result.corrected == 1
    assert [w.cell for w in result.warnings] == [f"{L.column_letter(extra)}1"]
    assert current(unit, "12.1") == Decimal("97.25")


def test_a_percent_formatted_cell_stores_the_percentage(world, tmp_path):
    wb = exported(world)
    cell = wb[L.DATA_SHEET][f"{meta_columns(wb)['2.2']}{row_of(wb, world['communes'][1].ref)}"]
    cell.value = 0.855
    cell.number_format = "0.0%"
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t", reason="r")
    assert result.ok, result.problems
    assert current(world["communes"][1], "2.2") == Decimal("85.5")


def test_empty_cells_record_nothing_and_trailing_spaces_are_accepted(world, tmp_path):
    wb = exported(world)
    columns = meta_columns(wb)
    row = row_of(wb, world["communes"][1].ref)
    ws = wb[L.DATA_SHEET]
    ws[f"{columns['1.1']}{row}"] = "có  "
    ws[f"{columns['9.1']}{row}"] = None
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t")
    assert (result.ok, result.created, result.corrected) == (True, 0, 0)
    assert current(world["communes"][1], "9.1") is not None


def test_a_commune_officer_importing_another_communes_row_gets_a_problem_and_nothing_is_written(
    world, tmp_path
):
    wb = exported(world)  # the province workbook
    other = world["communes"][1]
    before = IndicatorValue.objects.count()
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["commune_officer"], source="t")
    assert not result.ok
    where = {p.where for p in result.problems}
    assert f"Số liệu!A{row_of(wb, other.ref)}" in where
    assert f"Số liệu!A{row_of(wb, world['communes'][0].ref)}" not in where
    assert any(other.ref in p.message for p in result.problems)
    assert IndicatorValue.objects.count() == before


def test_unknown_commune_codes_and_bad_words_are_each_reported(world, tmp_path):
    wb = exported(world)
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    row = row_of(wb, world["communes"][1].ref)
    ws[f"A{row}"] = "99999"
    ws[f"{columns['1.1']}{row_of(wb, world['communes'][2].ref)}"] = "hình như có"
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t")
    assert len(result.problems) == 2
    assert {p.cell for p in result.problems} == {f"A{row}", f"{columns['1.1']}{row_of(wb, world['communes'][2].ref)}"}


def test_a_file_that_is_not_a_workbook_is_a_problem(world, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("mã xã;1.1\n")
    result = import_workbook(str(path), user=world["officer"])
    assert not result.ok and "Excel" in result.problems[0].message


def test_a_workbook_saved_without_meta_is_refused_with_a_reason(world, tmp_path):
    wb = exported(world)
    del wb[L.META_SHEET]
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"])
    assert not result.ok and result.problems[0].sheet == L.META_SHEET


def test_the_header_label_maps_a_column_when_meta_has_no_codes(world, tmp_path):
    wb = exported(world)
    meta = wb[L.META_SHEET]
    for row in list(meta.iter_rows()):
        if row[0].value == "column":
            for cell in row:
                cell.value = None
    unit = world["communes"][3]
    wb[L.DATA_SHEET][f"D{row_of(wb, unit.ref)}"] = "không"
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t", reason="r")
    assert result.ok, result.problems
    assert current(unit, "1.1") is False


def _agency_officer(world):
    from accounts import services as accounts
    from accounts.models import OrganisationKind, Role

    agency = accounts.ensure_organisation(code="so-nn", name="Sở NN", kind=OrganisationKind.AGENCY,
                                          unit=world["province"])
    accounts.assign_criteria(organisation=agency, criteria=[(BASE, "10")])
    return accounts.create_user(by=None, username="so-nn", full_name="Cán Bộ Sở", email="",
                                organisation=agency, role=Role.AGENCY_OFFICER, password=support.PASSWORD)


def test_an_agency_imports_its_criteria_from_a_full_workbook_and_is_refused_cell_by_cell_elsewhere(
        world, tmp_path):
    user = _agency_officer(world)
    wb = exported(world)
    columns = meta_columns(wb)
    ws = wb[L.DATA_SHEET]
    first, second = world["communes"][0], world["communes"][1]
    ws[f"{columns['10.1']}{row_of(wb, first.ref)}"] = 41  # its own criterion: allowed
    path = save(wb, tmp_path / "so.xlsx")
    # Every other indicator is in the file unchanged: that is not a change.
    result = import_workbook(path, user=user, source="Sở", reason="số liệu thống kê")
    assert result.ok, result.problems
    assert (result.corrected, result.created) == (1, 0)
    assert current(first, "10.1") == Decimal("41")

    forbidden = f"{columns['2.1']}{row_of(wb, second.ref)}"
    ws[forbidden] = 33
    ws[f"{columns['10.1']}{row_of(wb, second.ref)}"] = 42
    before = IndicatorValue.objects.count()
    result = import_workbook(save(wb, tmp_path / "so.xlsx"), user=user, source="Sở", reason="r")
    assert [p.where for p in result.problems] == [f"Số liệu!{forbidden}"]
    assert "không được sửa" in result.problems[0].message or "may not" in result.problems[0].message
    assert IndicatorValue.objects.count() == before


def test_a_bad_cell_and_a_correction_without_reason_are_reported_together(world, tmp_path):
    wb = exported(world)
    columns = meta_columns(wb)
    ws = wb[L.DATA_SHEET]
    bad = f"{columns['2.1']}{row_of(wb, world['communes'][0].ref)}"
    corrected = f"{columns['10.1']}{row_of(wb, world['communes'][2].ref)}"
    old = current(world["communes"][2], "10.1")
    ws[bad] = "nhiều"
    ws[corrected] = 999
    result = import_workbook(save(wb, tmp_path / "x.xlsx"), user=world["officer"], source="t")
    assert sorted(p.where for p in result.problems) == sorted([f"Số liệu!{bad}", f"Số liệu!{corrected}"])
    reason_problem = next(p for p in result.problems if p.cell == corrected)
    assert format_number(old) in reason_problem.message
