"""The posted comments on the public portal's commune page, the recognition rows of the commune
page (direct record, decision after the period, correction), and the dossier page's cost."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from recognition import decisions, services
from recognition.models import Dossier, Kind, PostingComment
from recognition.tests.helpers import walk, world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_portal_commune_page_shows_the_posted_comments_and_answers(client, criteria_sets, settings, officer,
                                                                       tmp_path):
    from portal.tests.helpers import build

    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    _p2025, p2026, _old, new = build(officer)
    # The rows as a posting leaves them (the stages before are not what this page is about).
    dossier = Dossier.objects.create(unit=new[0], period=p2026, level_code="ntm", kind=Kind.RECOGNITION,
                                     stage="posting", registered_on=datetime.date(2026, 9, 1),
                                     posted_where="UBND xã", posting_start=datetime.date(2026, 9, 10),
                                     posting_end=datetime.date(2026, 9, 25), broadcasts=5,
                                     created_at=timezone.now())
    PostingComment.objects.create(dossier=dossier, commenter="Ông Vàng A Dính, thôn Nậm Pung",
                                  comment="Nước sạch thôn chưa ổn định", answer="Đã sửa bể chứa tháng 9",
                                  answered_on=datetime.date(2026, 9, 26), recorded_at=timezone.now())
    html = client.get(f"/cong-khai/xa/{new[0].ref}/").content.decode()
    table = re.search(r'id="dossier-comments">(.*?)</table>', html, re.S).group(1)
    assert "Ông Vàng A Dính, thôn Nậm Pung" in table and "Nước sạch thôn chưa ổn định" in table
    assert "Đã sửa bể chứa tháng 9" in table and "10/09/2026 – 25/09/2026" in table
    assert "Ý kiến góp ý về hồ sơ đề nghị công nhận" in html
    other = client.get(f"/cong-khai/xa/{new[1].ref}/").content.decode()
    assert 'id="dossier-comments"' not in other


@pytest.fixture
def w(criteria_sets):
    province, communes, period = world()
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=province)
    admin = accounts.create_user(by=None, username="admin1", full_name="A", email="", organisation=office,
                                 role=Role.PROVINCE_ADMIN, password="Dossier-Pass-2026!")
    viewer = accounts.create_user(by=None, username="officer1", full_name="O", email="", organisation=office,
                                  role=Role.PROVINCE_OFFICER, password="Dossier-Pass-2026!")
    return {"province": province, "communes": communes, "period": period, "admin": admin, "officer": viewer}


def test_the_commune_page_marks_direct_records_and_decisions_after_the_period(client, w):
    commune, period = w["communes"][0], w["period"]
    old = decisions.record_direct_recognition(
        commune, level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2018, 6, 1), issuer="UBND tỉnh", before_system=True)
    late = decisions.record_direct_recognition(
        commune, level_code="nang-cao", level_rank=2, family="ntm-xa-2021", decision_number="88/QĐ-UBND",
        decision_date=period.as_of + datetime.timedelta(days=30), issuer="UBND tỉnh")
    client.force_login(w["admin"])
    html = client.get(f"/xa/{commune.ref}/?ky={period.code}").content.decode()
    row_old = re.search(rf'<tr data-recognition="{old.pk}">(.*?)</tr>', html, re.S).group(1)
    row_late = re.search(rf'<tr data-recognition="{late.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "ghi nhận trực tiếp, trước khi có hệ thống" in row_old and "after-period" not in row_old
    assert "ghi nhận trực tiếp" not in row_late
    assert f"Ban hành sau ngày {period.as_of.strftime('%d/%m/%Y')}" in row_late and "chưa được tính trong kỳ này" in row_late
    assert f"/cong-nhan/quyet-dinh/{old.pk}/dinh-chinh/" in row_old
    note = re.search(r'id="recognised-after-period">(.*?)</p>', html, re.S).group(1)
    assert "88/QĐ-UBND" in note and "tình trạng pháp lý ở trên là tình trạng có hiệu lực" in note


def test_the_correction_page_corrects_and_lists_the_old_values(client, w):
    commune = w["communes"][0]
    recognition = decisions.record_direct_recognition(
        commune, level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="12/QD",
        decision_date=datetime.date(2018, 6, 1), issuer="UBND tỉnh", before_system=True)
    url = f"/cong-nhan/quyet-dinh/{recognition.pk}/dinh-chinh/"
    client.force_login(w["officer"])
    assert client.get(url).status_code == 403
    client.force_login(w["admin"])
    future = client.post(url, {"decision_number": "12/QĐ-UBND", "issuer": "UBND tỉnh", "reason": "Sai dấu",
                               "decision_date": (TODAY + datetime.timedelta(days=2)).isoformat()})
    assert future.status_code == 200 and "không được ở tương lai" in future.content.decode()
    done = client.post(url, {"decision_number": "12/QĐ-UBND", "issuer": "UBND tỉnh", "reason": "Sai dấu",
                             "decision_date": "2018-06-01"})
    assert done.status_code == 302
    html = client.get(url).content.decode()
    assert "12/QD · 2018-06-01 · UBND tỉnh" in html and "Sai dấu" in html


def test_the_recognition_form_records_a_direct_decision_before_the_system(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recognition.tests.helpers import PDF

    commune = w["communes"][0]
    client.force_login(w["admin"])
    url = f"/xa/{commune.ref}/cong-nhan/"
    form = client.get(url)
    assert form.status_code == 200, url
    response = client.post(url, {"level_code": "ntm", "decision_number": "9/QĐ-UBND", "decision_date": "2019-03-04",
                                 "issuer": "UBND tỉnh", "before_system": "on",
                                 "signed_scan": SimpleUploadedFile("qd.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    recognition = commune.recognitions.get()
    assert recognition.decision_record.before_system and recognition.decision_record.signed_scan.name
    future = client.post(url, {"level_code": "ntm", "decision_number": "10/QĐ-UBND", "issuer": "UBND tỉnh",
                               "decision_date": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert future.status_code == 200 and "không được ở tương lai" in future.content.decode()
    assert commune.recognitions.count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_dossier_page_costs_the_same_for_few_and_many_comments(client, w):
    dossier = walk(services.register_dossier(w["communes"][0], w["period"], "ntm", registered_on=TODAY),
                   to="posting")
    client.force_login(w["admin"])
    client.get("/cong-nhan/")  # the first request computes the province's bound (accounts.bounds)
    few = _queries(client, f"/cong-nhan/{dossier.pk}/")
    PostingComment.objects.bulk_create([
        PostingComment(dossier=dossier, commenter=f"Hộ {i}", comment=f"Ý kiến {i}", recorded_at=timezone.now())
        for i in range(30)])
    many = _queries(client, f"/cong-nhan/{dossier.pk}/")
    assert few == many
    page = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    assert page.count('<tr data-comment="') == 32


def test_documents_and_zip_are_refused_outside_the_commune(client, w):
    dossier = walk(services.register_dossier(w["communes"][0], w["period"], "ntm", registered_on=TODAY),
                   to="self_assessment")
    other = accounts.ensure_organisation(code="xa1", name="UBND xã 1", kind=OrganisationKind.COMMUNE,
                                         unit=w["communes"][1])
    outsider = accounts.create_user(by=None, username="xa1", full_name="X", email="", organisation=other,
                                    role=Role.COMMUNE_OFFICER, password="Dossier-Pass-2026!")
    client.force_login(outsider)
    assert client.get(f"/cong-nhan/{dossier.pk}/ho-so.zip").status_code == 403
    assert client.get(f"/cong-nhan/{dossier.pk}/van-ban/to-trinh.docx").status_code == 403
    client.force_login(w["officer"])
    response = client.get(f"/cong-nhan/{dossier.pk}/van-ban/bao-cao-tu-danh-gia.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-tu-danh-gia-xa-thu-000-{dossier.pk}.docx"')
