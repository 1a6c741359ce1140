import datetime
import html as html_lib
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from conftest import make_new_province
from surveys import services
from surveys.models import Channel, HouseholdCode, Questionnaire, Response, Round
from surveys.tests.helpers import make_round, rows

pytestmark = pytest.mark.django_db
PASSWORD = "Survey-Pass-2026!"
FIXTURES = Path(__file__).parent / "fixtures"


def text(response) -> str:
    body = response.content.decode()
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def w():
    province, communes = make_new_province(2)
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=province)
    orgs = [accounts.ensure_organisation(code=f"xa{i}", name=f"UBND xã {i}", kind=OrganisationKind.COMMUNE,
                                         unit=c) for i, c in enumerate(communes)]

    def user(name, org, role):
        return accounts.create_user(by=None, username=name, full_name=name, email="", organisation=org,
                                    role=role, password=PASSWORD)

    return {"province": province, "communes": communes,
            "admin": user("admin1", office, Role.PROVINCE_ADMIN),
            "officer": user("officer1", office, Role.PROVINCE_OFFICER),
            "commune0": user("xa0", orgs[0], Role.COMMUNE_OFFICER),
            "commune1": user("xa1", orgs[1], Role.COMMUNE_OFFICER),
            "viewer0": user("xem0", orgs[0], Role.VIEWER)}


def test_a_commune_officer_creates_a_round_and_imports_answers(client, w):
    commune = w["communes"][0]
    form = services.ensure_default_questionnaire()
    client.force_login(w["commune0"])
    today = timezone.localdate()
    url = f"/khao-sat/xa/{commune.ref}/"
    bad = client.post(url, {"questionnaire": form.pk, "title": "Đợt 1", "conducted_by": "UBMTTQ xã",
                            "starts_on": today.isoformat(), "ends_on": today.isoformat(),
                            "villages": "Thôn A; 50\nThôn A; 20"})
    assert bad.status_code == 400 and "dòng 2: thôn Thôn A có hai lần." in text(bad)
    assert Round.objects.count() == 0
    response = client.post(url, {"questionnaire": form.pk, "title": "Đợt 1", "conducted_by": "UBMTTQ xã",
                                 "starts_on": today.isoformat(),
                                 "ends_on": (today + datetime.timedelta(days=7)).isoformat(),
                                 "villages": "Thôn Nà Lốc; 100; 80\nBản Mế; 60"})
    survey = Round.objects.get()
    assert response.status_code == 302 and response.url == f"/khao-sat/dot/{survey.pk}/"
    assert list(survey.villages.values_list("name", "households", "sample")) == [("Thôn Nà Lốc", 100, 80),
                                                                                  ("Bản Mế", 60, 60)]
    upload = SimpleUploadedFile("kobo.csv", (FIXTURES / "kobo_export.csv").read_bytes())
    response = client.post(f"/khao-sat/dot/{survey.pk}/nhap-kobo/", {"file": upload}, follow=True)
    page = text(response)
    assert "4 hộ" in page and "ghi_chu_dieu_tra_vien" in page
    assert "75,0%" in page and "3 trên 4 hộ trả lời" in page
    # The list of the commune's rounds shows the counts.
    listing = client.get(url).content.decode()
    row = re.search(rf'<tr data-round="{survey.pk}">(.*?)</tr>', listing, re.S).group(1)
    assert ">4<" in row and ">3<" in row


def test_the_round_page_shows_results_with_the_interval_and_coverage(client, w):
    survey = make_round(w["communes"][0])
    specs = [("Thôn Nà Lốc", True)] * 72 + [("Thôn Nà Lốc", False)] * 3 + [("Bản Mế", True)] * 45 + \
        [("Bản Mế", False)] * 5
    services.record_answers(survey, rows(specs), channel=Channel.EXCEL)
    client.force_login(w["officer"])
    page = text(client.get(f"/khao-sat/dot/{survey.pk}/"))
    assert "93,6%" in page and "khoảng tin cậy 95%: 87,9–96,7%" in page
    assert "78,1%" in page and "125 trên 160 hộ" in page and "Khoảng tin cậy 95%" in page
    assert "Mức hài lòng tham chiếu: 90%" in page and "chưa xác nhận mức cho xã" in page
    assert "ít nhất 70% số hộ" in page and "Ninh Thuận" in page
    body = client.get(f"/khao-sat/dot/{survey.pk}/").content.decode()
    village = re.search(r'<tr data-village="Bản Mế">(.*?)</tr>', body, re.S).group(1)
    assert "90,0%" in village and "78,6–95,7%" in village
    # A province officer reads, and is not offered the codes or the imports.
    assert 'id="codes-form"' not in body and 'id="excel-form"' not in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_round_page_costs_the_same_for_few_and_many_answers(client, w):
    small = make_round(w["communes"][0])
    services.record_answers(small, rows([("Bản Mế", True)] * 2), channel=Channel.EXCEL)
    big = make_round(w["communes"][0], frame=[services.VillageSpec(f"Thôn {i}", 50, 40) for i in range(12)])
    services.generate_codes(big)
    services.record_answers(big, rows([(f"Thôn {i % 12}", i % 5 != 0) for i in range(200)]),
                            channel=Channel.EXCEL)
    client.force_login(w["admin"])
    client.get("/khao-sat/")  # the first request computes the province's bound (accounts.bounds)
    assert _queries(client, f"/khao-sat/dot/{small.pk}/") == _queries(client, f"/khao-sat/dot/{big.pk}/")
    rounds_page = _queries(client, f"/khao-sat/xa/{small.unit.ref}/")
    for _i in range(3):
        services.record_answers(make_round(w["communes"][0]), rows([("Bản Mế", True)] * 3), channel=Channel.EXCEL)
    assert _queries(client, f"/khao-sat/xa/{small.unit.ref}/") == rounds_page
    few = _queries(client, "/khao-sat/")
    for i in range(5):
        services.import_questionnaire(services.default_form.spec(), source=f"x{i}")
    assert _queries(client, "/khao-sat/") == few


def test_access_is_checked_on_every_page(client, w):
    survey = make_round(w["communes"][0])
    services.generate_codes(survey)
    pages = [f"/khao-sat/dot/{survey.pk}/", f"/khao-sat/xa/{survey.unit.ref}/"]
    run_only = [f"/khao-sat/dot/{survey.pk}/ma-ho/", f"/khao-sat/dot/{survey.pk}/ma-ho.xlsx",
                f"/khao-sat/dot/{survey.pk}/mau-nhap.xlsx"]
    posts = [f"/khao-sat/dot/{survey.pk}/tao-ma/", f"/khao-sat/dot/{survey.pk}/dong/",
             f"/khao-sat/dot/{survey.pk}/nhap-excel/", f"/khao-sat/dot/{survey.pk}/nhap-kobo/"]
    client.force_login(w["commune1"])  # another commune
    for url in pages + run_only + posts:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 403, url
    for name in ("officer", "viewer0"):  # read, not run
        client.force_login(w[name])
        for url in pages:
            assert client.get(url).status_code == 200, (name, url)
        for url in run_only:
            assert client.get(url).status_code == 403, (name, url)
        for url in posts:
            assert client.post(url).status_code == 403, (name, url)
    client.force_login(w["commune0"])
    for url in pages + run_only:
        assert client.get(url).status_code == 200, url
    form = Questionnaire.objects.get()
    assert client.post(f"/khao-sat/phieu/{form.pk}/", {"question": "giao_thong",
                                                        "satisfied": ["hai_long"]}).status_code == 403
    assert client.post("/khao-sat/phieu/nhap/").status_code == 403
    client.logout()
    assert client.get(pages[0]).status_code == 302
    assert Round.objects.get().status == "open"


def test_the_codes_list_and_export_hold_the_codes(client, w):
    survey = make_round(w["communes"][0])
    services.generate_codes(survey)
    client.force_login(w["commune0"])
    page = client.get(f"/khao-sat/dot/{survey.pk}/ma-ho/").content.decode()
    codes = list(HouseholdCode.objects.filter(round=survey).values_list("code", flat=True))
    assert len(re.findall(r'data-code="', page)) == 140 and f"{codes[0][:5]}-{codes[0][5:]}" in page
    from openpyxl import load_workbook

    download = client.get(f"/khao-sat/dot/{survey.pk}/ma-ho.xlsx")
    ws = load_workbook(io.BytesIO(download.content)).active
    values = [row for row in ws.iter_rows(min_row=4, values_only=True)]
    assert len(values) == 140 and values[0][:2] == ("Thôn Nà Lốc", 1)
    assert {v[3].replace("-", "") for v in values} == set(codes)


def test_an_admin_imports_an_xlsform_and_sees_its_errors(client, w):
    client.force_login(w["admin"])
    upload = SimpleUploadedFile("f.xlsx", (FIXTURES / "xlsform_hai_long.xlsx").read_bytes())
    response = client.post("/khao-sat/phieu/nhap/", {"file": upload}, follow=True)
    form = Questionnaire.objects.get(code="hai_long_kobo")
    assert response.redirect_chain[-1][0] == f"/khao-sat/phieu/{form.pk}/"
    page = text(response)
    assert "Ông/bà có hài lòng với kết quả xây dựng NTM?" in page and "vi_tri (geopoint)" in page
    broken = client.post("/khao-sat/phieu/nhap/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert broken.status_code == 400 and "Không có gì được nhập" in text(broken)
    assert Questionnaire.objects.count() == 1


def test_the_public_form_takes_one_answer_per_code(client, w):
    survey = make_round(w["communes"][0])
    services.generate_codes(survey)
    code = HouseholdCode.objects.filter(village__name="Bản Mế").first()
    page = client.get("/phieu-khao-sat/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    opened = client.post("/phieu-khao-sat/", {"code": f"{code.code[:5]}-{code.code[5:]}".lower()})
    assert opened.status_code == 200 and "Bản Mế" in text(opened) and 'name="q_hai_long_chung"' in opened.content.decode()
    missing = client.post("/phieu-khao-sat/", {"answering": "1", "code": code.code, "q_giao_thong": "hai_long"})
    assert missing.status_code == 400 and Response.objects.count() == 0
    sent = client.post("/phieu-khao-sat/", {"answering": "1", "code": code.code, "q_hai_long_chung": "khong",
                                            "q_giao_thong": "chua_hai_long", "q_y_kien_khac": "=HYPERLINK(1)"})
    assert sent.status_code == 200 and "Ý kiến của ông/bà đã được ghi nhận" in text(sent)
    response = Response.objects.get()
    assert response.code_id == code.pk and not response.satisfied and response.village.name == "Bản Mế"
    again = client.post("/phieu-khao-sat/", {"code": code.code})
    assert again.status_code == 400 and "Mã này đã được dùng để trả lời" in text(again)
    resent = client.post("/phieu-khao-sat/", {"answering": "1", "code": code.code, "q_hai_long_chung": "co"})
    assert resent.status_code == 400 and Response.objects.count() == 1


def test_the_public_form_is_rate_limited(client, w, settings):
    settings.NTM_SURVEY_CODE_MAX_FAILURES = 3
    from django.core.cache import cache

    cache.clear()
    survey = make_round(w["communes"][0])
    services.generate_codes(survey)
    for _i in range(3):
        assert client.post("/phieu-khao-sat/", {"code": "AAAAA-BBBBB"}).status_code == 400
    good = HouseholdCode.objects.first().code
    blocked = client.post("/phieu-khao-sat/", {"code": good})
    assert blocked.status_code == 429 and "Nhập sai mã quá nhiều lần" in text(blocked)
    cache.clear()


def test_a_household_list_gives_one_named_code_per_listed_household(client, w):
    commune = w["communes"][0]
    form = services.ensure_default_questionnaire()
    client.force_login(w["commune0"])
    today = timezone.localdate()
    data = {"questionnaire": form.pk, "title": "Đợt 2", "conducted_by": "UBMTTQ xã", "starts_on": today.isoformat(),
            "ends_on": today.isoformat(), "villages": "Thôn Nà Lốc; 3\nBản Mế; 40; 30"}
    bad = client.post(f"/khao-sat/xa/{commune.ref}/", {**data, "household_list": "Thôn Nà Lốc; Hộ ông A\nThôn X; Hộ B"})
    assert bad.status_code == 400 and "danh sách hộ, dòng 2: thôn Thôn X không có trong danh sách thôn." in text(bad)
    too_many = "\n".join(f"Thôn Nà Lốc; Hộ {i}" for i in range(4))
    bad = client.post(f"/khao-sat/xa/{commune.ref}/", {**data, "household_list": too_many})
    assert "Danh sách có nhiều hộ ở Thôn Nà Lốc hơn số hộ của thôn (3)." in text(bad)
    assert Round.objects.count() == 0
    client.post(f"/khao-sat/xa/{commune.ref}/", {**data, "household_list": "thôn nà lốc; Hộ ông Lò Văn A\n"
                                                                          "Thôn Nà Lốc; Hộ bà Vàng Thị B"})
    survey = Round.objects.get()
    assert list(survey.villages.values_list("name", "sample")) == [("Thôn Nà Lốc", 2), ("Bản Mế", 30)]
    client.post(f"/khao-sat/dot/{survey.pk}/tao-ma/")
    codes = HouseholdCode.objects.filter(round=survey)
    assert codes.count() == 32
    assert list(codes.filter(village__name="Thôn Nà Lốc").values_list("household", flat=True)) == [
        "Hộ ông Lò Văn A", "Hộ bà Vàng Thị B"]
    page = text(client.get(f"/khao-sat/dot/{survey.pk}/ma-ho/"))
    assert "Hộ bà Vàng Thị B" in page


def test_the_excel_template_is_downloaded_filled_and_imported_all_or_nothing(client, w):
    from openpyxl import load_workbook

    survey = make_round(w["communes"][0])
    client.force_login(w["commune0"])
    download = client.get(f"/khao-sat/dot/{survey.pk}/mau-nhap.xlsx")
    assert download["Content-Disposition"] == f'attachment; filename="mau-nhap-khao-sat-{survey.pk}.xlsx"'
    wb = load_workbook(io.BytesIO(download.content))
    ws = wb["TraLoi"]
    assert ws["A2"].value == "Thôn" and ws["B2"].value.startswith("Ông/bà có hài lòng")
    ws.append(["Bản Mế", "co", "hai_long"])
    ws.append(["Bản Mế", "khong", "chua_hai_long"])
    ws.append(["Thôn Nà Lốc", "", "hai_long"])
    buffer = io.BytesIO()
    wb.save(buffer)
    bad = client.post(f"/khao-sat/dot/{survey.pk}/nhap-excel/",
                      {"file": SimpleUploadedFile("tra-loi.xlsx", buffer.getvalue())})
    assert bad.status_code == 400
    assert "trang tính TraLoi, dòng 5: câu hỏi hai_long_chung" in text(bad) and "Không có gì được nhập" in text(bad)
    assert Response.objects.count() == 0
    ws.delete_rows(5)
    buffer = io.BytesIO()
    wb.save(buffer)
    good = client.post(f"/khao-sat/dot/{survey.pk}/nhap-excel/",
                       {"file": SimpleUploadedFile("tra-loi.xlsx", buffer.getvalue())}, follow=True)
    assert "Đã nhập câu trả lời của 2 hộ." in text(good)
    assert sorted(Response.objects.values_list("satisfied", flat=True)) == [False, True]
    assert "50,0%" in text(good) and "1 trên 2 hộ trả lời" in text(good)
    # Closed: the round takes no more files and says so.
    client.post(f"/khao-sat/dot/{survey.pk}/dong/")
    again = client.post(f"/khao-sat/dot/{survey.pk}/nhap-excel/",
                        {"file": SimpleUploadedFile("tra-loi.xlsx", buffer.getvalue())})
    assert again.status_code == 400 and "Đợt khảo sát đã kết thúc, không nhận thêm câu trả lời." in text(again)
    assert Response.objects.count() == 2
