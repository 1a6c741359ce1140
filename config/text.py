"""Text hygiene shared by forms, exports and downloads.

- Forms refuse control characters (C0 controls other than tab, newline and carriage return, DEL,
  lone surrogates and the XML non-characters U+FFFE/U+FFFF) and state their length limits
  (`TextFieldsMixin`).
- Exporters clean whatever is already stored before writing it into a workbook or a Word
  document (`clean_text`), and write every text cell of a workbook as text, never as a formula
  (`append_row`, `set_text`).
- Downloads are named from safe parts only (`attachment_response`).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Characters that XML 1.0 (xlsx, docx) cannot hold, plus DEL: refused by forms, dropped by exports.
FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def has_forbidden_characters(value: str) -> bool:
    return bool(FORBIDDEN_RE.search(value or ""))


def clean_text(value) -> str:
    """The value as a string that any xlsx or docx writer accepts: forbidden characters removed."""
    if value is None:
        return ""
    return FORBIDDEN_RE.sub("", str(value))


def reject_control_characters(value) -> None:
    """Form-field validator: no control characters (they would break the exports later)."""
    if isinstance(value, str) and has_forbidden_characters(value):
        raise ValidationError(
            _("The text contains invisible control characters (for example a vertical tab); "
              "remove them and try again."),
            code="control_characters",
        )


# Length limits of the free-text fields of forms (characters).
TITLE_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 5000

MAX_LENGTH_MESSAGE = _("At most %(limit_value)d characters (this text has %(show_value)d).")


class TextFieldsMixin:
    """A form mixin: every text field (also those a form adds in its __init__) refuses control
    characters and states its length limit when exceeded."""

    def full_clean(self):
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_control_characters not in field.validators:
                # One message for all control characters, NUL included (Django's own says it in English).
                field.validators[:] = [v for v in field.validators
                                       if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators.append(reject_control_characters)
                field.error_messages["max_length"] = MAX_LENGTH_MESSAGE
        super().full_clean()


# --- xlsx ------------------------------------------------------------------------------------------


def _cell_value(value):
    if isinstance(value, Promise):
        value = str(value)
    return clean_text(value) if isinstance(value, str) else value


def set_text(cell, value) -> None:
    """Write a value into an openpyxl cell; a string is cleaned and stored as text, never as a
    formula (`=HYPERLINK(...)` stays the string it is)."""
    value = _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def append_row(sheet, values) -> None:
    """`sheet.append(values)` with every string cleaned and written as text (see set_text)."""
    from openpyxl.cell import Cell

    row = []
    for value in values:
        value = _cell_value(value)
        if isinstance(value, str):
            cell = Cell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)


# --- downloads -------------------------------------------------------------------------------------

DOWNLOAD_EXTENSIONS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


def safe_stem(value: str, default: str = "tep") -> str:
    """An ASCII slug of a file name's stem ("Báo cáo Đà Lạt" → "bao-cao-da-lat")."""
    text = str(value or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text[:100].strip("-") or default


def safe_filename(filename: str) -> str:
    """stem.ext with a slugified ASCII stem and an extension from DOWNLOAD_EXTENSIONS (ValueError
    otherwise)."""
    stem, dot, ext = str(filename).rpartition(".")
    ext = ext.lower()
    if not dot or ext not in DOWNLOAD_EXTENSIONS:
        raise ValueError(f"not a download extension: {filename!r}")
    return f"{safe_stem(stem)}.{ext}"


def attachment_response(content: bytes, filename: str, content_type: str | None = None) -> HttpResponse:
    """A download whose Content-Disposition carries only a safe name (see safe_filename)."""
    name = safe_filename(filename)
    response = HttpResponse(content, content_type=content_type or DOWNLOAD_EXTENSIONS[name.rsplit(".", 1)[1]])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- request context -------------------------------------------------------------------------------


def request_ip(request) -> str | None:
    """The client address of a request for the audit trail (accounts.security.client_ip), or None
    when it is not an IP address."""
    from accounts.security import client_ip

    value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
