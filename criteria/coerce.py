"""Reading a raw value for an indicator into a typed value, or saying why it cannot be used.
Pure Python, no Django."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from criteria.explain import format_number, format_raw, format_value
from criteria.schema import Indicator

# Values must be below this in absolute value: what the database stores (18 digits, 4 of them
# decimals) and far beyond any real indicator. Larger values, infinities and NaN are invalid.
VALUE_LIMIT = Decimal(10) ** 14


# Spellings of a yes/no value, as data entry reads them (`assessments.values.parse_bool`; kept
# equal by a test, since this module may not import Django code). Any other value is invalid.
TRUE_SPELLINGS = ("true", "có", "co", "đạt", "dat", "yes", "x", "c", "1")
FALSE_SPELLINGS = ("false", "không", "khong", "chưa", "chua", "chưa đạt", "no", "k", "0")
_BOOL_WORDS = {word: True for word in TRUE_SPELLINGS} | {word: False for word in FALSE_SPELLINGS}
BOOL_SPELLINGS_TEXT = (
    f"{', '.join(TRUE_SPELLINGS)} (là có); {', '.join(FALSE_SPELLINGS)} (là không)"
)


def _out_of_range(raw: Any) -> str:
    return (
        f"Số liệu không hợp lệ: giá trị {format_raw(raw)} nằm ngoài khoảng số xử lý được "
        f"(trị tuyệt đối phải nhỏ hơn {format_number(VALUE_LIMIT)})"
    )


def coerce_value(indicator: Indicator, raw: Any) -> tuple[Decimal | bool | None, str | None]:
    """(value, problem). A problem makes the indicator "missing" with that explanation."""
    if indicator.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        word = _BOOL_WORDS.get(str(raw).strip().lower())
        if word is not None:
            return word, None
        return None, (
            f'Số liệu không hợp lệ: cần có hoặc không, nhận được "{format_raw(raw)}"; '
            f"các cách viết được chấp nhận: {BOOL_SPELLINGS_TEXT}"
        )
    if isinstance(raw, bool):
        return None, "Số liệu không hợp lệ: cần một số, nhận được giá trị có/không"
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None, f"Số liệu không hợp lệ: cần một số, nhận được {raw!r}"
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        return None, _out_of_range(raw)
    if indicator.type == "integer" and value != value.to_integral_value():
        return value, f"Số liệu không hợp lệ: cần số nguyên, nhận được {format_number(value)}"
    lo, hi = indicator.min, indicator.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"{format_number(lo) if lo is not None else '…'}–{format_number(hi) if hi is not None else '…'}"
        return value, (
            f"Số liệu ngoài khoảng cho phép ({bounds}): {format_value(value, indicator.unit)}"
        )
    return value, None


def compare(value: Decimal | bool, operator: str, threshold: Decimal | bool) -> bool:
    if operator == ">=":
        return value >= threshold
    if operator == "<=":
        return value <= threshold
    return value == threshold
