"""Finding 16: evidence files are checked by content on upload and served, as downloads, only to
those who may see the roadmap item."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning.evidence import download_name, validate_evidence_content
from planning.models import ProgressNote
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
REFUSED = "Nội dung tệp không phải là tài liệu PDF, JPG, PNG, DOCX hoặc XLSX khớp với tên tệp."


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(3)


@pytest.fixture
def cleanup():
    notes = []
    yield notes
    for note in ProgressNote.objects.filter(pk__in=[n.pk for n in notes]):
        note.evidence.delete(save=False)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _post_note(client, item, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/ke-hoach/muc/{item.pk}/note/",
                       {"date": "2025-05-01", "text": "Biên bản nghiệm thu", "evidence": upload}, follow=True)


def test_an_elf_binary_named_pdf_is_refused_with_a_vietnamese_message(world, client):
    item = make_item(world["communes"][1], ["3.1"])
    client.force_login(world["commune1"])
    response = _post_note(client, item, "bien-ban.pdf", ELF)
    assert not item.notes.exists()
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize(("name", "content", "ok"), [
    ("a.pdf", b"%PDF-1.7\n...", True),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, True),
    ("a.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, True),
    ("a.jpeg", b"\xff\xd8\xff\xdb" + b"\x00" * 20, True),
    ("a.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), True),
    ("a.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), True),
    ("a.pdf", ELF, False),
    ("a.png", b"%PDF-1.7", False),
    ("a.docx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), False),
    ("a.xlsx", _zip({"evil.sh": b"rm -rf /"}), False),
    ("a.xlsx", b"PK\x03\x04 not really a zip", False),
    ("a.html", b"<script>alert(1)</script>", False),
    ("a.exe", b"MZ", False),
])
def test_the_validator_checks_the_content_against_the_name(name, content, ok):
    from django.core.exceptions import ValidationError

    upload = SimpleUploadedFile(name, content)
    if ok:
        validate_evidence_content(upload)
    else:
        with pytest.raises(ValidationError):
            validate_evidence_content(upload)
    assert upload.tell() == 0  # left where it was for the storage


def test_the_file_is_served_as_a_safe_download_to_those_who_see_the_item(world, client, cleanup):
    item = make_item(world["communes"][1], ["3.1"])
    client.force_login(world["commune1"])
    _post_note(client, item, "Biên bản <nghiệm thu> \"đợt 1\".pdf", b"%PDF-1.4 test")
    note = item.notes.get()
    cleanup.append(note)
    url = reverse("planning:evidence", args=[note.pk])
    for user in ("commune1", "admin", "officer", "viewer"):
        client.force_login(world[user])
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=\"Bien_ban_nghiem_thu_dot_1")
        assert disposition.endswith('.pdf"')
        assert disposition.isascii() and "<" not in disposition
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]


def test_the_file_is_refused_outside_the_scope_and_to_anonymous_visitors(world, client, cleanup):
    item = make_item(world["communes"][1], ["3.1"])
    client.force_login(world["commune1"])
    _post_note(client, item, "a.pdf", b"%PDF-1.4 test")
    note = item.notes.get()
    cleanup.append(note)
    url = reverse("planning:evidence", args=[note.pk])
    client.force_login(world["commune0"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world["admin"])
    assert client.get(reverse("planning:evidence", args=[note.pk + 999])).status_code == 404


def test_a_note_without_a_file_gives_404(world, client):
    item = make_item(world["communes"][1], ["3.1"])
    client.force_login(world["commune1"])
    client.post(f"/ke-hoach/muc/{item.pk}/note/", {"date": "2025-05-01", "text": "Không có tệp"})
    note = item.notes.get()
    assert client.get(reverse("planning:evidence", args=[note.pk])).status_code == 404


@pytest.mark.parametrize(("stored", "expected"), [
    ("roadmap/2025/05/bien-ban.pdf", "bien-ban.pdf"),
    ("roadmap/2025/05/Đề án xã.docx", "De-an-xa.docx"),
    ("roadmap/2025/05/..\\..\\etc\\passwd", "passwd"),
    ("roadmap/2025/05/\r\nSet-Cookie: x.pdf", "Set-Cookie-x.pdf"),
    ("roadmap/2025/05/漢字.png", "bang-chung.png"),
])
def test_the_download_name_is_plain_ascii(stored, expected):
    assert download_name(stored) == expected


def test_the_item_page_links_the_file_and_previews_pictures(world, client, cleanup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_item(world["communes"][1], ["3.1"])
    client.force_login(world["commune1"])
    _post_note(client, item, "bien-ban.pdf", b"%PDF-1.7\n...")
    upload = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png")
    page = client.post(f"/ke-hoach/muc/{item.pk}/note/",
                       {"date": "2025-05-02", "text": "Ảnh", "evidence": upload}, follow=True).content.decode()
    pdf, picture = item.notes.order_by("date")
    assert f'href="{reverse("planning:evidence", args=[pdf.pk])}"' in page
    assert f'<img src="{reverse("planning:evidence", args=[picture.pk])}"' in page
    assert page.count("<img ") == 1  # no preview for the PDF
