"""The workbook layout shared by the exporter, the importer and the marker."""

from __future__ import annotations

DATA_SHEET = "Số liệu"
HELP_SHEET = "Hướng dẫn"
THRESHOLD_SHEET = "Ngưỡng"
META_SHEET = "_meta"

# Header rows of the data sheet: indicator (label + name), unit, threshold.
HEADER_ROW = 1
UNIT_ROW = 2
THRESHOLD_ROW = 3
FIRST_DATA_ROW = 4
# Fixed columns before the indicators.
CODE_COL = 1
NAME_COL = 2
DISTRICT_COL = 3
FIRST_INDICATOR_COL = 4
FIXED_HEADERS = ("Mã xã", "Tên xã", "Huyện")

# What the _meta sheet says this workbook is.
META_KIND = "ntm-indicator-values"
META_VERSION = "1"

YES = "có"
NO = "không"


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (as openpyxl.utils.get_column_letter, without importing openpyxl)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def header_text(label: str, name: str, level_name: str = "") -> str:
    text = f"{label} {name}".strip()
    return f"[{level_name}] {text}" if level_name else text


def normalise_header(text) -> str:
    return " ".join(str(text or "").split()).casefold()
