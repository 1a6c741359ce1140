import datetime
import io

import pytest

from planning import services
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(criteria_sets, settings, client):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(3)
    c1 = w["communes"][1]
    item = make_item(c1, ["3.1", "3.2"], title="Nâng cấp thủy lợi", cost=1_250_000_000,
                     target_date=datetime.date(2026, 6, 30), funding_source="integrated", helping_agency=w["agency"])
    services.add_task(unit=c1, item=item, title="Khảo sát kênh", owner="agency", organisation=w["agency"],
                      due_date=datetime.date(2025, 9, 30))
    make_item(c1, ["17.1"], title="Thu gom rác", cost=300_000_000)
    client.force_login(w["commune1"])
    return w, c1


def test_the_roadmap_exports_to_excel_and_reads_back(setup, client):
    from openpyxl import load_workbook

    _w, c1 = setup
    response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert c1.name in ws["A1"].value
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    by_title = {r[2]: r for r in rows}
    row = by_title["Nâng cấp thủy lợi"]
    assert row[1] == "3.1, 3.2"
    assert row[4] == "30/06/2026"
    assert row[5] == 1_250_000_000
    assert row[7] == "Sở NN"
    assert "Khảo sát kênh (Sở NN, 30/09/2025)" in row[9]
    assert ws.cell(row=7, column=6).value == 1_550_000_000


def test_the_roadmap_exports_to_word_and_reads_back(setup, client):
    from docx import Document

    _w, c1 = setup
    response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    assert c1.name in doc.paragraphs[0].text
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    row = next(r for r in cells if r[2] == "Nâng cấp thủy lợi")
    assert row[1] == "3.1, 3.2" and row[5] == "1.250.000.000" and row[4] == "30/06/2026"
    assert any("1.550.000.000" in p.text for p in doc.paragraphs)
