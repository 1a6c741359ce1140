"""Residents' feedback: a public form without login, limited per address without storing the
address, spam held, moderated by the office, the answer published with the question."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client

from accounts.models import Role
from accounts.tests.login_helpers import make_user
from audit.models import AuditRecord
from portal import services
from portal.models import Feedback, FeedbackStatus, LedgerEntry, PortalSettings
from portal.tests.helpers import build
from portal.tests.test_news import draft, user_with

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/129 Mobile Safari/537.36"


@pytest.fixture
def province(criteria_sets, settings, officer, tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    return build(officer)


@pytest.fixture
def commune(province):
    return province[3][0]


def form_url(unit):
    return f"/cong-khai/xa/{unit.ref}/phan-anh/"


def send(client, unit, text, *, ip=IP, **fields):
    """The resident's journey: open the form (CSRF cookie set there only), post it."""
    client.get(form_url(unit), REMOTE_ADDR=ip)
    token = client.cookies["csrftoken"].value
    return client.post(form_url(unit), {"text": text, "csrfmiddlewaretoken": token, **fields},
                       REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)


def test_a_resident_sends_feedback_without_login_and_it_waits_for_moderation(commune):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/cong-khai/xa/{commune.ref}/")
    assert not page.cookies and "public" in page["Cache-Control"]  # the commune page stays cacheable
    assert f'href="{form_url(commune)}"' in page.content.decode()
    form = client.get(form_url(commune))
    assert form.status_code == 200 and "csrftoken" in form.cookies and "sessionid" not in form.cookies
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    html = form.content.decode()
    assert "Gửi phản ánh, kiến nghị" in html and "<script" not in html
    assert "unsafe-inline" not in form["Content-Security-Policy"]
    # Without the CSRF token: refused, nothing written.
    assert client.post(form_url(commune), {"text": "Đường trục thôn 3 hỏng nặng"}).status_code == 403
    response = send(client, commune, "Đường trục thôn 3 hỏng nặng, đề nghị sửa trước mùa mưa.",
                    name="Nguyễn Văn A", contact="0912 345 678")
    assert response.status_code == 302 and response["Location"] == "/cong-khai/phan-anh/da-gui/"
    assert "sessionid" not in response.cookies and "messages" not in response.cookies
    thanks = client.get(response["Location"])
    assert "Phản ánh của bạn đã được gửi" in thanks.content.decode() and not thanks.cookies
    item = Feedback.objects.get()
    assert (item.unit, item.status, item.name, item.contact) == (commune, FeedbackStatus.PENDING,
                                                                  "Nguyễn Văn A", "0912 345 678")
    record = AuditRecord.objects.get(action="portal.feedback.submit")
    assert record.ip_address is None and record.user is None and record.unit == commune
    # Not public before moderation.
    assert "thôn 3 hỏng" not in client.get(f"/cong-khai/xa/{commune.ref}/").content.decode()


def test_the_nth_post_from_an_address_is_refused_and_no_address_is_stored(commune, settings, client):
    settings.NTM_FEEDBACK_LIMIT = 3
    for n in range(3):
        assert send(client, commune, f"Phản ánh số {n + 1} về đường thôn").status_code == 302
    refused = send(client, commune, "Phản ánh số 4 về đường thôn")
    assert refused.status_code == 429
    assert "Bạn đã gửi quá nhiều phản ánh từ kết nối này" in refused.content.decode()
    assert Feedback.objects.count() == 3
    assert send(client, commune, "Phản ánh từ một địa chỉ khác", ip="198.51.100.5").status_code == 302
    assert Feedback.objects.count() == 4
    # No field could hold an address, and no row of any table holds it.
    names = {f.name for f in Feedback._meta.get_fields()}
    assert not {n for n in names if "ip" in n.split("_") or "address" in n or "agent" in n}
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, (models.CharField, models.TextField, models.GenericIPAddressField,
                                         models.JSONField))]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            assert IP not in repr(row) and "198.51.100.5" not in repr(row), model
    # Nor does the cache: its counters are keyed by an HMAC of the address.
    keys = list(cache._cache.keys())
    assert any(":ntm:feedback:" in k for k in keys)
    assert not [k for k in keys if IP in k or "198.51.100" in k]


def test_spam_is_held_for_review_and_never_published_as_is(commune, officer):
    held = [
        "tip bóng đá uy tín nhất, vào ngay",
        "CÁ CƯỢC bóng đá tỷ lệ cao",
        "nha cai so 1 viet nam",
        "c.á c.ư.ợ.c online",
        "Xem thêm tại https://vi-du.example/khuyen-mai",
        "Liên hệ www.example.com để nhận quà",
    ]
    for n, text in enumerate(held):
        item = services.submit_feedback(unit=commune, text=text, ip=f"203.0.113.{n}")
        assert item.status == FeedbackStatus.HELD, text
    assert services.submit_feedback(unit=commune, text="Kênh mương nội đồng bị bồi lắng", ip="198.51.100.1"
                                    ).status == FeedbackStatus.PENDING
    assert services.submit_feedback(unit=commune, name="nhà cái 88", text="Góp ý về chợ xã",
                                    ip="198.51.100.2").held_because == "spam"
    link = Feedback.objects.get(text__startswith="Xem thêm")
    assert link.held_because == "link"
    gambling = Feedback.objects.get(text__startswith="tip bóng đá")
    with pytest.raises(ValidationError, match="tip bóng đá"):
        services.publish_feedback(officer, gambling)
    services.reject_feedback(officer, gambling, "quảng cáo cờ bạc")
    assert Feedback.objects.get(pk=gambling.pk).status == FeedbackStatus.REJECTED
    assert not LedgerEntry.objects.filter(kind="feedback").exists()


def test_only_the_coordination_office_moderates(commune, client, outsider):
    item = services.submit_feedback(unit=commune, text="Đèn đường thôn 2 hỏng", ip=IP)
    url = f"/cong-khai/quan-ly/phan-anh/{item.pk}/dang/"
    assert client.get("/cong-khai/quan-ly/phan-anh/").status_code == 302  # to the login page
    assert client.post(url, {f"f{item.pk}-answer": "x"}).status_code == 302
    from accounts import services as accounts
    from accounts.models import OrganisationKind

    xa = accounts.ensure_organisation(code="xa-a", name="UBND xã", kind=OrganisationKind.COMMUNE, unit=commune)
    commune_officer = accounts.create_user(by=None, username="xa.a", full_name="Cán bộ xã", email="",
                                           organisation=xa, role=Role.COMMUNE_OFFICER, password="Xa-Pass-2026!")
    for user in (outsider, commune_officer):
        client.force_login(user)
        assert client.get("/cong-khai/quan-ly/phan-anh/").status_code == 403, user
        assert client.post(url, {f"f{item.pk}-answer": "x"}).status_code == 403, user
        with pytest.raises(PermissionDenied):
            services.publish_feedback(user, item)
    assert Feedback.objects.get(pk=item.pk).status == FeedbackStatus.PENDING
    for user in (make_user("tinh.cb", Role.PROVINCE_OFFICER),
                 user_with(type(outsider), "mod", "moderate_feedback")):
        client.force_login(user)
        html = client.get("/cong-khai/quan-ly/phan-anh/").content.decode()
        assert f'id="feedback-{item.pk}"' in html and "Đèn đường thôn 2 hỏng" in html
        assert 'id="count-pending">Chờ kiểm duyệt: 1<' in html


def test_the_answer_is_published_with_the_question(commune, client, django_user_model):
    moderator = make_user("tinh.cb", Role.PROVINCE_OFFICER)
    item = services.submit_feedback(unit=commune, name="Trần Thị B", contact="b@example.vn",
                                    text="Đề nghị lắp đèn đường thôn 5.", ip=IP)
    client.force_login(moderator)
    response = client.post(f"/cong-khai/quan-ly/phan-anh/{item.pk}/dang/",
                           {f"f{item.pk}-answer": "UBND xã sẽ lắp trong quý IV/2026."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.version, item.answered_by) == (FeedbackStatus.PUBLISHED, 1, moderator)
    assert AuditRecord.objects.filter(action="portal.feedback.publish", object_id=str(item.pk),
                                      user=moderator).exists()
    client.logout()
    html = client.get(f"/cong-khai/xa/{commune.ref}/").content.decode()
    block = re.search(rf'id="feedback-{item.pk}">(.*?)</article>', html, re.S).group(1)
    assert "Trần Thị B" in block and "Đề nghị lắp đèn đường thôn 5." in block
    assert "Trả lời của Văn phòng Điều phối" in block and "UBND xã sẽ lắp trong quý IV/2026." in block
    assert "b@example.vn" not in html and "tinh.cb" not in html and "Người dùng" not in html
    call_command("verify_portal")  # the chain and the page agree
    # A corrected answer is a new version of the chain, shown at once (the page cache moves on).
    services.answer_feedback(moderator, item, "Đã lắp xong ngày 20/11/2026.")
    html = client.get(f"/cong-khai/xa/{commune.ref}/").content.decode()
    assert "Đã lắp xong ngày 20/11/2026." in html and "quý IV/2026" not in html
    assert list(LedgerEntry.objects.filter(kind="feedback").values_list("version", flat=True)) == [1, 2]
    # Withdrawn with a reason: gone from the page.
    with pytest.raises(ValidationError):
        services.reject_feedback(moderator, item, "")
    services.reject_feedback(moderator, Feedback.objects.get(pk=item.pk), "người gửi đề nghị gỡ")
    assert "Đề nghị lắp đèn" not in client.get(f"/cong-khai/xa/{commune.ref}/").content.decode()


def test_feedback_on_a_news_item(province, client, django_user_model):
    writer = user_with(django_user_model, "writer", "add_article", "change_article")
    publisher = user_with(django_user_model, "publisher", "change_article", "publish_article",
                          "moderate_feedback")
    article = draft(writer)
    assert client.get(f"/cong-khai/tin-tuc/{article.pk}/phan-anh/").status_code == 404  # not published
    services.publish(publisher, article)
    client.get(f"/cong-khai/tin-tuc/{article.pk}/phan-anh/")
    response = client.post(f"/cong-khai/tin-tuc/{article.pk}/phan-anh/",
                           {"text": "Tin rất hữu ích, đề nghị đăng thêm kế hoạch 2027."}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    item = Feedback.objects.get(article=article)
    services.publish_feedback(publisher, item, answer="Kế hoạch 2027 sẽ đăng trong tháng 12.")
    html = client.get(f"/cong-khai/tin-tuc/{article.pk}/").content.decode()
    assert "đề nghị đăng thêm kế hoạch 2027" in html and "Kế hoạch 2027 sẽ đăng trong tháng 12." in html
    assert "Người dân" in html  # no name given


HOSTILE = ('<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">bấm</a> '
           '=HYPERLINK("http://evil.example","x") {{ request }} {% csrf_token %}')


def test_hostile_text_is_refused_or_shown_escaped(commune, client, officer):
    # Control characters and oversized text: a Vietnamese message, nothing written.
    for text in ("Đường hỏng\x0b\x00 nặng", "x" * 3001, "ngắn"):
        client.get(form_url(commune))
        response = client.post(form_url(commune), {"text": text}, REMOTE_ADDR=IP)
        assert response.status_code == 400
    html = response.content.decode()
    assert "Đảm bảo giá trị này có ít nhất 10 ký tự" in html or "ít nhất" in html
    client.get(form_url(commune))
    assert "ký tự điều khiển" in client.post(form_url(commune), {"text": "Đường hỏng\x0b nặng lắm"},
                                             REMOTE_ADDR=IP).content.decode()
    assert not Feedback.objects.exists()
    for text in ("", "   ", "x" * 3001, "Đường\x00 hỏng"):  # the service refuses it too
        with pytest.raises(ValidationError, match="Hãy viết nội dung phản ánh"):
            services.submit_feedback(unit=commune, text=text, ip=IP)
    assert not Feedback.objects.exists()
    # Markup is data: held (it has a link), published by a moderator only as escaped text.
    item = services.submit_feedback(unit=commune, name='<b onmouseover="x">Tên</b>', text=HOSTILE, ip=IP)
    assert item.status == FeedbackStatus.HELD
    services.publish_feedback(officer, item)
    html = client.get(f"/cong-khai/xa/{commune.ref}/").content.decode()
    block = re.search(rf'id="feedback-{item.pk}">(.*?)</article>', html, re.S).group(1)
    assert "<script" not in block and "<img" not in block and "<a " not in block and "<b " not in block
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in block
    assert "=HYPERLINK(" in block and "{{ request }}" in block and "csrfmiddlewaretoken" not in block
    assert re.search(r"<[^>]+\son[a-z]+=", html) is None


def test_feedback_changed_behind_the_service_is_named_by_verify_portal(commune, officer, capsys):
    item = services.submit_feedback(unit=commune, text="Đề nghị nạo vét kênh thôn 1.", ip=IP)
    services.publish_feedback(officer, item, answer="Đã giao UBND xã.")
    call_command("verify_portal")
    Feedback.objects.filter(pk=item.pk).update(text="tip bóng đá uy tín https://tip-bong-da.example")
    with pytest.raises(CommandError):
        call_command("verify_portal")
    err = capsys.readouterr().err
    page = f"/cong-khai/xa/{commune.ref}/"
    assert f"{page}: feedback {item.pk} differs from what was published (version 1)" in err
    assert f"{page}: spam vocabulary on the page: tip bóng đá" in err
    # Published by a direct update, with no ledger entry: also named.
    other = services.submit_feedback(unit=commune, text="Một phản ánh chưa duyệt", ip=IP)
    Feedback.objects.filter(pk=other.pk).update(status=FeedbackStatus.PUBLISHED)
    with pytest.raises(CommandError):
        call_command("verify_portal")
    assert f"feedback {other.pk} was not published through the service" in capsys.readouterr().err
    assert "tip bóng đá" in PortalSettings.current().tamper_report


def test_the_commune_page_costs_the_same_for_few_and_many_feedback(commune, officer, client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NTM_PORTAL_CACHE_SECONDS = 0  # count the view's queries, not the page cache
    url = f"/cong-khai/xa/{commune.ref}/"
    counts = []
    for n in (1, 6):
        while Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).count() < n:
            item = services.submit_feedback(unit=commune, text="Phản ánh về đường giao thông thôn",
                                            ip=f"198.51.100.{Feedback.objects.count()}")
            services.publish_feedback(officer, item, answer="Đã tiếp nhận")
        client.get(url)  # the first request of a process reads a few settings once
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        assert html.count('class="feedback-item"') == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
