"""manage.py import_values and export_values."""

import pytest
from django.core.management import CommandError, call_command

from assessments.excel import layout as L
from assessments.models import IndicatorValue
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported, meta_columns, row_of, save

pytestmark = pytest.mark.django_db
world = support.world


def test_the_import_command_lists_every_problem_and_exits_non_zero(world, tmp_path, capsys):
    wb = exported(world)
    cell = f"{meta_columns(wb)['2.1']}{row_of(wb, world['communes'][0].ref)}"
    wb[L.DATA_SHEET][cell] = "nhiều"
    path = save(wb, tmp_path / "x.xlsx")
    before = IndicatorValue.objects.count()
    with pytest.raises(CommandError):
        call_command("import_values", path, "--user", "officer")
    assert f"Số liệu!{cell}:" in capsys.readouterr().err
    assert IndicatorValue.objects.count() == before


def test_the_import_command_prints_a_summary(world, tmp_path, capsys):
    wb = exported(world)
    wb[L.DATA_SHEET][f"{meta_columns(wb)['12.1']}{row_of(wb, world['communes'][1].ref)}"] = "93,5"
    path = save(wb, tmp_path / "x.xlsx")
    call_command("import_values", path, "--user", "officer", "--reason", "báo cáo quý")
    out = capsys.readouterr().out
    assert "kỳ 2024" in out and "1 sửa" in out


def test_the_export_command_writes_a_district_workbook(world, tmp_path):
    path = tmp_path / "out.xlsx"
    district = world["communes"][0].parent
    call_command("export_values", "--period", "2024", "--district", district.ref, "--out", str(path))
    from openpyxl import load_workbook

    ws = load_workbook(path)[L.DATA_SHEET]
    refs = {ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
    assert refs == {u.ref for u in world["communes"] if u.parent_id == district.pk}
