"""config.text, the shared text hygiene of forms, exports and downloads (tested here because the
audit trail is its first user; config/ has no test package)."""

import io

import pytest
from django import forms
from django.test import RequestFactory
from docx import Document
from openpyxl import Workbook, load_workbook

from config import text

HOSTILE = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\ud800", "\udfff", "\ufffe"]


@pytest.mark.parametrize("char", HOSTILE)
def test_clean_text_drops_what_xml_cannot_hold_and_keeps_the_rest(char):
    assert text.clean_text(f"Xã{char} Thử\tA\nB\rC") == "Xã Thử\tA\nB\rC"
    assert text.has_forbidden_characters(f"a{char}b")


class _Form(text.TextFieldsMixin, forms.Form):
    title = forms.CharField(max_length=10)
    count = forms.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(required=False, max_length=5)  # added after the mixin's turn


@pytest.mark.parametrize("char", HOSTILE)
def test_the_form_mixin_refuses_control_characters_in_every_text_field(char):
    form = _Form({"title": f"a{char}b", "late": f"c{char}d"})
    assert not form.is_valid()
    message = "Văn bản có ký tự điều khiển ẩn (ví dụ ký tự tab dọc); hãy xóa các ký tự đó rồi gửi lại."
    assert form.errors["title"] == [message] and form.errors["late"] == [message]
    assert _Form({"title": "Tab\tok", "late": "a\r\nb"}).is_valid()


def test_the_form_mixin_states_the_length_limit():
    form = _Form({"title": "x" * 11, "late": "y" * 6})
    assert not form.is_valid()
    assert form.errors["title"] == ["Tối đa 10 ký tự (văn bản này có 11 ký tự)."]
    assert form.errors["late"] == ["Tối đa 5 ký tự (văn bản này có 6 ký tự)."]


def test_append_row_writes_text_never_formulas():
    wb = Workbook()
    ws = wb.active
    values = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "a\x0bb", 7, None]
    text.append_row(ws, values)
    text.set_text(ws["A3"], "=1+1")
    buffer = io.BytesIO()
    wb.save(buffer)
    back = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = list(back[1])
    assert [c.value for c in cells[:7]] == ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1",
                                            "\r=1", "ab"]
    assert all(c.data_type == "s" for c in cells[:7])
    assert cells[7].value == 7 and cells[7].data_type == "n"
    assert back["A3"].value == "=1+1" and back["A3"].data_type == "s"


def test_clean_text_makes_any_paragraph_writable_to_word():
    doc = Document()
    doc.add_paragraph(text.clean_text("Khó\x0b khăn\x01 \ud800vốn"))
    back = Document(io.BytesIO(_save(doc)))
    assert back.paragraphs[0].text == "Khó khăn vốn"


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("given", "expected"), [
    ("lo-trinh-910001.xlsx", "lo-trinh-910001.xlsx"),
    ('lo-trinh.x"; filename="evil.html.docx', "lo-trinh-x-filename-evil-html.docx"),
    ("Báo cáo Đắk Lắk\r\nSet-Cookie: a=b.XLSX", "bao-cao-dak-lak-set-cookie-a-b.xlsx"),
    ("\".pdf", "tep.pdf"),
])
def test_download_names_are_built_from_safe_parts(given, expected):
    assert text.safe_filename(given) == expected


@pytest.mark.parametrize("given", ['lo-trinh.x"; filename="evil.html', "a.html", "noextension", "a.exe"])
def test_unknown_download_extensions_are_refused(given):
    with pytest.raises(ValueError):
        text.safe_filename(given)


def test_attachment_response_quotes_only_a_safe_name():
    response = text.attachment_response(b"x", 'b"c\n.xlsx')
    assert response["Content-Disposition"] == 'attachment; filename="b-c.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_request_ip_is_an_address_or_none(settings):
    settings.NTM_CLIENT_IP_HEADER = ""
    assert text.request_ip(RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    # Behind a trusted proxy a bad forwarded entry falls back to REMOTE_ADDR; a bad REMOTE_ADDR
    # stores nothing.
    settings.NTM_CLIENT_IP_HEADER, settings.NTM_TRUSTED_PROXY_COUNT = "X-Real-IP", 1
    assert text.request_ip(RequestFactory().get("/", HTTP_X_REAL_IP="not-an-ip")) == "127.0.0.1"
    assert text.request_ip(RequestFactory().get("/", REMOTE_ADDR="not-an-ip")) is None
    assert text.request_ip(None) is None
