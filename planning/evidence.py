"""Evidence files (progress notes of roadmap items): what an upload may contain, and how a stored
file is described when it is served back.

The extension alone proves nothing (an executable renamed `.pdf` passes an extension check), so
`validate_evidence_content` reads the first bytes, and for DOCX/XLSX the zip's member list, and
refuses a file whose content is not what its extension says. Reusable on any FileField or form
field (`validators=[validate_evidence_content]`); it depends on nothing but the standard library
and Django.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"

# The content types a stored evidence file is served with, by extension; anything else is
# served as an opaque download.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OCTET_STREAM = "application/octet-stream"

# Zip members an Office Open XML document of each kind must have.
OOXML_MEMBERS = {
    "docx": {"[Content_Types].xml", "word/document.xml"},
    "xlsx": {"[Content_Types].xml", "xl/workbook.xml"},
}


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def _head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read(size)
    finally:
        file.seek(position)


def _zip_members(file) -> set[str] | None:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(position)


def content_matches(file, ext: str) -> bool:
    """Whether the file's bytes are what the extension says (pdf, png, jpg/jpeg, docx, xlsx)."""
    head = _head(file)
    if ext == "pdf":
        return head.startswith(PDF)
    if ext == "png":
        return head.startswith(PNG)
    if ext in ("jpg", "jpeg"):
        return head.startswith(JPEG)
    if ext in OOXML_MEMBERS:
        if not head.startswith(ZIP):
            return False
        members = _zip_members(file)
        return members is not None and OOXML_MEMBERS[ext] <= members
    return False


def validate_evidence_content(file) -> None:
    """Refuse an upload whose content is not a PDF, PNG, JPEG, DOCX or XLSX matching its name."""
    if not file:
        return
    if not content_matches(file, extension(getattr(file, "name", ""))):
        raise ValidationError(
            _("The file's content is not a PDF, JPG, PNG, DOCX or XLSX document matching its name."),
            code="evidence_content",
        )


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(extension(name), OCTET_STREAM)


def download_name(name: str, fallback: str = "bang-chung") -> str:
    """An ASCII file name safe in a Content-Disposition header: the stored name's last part,
    accents removed (Vietnamese "đ" becomes "d"), every other character but letters, digits,
    dot, dash and underscore replaced by a dash."""
    base = PurePath((name or "").replace("\\", "/")).name
    stem, ext = PurePath(base).stem, extension(base)
    ascii_stem = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_stem = ascii_stem.encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-.")[:100] or fallback
    ext = re.sub(r"[^a-z0-9]", "", ext)[:10]
    return f"{ascii_stem}.{ext}" if ext else ascii_stem


def stored_file_response(field_file, *, content_type_: str | None = None):
    """A stored upload as a download that cannot run as a page of the site: an attachment with
    an ASCII name, a Content-Type fixed by the extension (never taken from the upload),
    `nosniff`, a sandboxing CSP and no caching. 404 when there is no file or it is gone."""
    from django.http import FileResponse, Http404

    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=download_name(field_file.name),
                            content_type=content_type_ or content_type(field_file.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
