"""Reading a raw value for an indicator into a typed value, or saying why it cannot be used.
Pure Python, no Django."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from criteria.explain import format_number, format_value
from criteria.schema import Indicator


def coerce_value(indicator: Indicator, raw: Any) -> tuple[Decimal | bool | None, str | None]:
    """(value, problem). A problem makes the indicator "missing" with that explanation."""
    if indicator.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        return None, f"Số liệu không hợp lệ: cần có/không, nhận được {raw!r}"
    if isinstance(raw, bool):
        return None, "Số liệu không hợp lệ: cần một số, nhận được giá trị có/không"
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None, f"Số liệu không hợp lệ: cần một số, nhận được {raw!r}"
    if not value.is_finite():
        return None, f"Số liệu không hợp lệ: {raw!r}"
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
