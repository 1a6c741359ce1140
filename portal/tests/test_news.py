"""News: draft → review → publish by the roles, sanitised at publish time, links on the allowlist,
images re-encoded, the Atom feed."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditRecord
from portal import services
from portal.models import ArticleStatus, ArticleVersion, LedgerEntry, PortalSettings
from portal.sanitise import sanitise

pytestmark = pytest.mark.django_db


def user_with(django_user_model, name, *perms):
    user = django_user_model.objects.create_user(name, password="x-Strong-Pass-2025")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="portal", codename__in=perms))
    return django_user_model.objects.get(pk=user.pk)  # permissions cache reset


@pytest.fixture
def writer(django_user_model):
    return user_with(django_user_model, "writer", "add_article", "change_article")


@pytest.fixture
def publisher(django_user_model):
    return user_with(django_user_model, "publisher", "change_article", "publish_article")


def draft(writer, body="<p>Xã Mới 001 đạt chuẩn</p>", title="Tin mới"):
    article = services.save_draft(writer, title=title, summary="Tóm tắt", body=body)
    services.submit_for_review(writer, article)
    return article


def test_the_flow_needs_review_and_a_second_person(writer, publisher, client):
    article = services.save_draft(writer, title="Tin", summary="", body="<p>a</p>")
    with pytest.raises(ValidationError):
        services.publish(publisher, article)  # still a draft
    services.submit_for_review(writer, article)
    with pytest.raises(PermissionDenied):
        services.publish(writer, article)  # the writer has no publish right
    assert client.get(f"/cong-khai/tin-tuc/{article.pk}/").status_code == 404
    version = services.publish(publisher, article)
    assert version.number == 1 and article.__class__.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED
    assert AuditRecord.objects.filter(action="portal.article.publish", object_id=str(article.pk)).exists()
    html = client.get(f"/cong-khai/tin-tuc/{article.pk}/").content.decode()
    assert "<p>a</p>" in html and "writer" not in html and "publisher" not in html


def test_a_writer_who_may_publish_cannot_publish_their_own_when_the_province_requires_two(django_user_model):
    both = user_with(django_user_model, "both", "add_article", "change_article", "publish_article")
    article = draft(both)
    with pytest.raises(ValidationError, match="second person|người thứ hai"):
        services.publish(both, article)
    PortalSettings.objects.update_or_create(pk=1, defaults={"two_person_publish": False})
    assert services.publish(both, article).number == 1


def test_an_edit_after_publication_keeps_the_published_version_until_republished(writer, publisher, client):
    article = draft(writer, body="<p>Bản một</p>")
    services.publish(publisher, article)
    services.save_draft(writer, article=article, title="Tin", summary="", body="<p>Bản hai chưa duyệt</p>")
    html = client.get(f"/cong-khai/tin-tuc/{article.pk}/").content.decode()
    assert "Bản một" in html and "Bản hai" not in html


HOSTILE = [
    ("<script>alert(1)</script><p>x</p>", "<script"),
    ('<p onclick="alert(1)">x</p>', "onclick"),
    ('<img src="/cong-khai/anh/1.jpg" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', "alert(1)"),
    ('<p style="width: expression(alert(1))">x</p>', "expression"),
    ('<div style="background:url(javascript:alert(1))">x</div>', "style"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ("<iframe src=\"https://evil.example\"></iframe>", "iframe"),
    ("<svg><script>alert(1)</script></svg>", "script"),
    ("<style>body{display:none}</style>", "<style"),
    ('<form action="https://evil.example"><input name=x></form>', "<form"),
    ("<object data=x></object><embed src=x>", "<object"),
    ('<img src="https://tracker.example/p.gif">', "tracker"),
    ("<!--[if IE]><script>alert(1)</script><![endif]-->", "script"),
]


@pytest.mark.parametrize("html,forbidden", HOSTILE)
def test_hostile_markup_is_removed(html, forbidden):
    assert forbidden.lower() not in sanitise(html).lower()


def test_the_published_body_is_sanitised_and_the_page_escapes_the_title(writer, publisher, client):
    article = draft(writer, title="<b>Tiêu đề</b>",
                    body='<p onclick="x()">Nội dung<script>alert(1)</script></p><a href="https://laocai.gov.vn/a">Tỉnh</a>')
    version = services.publish(publisher, article)
    assert version.body_html == ('<p>Nội dung</p><a href="https://laocai.gov.vn/a" '
                                 'rel="noopener noreferrer nofollow">Tỉnh</a>')
    html = client.get(f"/cong-khai/tin-tuc/{article.pk}/").content.decode()
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt;" in html and "<script" not in html
    # The draft keeps what the writer wrote; only the published version is sanitised.
    assert "<script>" in article.__class__.objects.get(pk=article.pk).body


def test_links_off_the_allowlist_and_gambling_words_are_refused_at_publish(writer, publisher):
    article = draft(writer, body='<p><a href="https://tip-bong-da.example/">xem</a></p>')
    with pytest.raises(ValidationError, match="tip-bong-da.example"):
        services.publish(publisher, article)
    services.save_draft(writer, article=article, title="Tin", summary="", body="<p>Tip bóng đá hôm nay</p>")
    services.submit_for_review(writer, article)
    with pytest.raises(ValidationError, match="tip bóng đá"):
        services.publish(publisher, article)
    assert not ArticleVersion.objects.exists() and not LedgerEntry.objects.exists()


def test_images_are_reencoded_and_resized_and_bombs_refused(writer, settings, tmp_path):
    from PIL import Image

    settings.DATA_DIR = tmp_path
    article = services.save_draft(writer, title="Ảnh", summary="", body="<p>x</p>")
    raw = io.BytesIO()
    Image.new("RGB", (3200, 1600), "green").save(raw, "PNG")
    img = services.add_image(writer, article, raw.getvalue())
    assert (img.width, img.height) == (1600, 800)
    with img.file.open("rb") as fh:
        assert fh.read(3) == b"\xff\xd8\xff"  # written anew as JPEG
    bomb = io.BytesIO()
    Image.new("1", (10000, 10000)).save(bomb, "PNG")  # 100 Mpx, a few KB on disk
    with pytest.raises(ValidationError):
        services.add_image(writer, article, bomb.getvalue())
    with pytest.raises(ValidationError):
        services.add_image(writer, article, b"<?php system($_GET[1]); ?>")


def test_the_atom_feed_lists_published_news_only(writer, publisher, client):
    shown = draft(writer, title="Tin đã đăng")
    services.publish(publisher, shown)
    services.save_draft(writer, title="Bản nháp riêng", summary="", body="<p>x</p>")
    response = client.get("/cong-khai/tin-tuc/atom.xml")
    assert response.status_code == 200 and "atom" in response["Content-Type"]
    body = response.content.decode()
    assert "Tin đã đăng" in body and "Bản nháp riêng" not in body


def test_the_office_pages_need_the_right(client, writer, outsider):
    client.force_login(outsider)
    assert client.get("/cong-khai/quan-ly/").status_code == 403
    client.force_login(writer)
    assert client.get("/cong-khai/quan-ly/").status_code == 200
    response = client.post("/cong-khai/quan-ly/tin/moi/", {"title": "T\x0bx", "summary": "", "body": "<p>x</p>"})
    assert response.status_code == 200  # control character refused by the form
    response = client.post("/cong-khai/quan-ly/tin/moi/", {"title": "Tin", "summary": "", "body": "<p>x</p>"})
    assert response.status_code == 302
