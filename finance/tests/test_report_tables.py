import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from finance import queries, services
from finance.tests.helpers import BILLION, make_finance_world
from reporting import documents
from reporting import services as reporting
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(settings):
    w = make_finance_world(n_communes=2, n_projects=4, plan=8 * BILLION, alloc=BILLION,
                           paid=[BILLION, 500_000_000, 0, 250_000_000])
    services.record_debt(w["projects"][1], amount=300_000_000, since=datetime.date(2025, 12, 31))
    settings.NTM_PROVINCE_REFS = w["province"].ref
    schedule = reporting.create_schedule(code="thang", name="Tháng", reporter_level="commune", frequency="monthly",
                                         due_day=25, lock_day=5, valid_from=datetime.date(2026, 1, 1))
    reporting.generate_periods(schedule, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    w["rperiod"] = ReportingPeriod.objects.get(schedule=schedule, start=datetime.date(2026, 11, 1))
    return w


def test_the_workbook_has_the_dashboard_figures(november):
    summary = queries.year_summary(november["province"], 2026, day=datetime.date(2026, 11, 30))
    workbook = load_workbook(io.BytesIO(documents.province_xlsx(november["rperiod"])))
    rows = list(workbook["Giải ngân"].iter_rows(min_row=3, values_only=True))
    total = rows[-1]
    assert total[:4] == ("Tổng cộng", 8 * BILLION, 4 * BILLION, 1_750_000_000)
    assert total[4] == pytest.approx(21.9) and str(summary.rate) == "21.9"
    debts = list(workbook["Nợ đọng XDCB"].iter_rows(min_row=3, values_only=True))
    assert debts == [("Xã Mới 001", "Đường thôn 1", "31/12/2025", 300_000_000, 0, 300_000_000)]


def test_the_word_report_has_the_disbursement_and_debt_tables(november):
    document = Document(io.BytesIO(documents.province_docx(november["rperiod"])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "5. Vốn, giải ngân và nợ đọng xây dựng cơ bản" in text
    assert "giải ngân đến ngày 30/11/2026: 1.750.000.000 đ, đạt 21,9% kế hoạch" in text
    # No phase plan in this world: no commune counts as a priority commune.
    assert "trong giai đoạn: 0 đ (0,0%); 4 công trình, bình quân 1.000.000.000 đ/công trình" in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Tổng cộng", "8.000.000.000 đ", "4.000.000.000 đ", "1.750.000.000 đ", "21,9"] in cells
    assert ["Xã Mới 001", "Đường thôn 1", "31/12/2025", "300.000.000 đ", "0 đ", "300.000.000 đ"] in cells


def test_the_component_table_is_the_same_on_the_dashboard_and_in_the_workbook(november, client):
    w = november
    services.set_plan_line(province=w["province"], year=2026, programme=w["programme"], source=w["province_budget"],
                           amount=2 * BILLION, decision_number="5/QĐ-UBND", decision_date=datetime.date(2026, 2, 1))
    summary = queries.year_summary(w["province"], 2026, day=datetime.date(2026, 11, 30))
    component = f"{w['programme'].short_name} · {w['component'].name}"
    whole = f"{w['programme'].short_name} · {queries.NO_COMPONENT}"
    assert [(g.label, g.plan, g.allocated, g.disbursed) for g in summary.by_component] == [
        (component, 8 * BILLION, 4 * BILLION, 1_750_000_000), (whole, 2 * BILLION, 0, 0)]
    workbook = load_workbook(io.BytesIO(documents.province_xlsx(w["rperiod"])))
    rows = list(workbook["Giải ngân"].iter_rows(min_row=3, values_only=True))
    assert (f"Nội dung: {component}", 8 * BILLION, 4 * BILLION, 1_750_000_000) in [r[:4] for r in rows]
    assert rows[-1][:4] == ("Tổng cộng", 10 * BILLION, 4 * BILLION, 1_750_000_000)

    from django.utils.html import escape

    from finance.tests.test_pages import users

    client.force_login(users(w)["officer"])
    html = client.get("/tai-chinh/?nam=2026").content.decode()
    table = html[html.index('id="by-component"'):]
    table = table[:table.index("</table>")]
    assert "Theo nội dung thành phần của chương trình" in html
    assert f"<td>{escape(component)}</td><td class=\"num\">8.000.000.000 đ</td>" in table
    assert f"<td>{escape(whole)}</td><td class=\"num\">2.000.000.000 đ</td>" in table
