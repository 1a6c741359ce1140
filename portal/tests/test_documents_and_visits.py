"""Documents (sniffed PDF uploads, search) and visit counts that keep no address."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import services
from portal.models import Article, DailySalt, Document, Visit
from portal.tests.test_news import draft, user_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n%%EOF"
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/129 Mobile Safari/537.36"


@pytest.fixture
def files(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_only_a_real_pdf_is_accepted(files, officer, outsider):
    with pytest.raises(ValidationError):
        services.add_document(officer, title="x", number="", issued_on=None, kind="plan",
                              upload=SimpleUploadedFile("kh.pdf", b"MZ\x90\x00 an executable"))
    with pytest.raises(ValidationError):
        services.add_document(officer, title="x", number="", issued_on=None, kind="plan",
                              upload=SimpleUploadedFile("kh.pdf", b"<html><script>alert(1)</script>"))
    with pytest.raises(PermissionDenied):
        services.add_document(outsider, title="x", number="", issued_on=None, kind="plan",
                              upload=SimpleUploadedFile("kh.pdf", PDF))
    assert not Document.objects.exists()


def test_documents_are_searchable_and_downloaded_with_a_safe_name(files, officer, client):
    services.add_document(officer, title="Kế hoạch thực hiện 2026", number="12/KH-UBND", issued_on=None,
                          kind="plan", upload=SimpleUploadedFile("a.pdf", PDF))
    doc = services.add_document(officer, title="Quyết định công nhận xã đạt chuẩn", number="555/QĐ-UBND",
                                issued_on=None, kind="decision", upload=SimpleUploadedFile("b.pdf", PDF))
    html = client.get("/cong-khai/van-ban/", {"q": "công nhận"}).content.decode()
    assert "555/QĐ-UBND" in html and "12/KH-UBND" not in html
    html = client.get("/cong-khai/van-ban/", {"q": "12/KH"}).content.decode()
    assert "12/KH-UBND" in html and "555/QĐ-UBND" not in html
    html = client.get("/cong-khai/van-ban/", {"loai": "decision"}).content.decode()
    assert "555/QĐ-UBND" in html and "12/KH-UBND" not in html
    html = client.get("/cong-khai/van-ban/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    response = client.get(f"/cong-khai/van-ban/{doc.pk}/tai-ve")
    assert response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="555-qd-ubnd.pdf"'
    assert "officer" not in client.get("/cong-khai/van-ban/").content.decode()


@pytest.fixture
def article(django_user_model):
    writer = user_with(django_user_model, "writer", "add_article", "change_article")
    publisher = user_with(django_user_model, "publisher", "change_article", "publish_article")
    item = draft(writer)
    services.publish(publisher, item)
    return item


def test_reloads_and_bots_do_not_raise_the_view_count(article, client):
    url = f"/cong-khai/v/{article.pk}.gif"
    for _ in range(3):
        response = client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
        assert response["Content-Type"] == "image/gif" and response["Cache-Control"] == "no-store"
    for bot in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5", "python-requests/2.32", ""):
        client.get(url, HTTP_USER_AGENT=bot, REMOTE_ADDR="198.51.100.9")
    assert Article.objects.get(pk=article.pk).view_count == 1
    client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.8")
    assert Article.objects.get(pk=article.pk).view_count == 2
    html = client.get(f"/cong-khai/tin-tuc/{article.pk}/").content.decode()
    assert 'id="views">2<' in html


def test_no_address_is_stored_and_yesterdays_salt_is_forgotten(article, client, time_machine):
    time_machine.move_to("2026-05-01 09:00 +07:00")
    client.get("/cong-khai/v.gif", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    time_machine.move_to("2026-05-02 09:00 +07:00")
    client.get("/cong-khai/v.gif", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    client.get(f"/cong-khai/v/{article.pk}.gif", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    visits = list(Visit.objects.values_list("visitor", flat=True))
    assert len(visits) == 3 and len(set(visits)) == 2  # another day, another unlinkable hash
    for value in visits:
        assert "203.0.113" not in value and len(value) == 64
    assert list(DailySalt.objects.values_list("day", flat=True)) == [Visit.objects.latest("day").day]
    html = client.get("/cong-khai/thong-ke/").content.decode()
    assert 'id="visits-today">1<' in html and 'id="visits-month">2<' in html
    assert 'id="visits-total">2<' in html and "203.0.113" not in html
