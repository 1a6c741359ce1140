"""The official documents: ND 30/2020 layout, Times New Roman, and the dashboard's figures."""

import io
from decimal import Decimal

import pytest
import time_machine
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from dashboard.queries import province_dashboard
from reporting import documents, exports, services
from reporting.queries import completeness
from reporting.tests.helpers import build_world, local, reporter, with_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, criteria_sets):
    settings.NTM_PROVINCE_REFS = "10"
    w = build_world()
    w["period"] = with_values(w)
    with time_machine.travel(local(2024, 10, 24, 9, 0), tick=False):
        services.submit(user=w["users"]["d0"], period=w["october"], reporter=reporter(w, "d0"), sections={
            "ket_qua": "Hoàn thành đường giao thông thôn Sín Chải.",
            "kho_khan": "Vốn đối ứng chậm.", "de_xuat": "Bổ sung vốn sự nghiệp."})
        services.save_draft(user=w["users"]["d1"], period=w["october"], reporter=reporter(w, "d1"),
                            sections={"ket_qua": "Bản nháp chưa gửi"})
    return w


def _docx(world, **kwargs) -> Document:
    with time_machine.travel(local(2024, 10, 28, 9, 0), tick=False):
        return Document(io.BytesIO(documents.province_docx(world["october"], **kwargs)))


def _text(cell) -> str:
    return cell.text.strip()


def _number(text: str):
    return None if text == "—" else Decimal(text.replace(",", "."))


def test_the_header_follows_the_administrative_layout(world):
    doc = _docx(world)
    left, right = doc.tables[0].rows[0].cells
    assert "UBND TỈNH LÀO CAI" in left.text
    assert "Số: …/BC-UBND" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    date_para = [p for p in right.paragraphs if p.text.startswith("Lào Cai, ngày")][0]
    assert date_para.text == "Lào Cai, ngày 28 tháng 10 năm 2024"
    assert all(run.italic for run in date_para.runs)
    body = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in body
    assert any("xây dựng nông thôn mới tháng 10 năm 2024" in t for t in body)
    assert "(Dữ liệu minh họa)" in body
    closing = doc.tables[-1].rows[0].cells
    assert closing[0].paragraphs[0].text == "Nơi nhận:"
    assert "TM. ỦY BAN NHÂN DÂN" in closing[1].text


def test_every_run_is_times_new_roman_13_or_14_pt(world):
    doc = _docx(world)
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        assert run.font.size in (Pt(13), Pt(14)), run.text
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_the_tables_show_the_dashboard_figures(world):
    board = province_dashboard(world["period"])
    doc = _docx(world)
    summary = {_text(r.cells[0]): _text(r.cells[1]) for r in doc.tables[1].rows[1:]}
    assert int(summary["Số xã trong Chương trình"]) == board.communes == 6
    assert int(summary["Số xã được công nhận: Nông thôn mới"]) == board.recognised_by_level["ntm"] == 2
    assert int(summary["Số xã đạt theo số liệu: Nông thôn mới"]) == board.meeting_by_level["ntm"]
    assert _number(summary["Số tiêu chí đạt bình quân/xã"]) == board.average_met
    assert int(summary["Số xã đã công nhận có tiêu chí không đạt (nguy cơ)"]) == len(board.at_risk) == 1

    districts = doc.tables[2]
    assert [_text(c) for c in districts.rows[0].cells][:2] == ["Huyện", "Số xã"]
    body = [[_text(c) for c in r.cells] for r in districts.rows[1:]]
    total = body.pop()
    assert total[0] == "Toàn tỉnh"
    assert [int(total[1]), int(total[2]), int(total[3])] == [
        board.communes, board.recognised_by_level["ntm"], board.meeting_by_level["ntm"]]
    assert _number(total[4]) == board.average_met
    assert int(total[5]) == len(board.at_risk)
    assert sum(int(r[1]) for r in body) == board.communes
    assert sum(int(r[2]) for r in body) == board.recognised_by_level["ntm"]
    assert sum(int(r[5]) for r in body) == len(board.at_risk)

    plan = [[_text(c) for c in r.cells] for r in doc.tables[3].rows[1:]]
    assert [(r[1], int(r[2]), r[3]) for r in plan] == [
        (str(p.year), p.target, "—" if p.actual is None else str(p.actual)) for p in board.plan]


def test_the_narrative_comes_from_submitted_reports_only(world):
    text = "\n".join(p.text for p in _docx(world).paragraphs)
    assert "Huyện Số 0: Hoàn thành đường giao thông thôn Sín Chải." in text
    assert "Vốn đối ứng chậm." in text and "Bổ sung vốn sự nghiệp." in text
    assert "Bản nháp chưa gửi" not in text
    assert "1/4 đơn vị đã nộp" in text


def test_no_demo_mark_without_demo_data(world, settings):
    settings.NTM_DEMO = False
    assert "(Dữ liệu minh họa)" not in [p.text for p in _docx(world).paragraphs]


def test_the_excel_tables_hold_the_same_figures(world):
    board = province_dashboard(world["period"])
    workbook = load_workbook(io.BytesIO(documents.province_xlsx(world["october"])))
    assert workbook.sheetnames == ["Tổng hợp", "Theo huyện", "Kế hoạch giai đoạn"]
    sheet = workbook["Theo huyện"]
    assert sheet["A1"].value.endswith("(Dữ liệu minh họa)")
    assert [c.value for c in sheet[2]][:2] == ["Huyện", "Số xã"]
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[:4] == ["Toàn tỉnh", board.communes, board.recognised_by_level["ntm"], board.meeting_by_level["ntm"]]
    assert total[4] == pytest.approx(float(board.average_met))
    assert total[5] == len(board.at_risk)
    summary = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert summary["Số xã trong Chương trình"] == board.communes


def test_the_agency_report_shows_its_criteria_pass_rates(world):
    board = province_dashboard(world["period"])
    expected = {r.code: r for r in board.rates if r.code in {"3", "13"}}
    with time_machine.travel(local(2025, 1, 3, 9, 0), tick=False):
        doc = Document(io.BytesIO(documents.agency_docx(world["q4"], world["agency"])))
    assert "SỞ NÔNG NGHIỆP" in doc.tables[0].rows[0].cells[0].text
    assert "UBND TỈNH LÀO CAI" in doc.tables[0].rows[0].cells[0].text
    rows = [[_text(c) for c in r.cells] for r in doc.tables[1].rows[1:]]
    assert len(rows) == 2
    for row in rows:
        rate = expected[row[0].split(".")[0]]
        assert (int(row[1]), int(row[2]), int(row[4])) == (rate.met, rate.unmet, rate.total)
        assert _number(row[5]) == rate.percent
    sheet = load_workbook(io.BytesIO(documents.agency_xlsx(world["q4"], world["agency"])))["Tiêu chí"]
    assert sheet.cell(3, 2).value == expected[sheet.cell(3, 1).value.split(".")[0]].met


def test_the_completeness_export_cells(world):
    c = completeness(world["october"], today=__import__("datetime").date(2024, 10, 26))
    workbook = load_workbook(io.BytesIO(exports.period_xlsx(c)))
    summary = workbook.worksheets[0]
    assert [cell.value for cell in summary[6]][:5] == [4, 1, 1, 0, 3]
    assert summary.cell(6, 6).value == pytest.approx(25.0)
    rows = {r[0]: r for r in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Huyện Số 0", "Huyện Số 1", "Huyện Số 2", "Huyện Mới Lập"}
    assert rows["Huyện Số 0"][3] in ("có", "yes")
    assert rows["Huyện Số 1"][4] in ("có", "yes")  # a draft is still overdue


def test_downloads_are_for_province_roles_only(client, world):
    url = f"/bao-cao/ky/{world['october'].pk}/bao-cao.docx"
    client.force_login(world["users"]["d0"])
    assert client.get(url).status_code == 403
    client.force_login(world["users"]["officer"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert client.get(f"/bao-cao/ky/{world['october'].pk}/bao-cao.xlsx").status_code == 200
    assert client.get(f"/bao-cao/ky/{world['q4'].pk}/co-quan/{world['agency'].pk}/bao-cao.docx").status_code == 200
    assert client.get("/bao-cao/").status_code == 200
