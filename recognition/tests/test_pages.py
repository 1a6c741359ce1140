import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services as values
from assessments.models import Recognition
from recognition import services
from recognition.models import Dossier, Stage
from recognition.tests.helpers import PDF, walk, world

pytestmark = pytest.mark.django_db
PASSWORD = "Dossier-Pass-2026!"
TODAY = timezone.localdate()


def _dates(*days_ago) -> str:
    return ", ".join((TODAY - datetime.timedelta(days=d)).strftime("%d/%m/%Y") for d in days_ago)


def text(response) -> str:
    body = response.content.decode()
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def w(criteria_sets):
    province, communes, period = world()
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=province)
    c0 = accounts.ensure_organisation(code="xa0", name="UBND xã 0", kind=OrganisationKind.COMMUNE,
                                      unit=communes[0])
    c1 = accounts.ensure_organisation(code="xa1", name="UBND xã 1", kind=OrganisationKind.COMMUNE,
                                      unit=communes[1])

    def user(name, org, role):
        return accounts.create_user(by=None, username=name, full_name=name, email="", organisation=org,
                                    role=role, password=PASSWORD)

    return {"province": province, "communes": communes, "period": period,
            "admin": user("admin1", office, Role.PROVINCE_ADMIN),
            "officer": user("officer1", office, Role.PROVINCE_OFFICER),
            "commune0": user("xa0", c0, Role.COMMUNE_OFFICER),
            "commune1": user("xa1", c1, Role.COMMUNE_OFFICER)}


def test_an_admin_walks_the_dossier_through_the_pages(client, w):
    commune, period = w["communes"][0], w["period"]
    client.force_login(w["admin"])
    detail = client.get(f"/xa/{commune.ref}/")
    assert f"/cong-nhan/xa/{commune.ref}/dang-ky/" in detail.content.decode()
    response = client.post(f"/cong-nhan/xa/{commune.ref}/dang-ky/",
                           {"period": period.code, "level_code": "ntm", "registered_on": TODAY.isoformat()})
    dossier = Dossier.objects.get(unit=commune)
    assert response.status_code == 302 and response.url == f"/cong-nhan/{dossier.pk}/"
    step = f"/cong-nhan/{dossier.pk}/buoc-tiep/"
    assert client.post(step, {}).status_code == 302  # freeze
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "19/19 tiêu chí đạt" in page or "19/19" in page
    assert "Tự đánh giá (chốt dữ liệu)" in page
    assert "ít nhất 5 lần trong thời gian 15 ngày" in page and "chưa xác minh với văn bản gốc" in page
    # Posting too short: refused with the reason, nothing recorded.
    client.post(step, {"opinions": "MTTQ đồng ý"})
    response = client.post(step, {"posted_where": "UBND xã", "start": (TODAY - datetime.timedelta(days=9)).isoformat(),
                                  "end": TODAY.isoformat(), "broadcast_dates": _dates(9, 7, 5, 3, 1)})
    assert response.status_code == 400
    assert "mới được niêm yết 10 ngày; quy định yêu cầu 15 ngày" in text(response)
    response = client.post(step, {"posted_where": "UBND xã", "start": (TODAY - datetime.timedelta(days=20)).isoformat(),
                                  "end": (TODAY - datetime.timedelta(days=2)).isoformat(),
                                  "broadcast_dates": _dates(20, 18, 15)})
    assert response.status_code == 400 and "thông báo 3 lần" in text(response)
    response = client.post(step, {"posted_where": "UBND xã", "start": (TODAY - datetime.timedelta(days=20)).isoformat(),
                                  "end": (TODAY - datetime.timedelta(days=2)).isoformat(),
                                  "broadcast_dates": _dates(20, 18, 15, 12, 9, 6),
                                  "comments": "Ông A, thôn 1 | Làm rõ tiêu chí 17 | Đã giải trình\nThôn 3 hỏi về điện"})
    assert response.status_code == 302
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "6 lần thông báo" in page and "Làm rõ tiêu chí 17" in page and "Đã giải trình" in page
    comment = dossier.posting_comments.get(commenter="")
    assert client.post(f"/cong-nhan/{dossier.pk}/y-kien/{comment.pk}/tra-loi/",
                       {"answer": "Điện lực đã lắp thêm trạm", "answered_on": TODAY.isoformat()}).status_code == 302
    comment.refresh_from_db()
    assert comment.answer == "Điện lực đã lắp thêm trạm"
    client.post(step, {"conducted_by": "UBMTTQ xã", "conducted_on": TODAY.isoformat(), "households_total": "1000",
                       "households_surveyed": "800", "satisfied": "760"})
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "760 trên 800 hộ được khảo sát hài lòng" in page and "95,0%" in page and "80,0%" in page and "khoảng tin cậy 95%: 93,3–96,3%" in page
    client.post(step, {"appraised_by": "Sở NN&MT", "appraised_on": TODAY.isoformat(), "findings": "Đạt"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    future = client.post(step, {"decision_number": "7/QĐ-UBND", "signer": "Chủ tịch UBND tỉnh",
                                "decision_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
                                "signed_pdf": SimpleUploadedFile("qd.pdf", PDF, "application/pdf")})
    assert future.status_code == 400 and "Ngày quyết định không được ở tương lai" in text(future)
    unconfirmed = client.post(step, {"decision_number": "7/QĐ-UBND", "signer": "Chủ tịch UBND tỉnh",
                                     "decision_date": TODAY.isoformat(),
                                     "signed_pdf": SimpleUploadedFile("qd.pdf", PDF, "application/pdf")})
    assert unconfirmed.status_code == 400 and "Không nợ đọng xây dựng cơ bản" in text(unconfirmed)
    condition = f"/cong-nhan/{dossier.pk}/dieu-kien/"
    response = client.post(condition, {"kind": "no_debt", "holds": "1", "declared_by": "UBND xã",
                                       "declared_on": TODAY.isoformat(), "document_ref": "12/BC-UBND"})
    assert response.status_code == 400 and "Cần có văn bản (tệp)" in text(response)
    assert client.post(condition, {"kind": "no_debt", "holds": "1", "declared_by": "UBND xã",
                                   "declared_on": TODAY.isoformat(), "document_ref": "12/BC-UBND",
                                   "document": SimpleUploadedFile("bc.pdf", PDF, "application/pdf")}).status_code == 302
    assert client.post(condition, {"kind": "security", "holds": "1", "declared_by": "Công an tỉnh",
                                   "declared_on": TODAY.isoformat(), "document_ref": "88/CAT"}).status_code == 302
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "Công an tỉnh, 88/CAT ngày" in page
    client.post(step, {"decision_number": "7/QĐ-UBND", "signer": "Chủ tịch UBND tỉnh",
                       "decision_date": TODAY.isoformat(),
                       "signed_pdf": SimpleUploadedFile("qd.pdf", PDF, "application/pdf")})
    dossier.refresh_from_db()
    assert dossier.stage == Stage.DECISION
    assert Recognition.objects.get(unit=commune).decision_number == "7/QĐ-UBND"
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "7/QĐ-UBND" in page and "Chủ tịch UBND tỉnh" in page
    download = client.get(f"/cong-nhan/{dossier.pk}/quyet-dinh.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    client.force_login(w["commune1"])
    assert client.get(f"/cong-nhan/{dossier.pk}/quyet-dinh.pdf").status_code == 403


def test_the_page_shows_where_today_differs_from_the_snapshot(client, w):
    commune, period = w["communes"][0], w["period"]
    dossier = walk(services.register_dossier(commune, period, "ntm", registered_on=TODAY), to="self_assessment")
    values.record_values(commune, period, {"10.1": "30"}, source="Điều tra lại", reason="Sửa")
    client.force_login(w["officer"])
    body = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    row = re.search(r'<tr data-indicator="10.1">(.*?)</tr>', body, re.S)
    assert row and "30" in row.group(1) and "(unmet)" in row.group(1) and "(met)" in row.group(1)
    assert "19/19" in text(client.get(f"/cong-nhan/{dossier.pk}/"))
    # A province officer reads but has no action form.
    assert 'id="step-form"' not in body


def test_other_roles_are_refused(client, w):
    commune, period = w["communes"][0], w["period"]
    dossier = services.register_dossier(commune, period, "ntm", registered_on=TODAY)
    step = f"/cong-nhan/{dossier.pk}/buoc-tiep/"
    for name in ("officer", "commune0"):
        client.force_login(w[name])
        assert client.post(step, {}).status_code == 403
        assert client.post(f"/cong-nhan/{dossier.pk}/tra-lai/", {"reason": "x"}).status_code == 403
        assert client.get(f"/cong-nhan/xa/{commune.ref}/dang-ky/").status_code == 403
    client.force_login(w["commune0"])
    assert client.get(f"/cong-nhan/{dossier.pk}/").status_code == 200
    client.force_login(w["commune1"])
    assert client.get(f"/cong-nhan/{dossier.pk}/").status_code == 403
    assert str(dossier.pk) not in re.findall(r'data-dossier="(\d+)"', client.get("/cong-nhan/").content.decode())
    client.logout()
    assert client.get(f"/cong-nhan/{dossier.pk}/").status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.REGISTRATION


def test_the_list_shows_the_dossiers_with_their_stage(client, w):
    period = w["period"]
    walk(services.register_dossier(w["communes"][0], period, "ntm", registered_on=TODAY), to="opinions")
    client.force_login(w["commune0"])
    page = text(client.get("/cong-nhan/"))
    assert "Xã Thử 000" in page and "Ý kiến của MTTQ và các tổ chức chính trị - xã hội" in page


def test_a_return_is_shown_in_the_history(client, w):
    dossier = walk(services.register_dossier(w["communes"][0], w["period"], "ntm", registered_on=TODAY),
                   to="opinions")
    client.force_login(w["admin"])
    response = client.post(f"/cong-nhan/{dossier.pk}/tra-lai/", {"reason": "Thiếu biên bản họp"})
    assert response.status_code == 302
    page = text(client.get(f"/cong-nhan/{dossier.pk}/"))
    assert "Thiếu biên bản họp" in page and "Trả lại về bước" in page


def test_the_registration_form_opens_on_today_and_the_latest_period(client, w):
    import re

    from django.utils import timezone

    commune = w["communes"][0]
    client.force_login(w["admin"])
    html = client.get(f"/cong-nhan/xa/{commune.ref}/dang-ky/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    options = re.findall(r'<option value="([^"]+)"', html.split('name="period"')[1].split("</select>")[0])
    assert options[0] == w["period"].code
