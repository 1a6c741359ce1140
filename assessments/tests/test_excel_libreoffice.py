"""A workbook saved by LibreOffice Calc imports like one saved by Excel.

`data/libreoffice-calc-7.4.xlsx` is the province workbook of the test world below, filled as an
officer would (a number typed as text, a decimal comma, a percent cell, "có"/"không" words) and
saved by LibreOffice Calc 7.4 (Debian 12). LibreOffice writes its own styles, shared strings,
sheet order and number formats: the importer must not depend on openpyxl's way of writing.

The file is committed, so the test needs no LibreOffice. To make it again (LibreOffice
installed: `apt-get install libreoffice-calc-nogui`):

    NTM_MAKE_LIBREOFFICE_FIXTURE=1 .venv/bin/python -m pytest assessments/tests/test_excel_libreoffice.py
"""

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.excel import layout as L
from assessments.excel.importer import import_workbook
from assessments.models import Evaluation, IndicatorValue
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported, meta_columns, row_of

pytestmark = pytest.mark.django_db
world = support.world
FIXTURE = Path(__file__).parent / "data" / "libreoffice-calc-7.4.xlsx"
BASE = "ntm-xa-2021-minh-hoa"


def fill(wb, world) -> None:
    """The officer's edits, in the workbook exported from the site."""
    ws = wb[L.DATA_SHEET]
    columns = meta_columns(wb)
    first, second = world["communes"][0], world["communes"][1]
    ws[f"{columns['10.1']}{row_of(wb, first.ref)}"] = "41"  # typed as text
    ws[f"{columns['15.3']}{row_of(wb, first.ref)}"] = "12,5"  # decimal comma
    cell = ws[f"{columns['2.2']}{row_of(wb, second.ref)}"]
    cell.value = 0.855
    cell.number_format = "0.0%"
    ws[f"{columns['1.1']}{row_of(wb, second.ref)}"] = "không "


@pytest.mark.skipif(not os.environ.get("NTM_MAKE_LIBREOFFICE_FIXTURE"), reason="makes the fixture on demand")
def test_make_the_libreoffice_fixture(world, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed"
    wb = exported(world)
    fill(wb, world)
    source = tmp_path / "in" / FIXTURE.name
    source.parent.mkdir()
    wb.save(source)
    out = tmp_path / "out"
    # Open and save again as .xlsx with Calc's own filter.
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=120)
    FIXTURE.parent.mkdir(exist_ok=True)
    shutil.copy(out / FIXTURE.name, FIXTURE)


def test_a_workbook_saved_by_libreoffice_imports(world):
    app = FIXTURE.read_bytes()[:4096]
    assert app.startswith(b"PK")
    import zipfile

    with zipfile.ZipFile(FIXTURE) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")
    first, second = world["communes"][0], world["communes"][1]
    assert Evaluation.objects.get(unit=first, period=world["period"], criteria_set__code=BASE
                                  ).criteria_status["10"] == "unmet"

    result = import_workbook(str(FIXTURE), user=world["officer"], source="LibreOffice", reason="số liệu mới")

    assert result.ok, result.problems
    assert result.warnings == []
    assert (result.units, result.created) == (4, 0)
    assert result.corrected == 4

    def current(unit, code):
        return IndicatorValue.objects.get(unit=unit, indicator=code, is_current=True).value

    assert current(first, "10.1") == Decimal("41")
    assert current(first, "15.3") == Decimal("12.5")
    assert current(second, "2.2") == Decimal("85.5")
    assert current(second, "1.1") is False
    assert Evaluation.objects.get(unit=first, period=world["period"], criteria_set__code=BASE
                                  ).criteria_status["10"] == "met"
    again = import_workbook(str(FIXTURE), user=world["officer"], source="LibreOffice", reason="số liệu mới")
    assert (again.ok, again.created, again.corrected) == (True, 0, 0)
