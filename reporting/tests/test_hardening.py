"""Hostile text in reports: control characters and formulas already stored, download names built
from stored codes, the forms' refusals and limits, and the client address in the audit trail."""

import io

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from accounts.models import Organisation
from audit.models import AuditRecord
from reporting import services
from reporting.models import ReportSchedule, State, Submission
from reporting.tests.helpers import FULL, build_world, local, reporter, with_values
from units.models import Unit

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
IP = "198.51.100.23"
CONTROL_MESSAGE = "Văn bản có ký tự điều khiển ẩn (ví dụ ký tự tab dọc); hãy xóa các ký tự đó rồi gửi lại."


@pytest.fixture
def world(settings, criteria_sets):
    settings.NTM_PROVINCE_REFS = "10"
    settings.NTM_CLIENT_IP_HEADER = ""
    w = build_world()
    w["period"] = with_values(w)
    with time_machine.travel(local(2024, 10, 24, 9, 0), tick=False):
        services.submit(user=w["users"]["d0"], period=w["october"], reporter=reporter(w, "d0"),
                        sections={"ket_qua": "Hoàn thành", "kho_khan": "Vốn", "de_xuat": "Bổ sung"})
    return w


@pytest.fixture
def hostile(world):
    """Report text, a unit name and an agency name stored without a form."""
    Submission.objects.filter(period=world["october"]).update(sections={
        "ket_qua": "Hoàn\x0b thành\x01 đường =1+1", "kho_khan": "Vốn\x1b chậm\x7f", "de_xuat": "\x0cBổ sung"})
    Unit.objects.filter(pk=world["units"]["d0"].pk).update(name=f"{FORMULA}\x0b Huyện")
    Organisation.objects.filter(pk=world["agency"].pk).update(name="Sở\x0b Nông\x01 nghiệp")
    return world


def test_the_province_documents_open_with_the_stored_text_cleaned(client, hostile):
    world = hostile
    client.force_login(world["users"]["officer"])
    response = client.get(f"/bao-cao/ky/{world['october'].pk}/bao-cao.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"{FORMULA} Huyện: Hoàn thành đường =1+1" in text
    assert "Vốn chậm" in text and "Bổ sung" in text
    response = client.get(f"/bao-cao/ky/{world['october'].pk}/bao-cao.xlsx")
    assert response.status_code == 200
    load_workbook(io.BytesIO(response.content))


def test_the_agency_documents_open_with_the_stored_name_cleaned(client, hostile):
    world = hostile
    client.force_login(world["users"]["officer"])
    base = f"/bao-cao/ky/{world['q4'].pk}/co-quan/{world['agency'].pk}/bao-cao"
    with time_machine.travel(local(2025, 1, 3, 9, 0), tick=False):
        response = client.get(f"{base}.docx")
    assert response.status_code == 200
    assert "SỞ NÔNG NGHIỆP" in Document(io.BytesIO(response.content)).tables[0].rows[0].cells[0].text
    response = client.get(f"{base}.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Tiêu chí"]["A1"].value.startswith("Sở Nông nghiệp — ")


def test_the_completeness_exports_write_names_as_text(client, hostile):
    world = hostile
    client.force_login(world["users"]["officer"])
    response = client.get(f"/bao-cao/ky/{world['october'].pk}/tinh-trang.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=HYPERLINK"))
    assert cell.value == f"{FORMULA} Huyện" and cell.data_type == "s"
    response = client.get(f"/bao-cao/lich/{world['monthly'].pk}/don-vi/", {"xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert any(c.value == f"{FORMULA} Huyện" and c.data_type == "s" for c in names)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_download_names_are_built_from_safe_parts(client, world):
    ReportSchedule.objects.filter(pk=world["monthly"].pk).update(code='x"; filename="evil.html')
    Organisation.objects.filter(pk=world["agency"].pk).update(code='so\r\nSet-Cookie: a=b"')
    client.force_login(world["users"]["officer"])
    period = client.get(f"/bao-cao/ky/{world['october'].pk}/tinh-trang.xlsx")["Content-Disposition"]
    assert period == 'attachment; filename="bao-cao-x-filename-evil-html-2024-10-tinh-trang.xlsx"'
    totals = client.get(f"/bao-cao/lich/{world['monthly'].pk}/don-vi/", {"xuat": "xlsx"})
    assert totals["Content-Disposition"] == 'attachment; filename="bao-cao-x-filename-evil-html-don-vi.xlsx"'
    agency = client.get(f"/bao-cao/ky/{world['q4'].pk}/co-quan/{world['agency'].pk}/bao-cao.xlsx")
    assert agency["Content-Disposition"] == 'attachment; filename="bao-cao-quy-so-set-cookie-a-b-2024-10.xlsx"'
    assert "Set-Cookie" not in agency.headers


def _form_url(world, key, period="october"):
    return f"/bao-cao/nop/{world[period].pk}/u{world['units'][key].pk}/"


def test_the_report_form_refuses_control_characters_and_states_the_limit(client, world):
    client.force_login(world["users"]["d1"])
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False):
        response = client.post(_form_url(world, "d1"), {"ket_qua": "Hoàn\x0b thành", "de_xuat": "x" * 20_001,
                                                         "submit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert CONTROL_MESSAGE in html and "Tối đa 20000 ký tự (văn bản này có 20001 ký tự)." in html
    assert not Submission.objects.filter(unit=world["units"]["d1"]).exists()


def test_a_return_comment_is_refused_when_too_long_or_hostile(client, world):
    submission = Submission.objects.get(unit=world["units"]["d0"])
    client.force_login(world["users"]["officer"])
    url = f"/bao-cao/ho-so/{submission.pk}/tra-lai/"
    html = client.post(url, {"comment": "c" * 100_000}, follow=True).content.decode()
    assert "Tối đa 5000 ký tự (văn bản này có 100000 ký tự)." in html
    html = client.post(url, {"comment": "Thiếu\x0b phụ lục"}, follow=True).content.decode()
    assert CONTROL_MESSAGE in html
    html = client.post(url, {"comment": "  "}, follow=True).content.decode()
    assert "Hãy nêu lý do trả lại báo cáo." in html
    assert Submission.objects.get(pk=submission.pk).state == State.SUBMITTED


def test_every_reporting_write_from_a_page_records_the_client_address(client, world):
    start = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()
    client.force_login(world["users"]["d1"])
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False):
        client.post(_form_url(world, "d1"), {"ket_qua": "Nháp", "draft": "1"}, REMOTE_ADDR=IP)
        client.post(_form_url(world, "d1"), {**FULL, "ket_qua": "Xong", "submit": "1", "confirm": "1"},
                        REMOTE_ADDR=IP)
        submission = Submission.objects.get(unit=world["units"]["d1"])
        client.force_login(world["users"]["officer"])
        client.post(f"/bao-cao/ho-so/{submission.pk}/tra-lai/", {"comment": "Thiếu phụ lục"}, REMOTE_ADDR=IP)
        client.force_login(world["users"]["d1"])
        client.post(_form_url(world, "d1"), {**FULL, "ket_qua": "Đã bổ sung", "submit": "1",
                                                    "confirm": "1"}, REMOTE_ADDR=IP)
        client.force_login(world["users"]["officer"])
        client.post(f"/bao-cao/ho-so/{submission.pk}/chap-nhan/", REMOTE_ADDR=IP)
    assert Submission.objects.get(pk=submission.pk).state == State.ACCEPTED
    records = AuditRecord.objects.filter(id__gt=start, action__startswith="reporting.submission.")
    assert set(records.values_list("action", flat=True)) == {
        "reporting.submission.draft", "reporting.submission.submit", "reporting.submission.return",
        "reporting.submission.accept"}
    assert set(records.values_list("ip_address", flat=True)) == {IP}
