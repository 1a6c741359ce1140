"""Issue 10, item 2: a note's evidence file is linked from the item page, pictures are previewed,
and the link downloads the file."""

import struct
import zlib

import pytest

from planning.models import ProgressNote
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def png(width=8, height=6) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x20\x80\x40" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def world(criteria_sets, settings, tmp_path):
    settings.NTM_PROVINCE_REFS = "10"
    settings.MEDIA_ROOT = tmp_path
    return make_world(3)


def test_a_note_with_a_picture_is_previewed_and_opens(world, desktop, tmp_path):
    item = make_item(world["communes"][1], ["3.1"])
    picture = tmp_path / "anh-nghiem-thu.png"
    picture.write_bytes(png())
    desktop.login(world["commune1"])
    desktop.goto(f"/ke-hoach/muc/{item.pk}/")
    page = desktop.page
    note = page.locator("form[action$='/note/']")
    note.locator("[name=text]").fill("Nghiệm thu đường thôn")
    note.locator("input[name=evidence]").set_input_files(str(picture))
    with page.expect_navigation():
        note.locator("button[type=submit]").click()
    saved = ProgressNote.objects.get(item=item)
    link = page.locator("#notes a.evidence-link")
    assert link.get_attribute("href") == f"/ke-hoach/bang-chung/{saved.pk}/"
    preview = page.locator("#notes .evidence-preview img")
    preview.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert preview.evaluate("img => img.naturalWidth") == 8
    with page.expect_download() as download:
        link.click()
    name = download.value.suggested_filename
    assert name.startswith("anh-nghiem-thu") and name.endswith(".png"), name
    assert not desktop.errors, desktop.errors
