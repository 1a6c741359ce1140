"""Tamper evidence: the seed's defacement ("tip bóng đá" link block) slipped into a published row
or a template, bypassing the service, is named by verify_portal with the page and the change."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditRecord
from portal import services
from portal.models import ArticleVersion, Document, LedgerEntry, PortalSettings
from portal.tests.helpers import build
from portal.tests.test_news import draft, user_with

pytestmark = pytest.mark.django_db

DEFACEMENT = ('<div class="lk"><a href="https://tip-bong-da.example/">tip bóng đá</a> '
              '<a href="https://nha-cai.example/">soi kèo nhà cái</a></div>')


@pytest.fixture
def portal(criteria_sets, settings, officer, tmp_path, django_user_model):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    settings.ADMINS = [("Admin", "admin@example.org")]
    build(officer)
    writer = user_with(django_user_model, "writer", "add_article", "change_article")
    publisher = user_with(django_user_model, "publisher", "change_article", "publish_article")
    article = draft(writer, body="<p>Tỉnh công bố kết quả năm 2026.</p>")
    services.publish(publisher, article)
    services.add_document(officer, title="Kế hoạch 2026", number="12/KH-UBND", issued_on=None, kind="plan",
                          upload=SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF"))
    return article


def run_verify():
    with pytest.raises(CommandError) as exc:
        call_command("verify_portal")
    return exc


def test_an_untouched_portal_verifies(portal, capsys):
    call_command("verify_portal")
    assert "verified" in capsys.readouterr().out
    assert PortalSettings.current().tamper_report == ""


def test_a_link_block_slipped_into_a_published_row_is_named(portal, capsys, client, officer):
    version = ArticleVersion.objects.get(article=portal)
    ArticleVersion.objects.filter(pk=version.pk).update(body_html=version.body_html + DEFACEMENT)
    run_verify()
    err = capsys.readouterr().err
    page = f"/cong-khai/tin-tuc/{portal.pk}/"
    assert f"{page}: stored version 1 differs from what was published" in err
    assert f"{page}: links to hosts off the allowlist: nha-cai.example, tip-bong-da.example" in err
    assert "tip bóng đá" in err and "soi kèo" in err
    # The administrators are told: audit record, e-mail, banner on the office's page.
    assert AuditRecord.objects.filter(action="portal.tamper").exists()
    assert len(mail.outbox) == 1 and page in mail.outbox[0].body
    assert "tip-bong-da.example" in PortalSettings.current().tamper_report
    client.force_login(officer)
    assert 'id="tamper-banner"' in client.get("/cong-khai/quan-ly/").content.decode()


def test_a_link_block_slipped_into_a_template_is_named(portal, settings, tmp_path, capsys):
    override = tmp_path / "tpl" / "portal"
    override.mkdir(parents=True)
    original = (settings.BASE_DIR / "portal" / "templates" / "portal" / "communes.html").read_text()
    (override / "communes.html").write_text(original.replace("{% endblock %}", DEFACEMENT + "{% endblock %}", 1))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "tpl", *settings.TEMPLATES[0]["DIRS"]]}]
    run_verify()
    err = capsys.readouterr().err
    assert "/cong-khai/xa/: links to hosts off the allowlist: nha-cai.example, tip-bong-da.example" in err
    assert "/cong-khai/xa/: spam vocabulary on the page: tip bóng đá" in err


def test_a_template_changing_an_article_body_is_named_with_the_change(portal, settings, tmp_path, capsys):
    override = tmp_path / "tpl" / "portal"
    override.mkdir(parents=True)
    original = (settings.BASE_DIR / "portal" / "templates" / "portal" / "article.html").read_text()
    (override / "article.html").write_text(original.replace("|safe }}", "|safe }}\nXem tip bong da tai day"))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "tpl", *settings.TEMPLATES[0]["DIRS"]]}]
    run_verify()
    err = capsys.readouterr().err
    assert f"/cong-khai/tin-tuc/{portal.pk}/: the body shown differs from the published version 1: " \
           "added Xem tip bong da tai day" in err


def test_a_version_inserted_without_the_service_or_a_rewritten_chain_is_named(portal, capsys):
    version = ArticleVersion.objects.get(article=portal)
    ArticleVersion.objects.create(article=portal, number=2, title="Tin", summary="", body_html="<p>khác</p>",
                                  published_at=version.published_at, published_by=version.published_by)
    entry = LedgerEntry.objects.order_by("pk").first()
    LedgerEntry.objects.filter(pk=entry.pk).update(content_sha256="0" * 64)
    run_verify()
    err = capsys.readouterr().err
    assert "version 2 was not published through the service" in err
    assert f"ledger entry {entry.pk} (article {portal.pk} v1): the entry was altered" in err


def test_a_replaced_document_file_is_named_and_not_served(portal, client, capsys):
    doc = Document.objects.get()
    with open(doc.file.path, "wb") as fh:
        fh.write(b"%PDF-1.4\n tip bong da \n%%EOF")
    assert client.get(f"/cong-khai/van-ban/{doc.pk}/tai-ve").status_code == 404
    run_verify()
    assert f"/cong-khai/van-ban/{doc.pk}/tai-ve: the document or its file differs" in capsys.readouterr().err
