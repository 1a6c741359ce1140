"""Open data (CSV, XLSX) of every public table, and the Atom feed."""

import io

import pytest
from openpyxl import load_workbook

from portal.tests.helpers import build, met

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(criteria_sets, settings, officer, tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    return build(officer)


def test_the_commune_table_downloads_as_csv_and_xlsx_with_the_page_figures(client, province):
    _p2025, p2026, _old, new = province
    response = client.get("/cong-khai/du-lieu/xa.csv")
    assert response.status_code == 200 and not response.cookies
    assert response["Content-Disposition"] == 'attachment; filename="xa-2026.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    n, total = met(new[0], p2026)
    row = next(line for line in lines if new[0].name in line)
    assert row.endswith(f",{n},{total}")
    assert any("555/QĐ-UBND" in line and "2026-03-01" in line for line in lines)

    book = load_workbook(io.BytesIO(client.get("/cong-khai/du-lieu/xa.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 4
    assert [r for r in rows if r[1] == new[0].name][0][-2:] == (n, total)


def test_the_plan_and_document_tables_download(client, province):
    for name in ("ke-hoach", "van-ban"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/cong-khai/du-lieu/{name}.{fmt}")
            assert response.status_code == 200, (name, fmt)
    assert client.get("/cong-khai/du-lieu/nguoi-dung.csv").status_code == 404
    assert client.get("/cong-khai/du-lieu/xa.exe").status_code == 404


def test_a_formula_in_a_title_stays_text_in_the_csv(client, province, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal import services

    services.add_document(officer, title="=HYPERLINK(\"http://x\")", number="1/KH", issued_on=None,
                          kind="plan", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"))
    text = client.get("/cong-khai/du-lieu/van-ban.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
