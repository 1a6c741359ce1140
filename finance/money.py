"""Money as integers of đồng, formatted the Vietnamese way (1.234.567.000 đ)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def dong(value) -> str:
    if value is None:
        return "—"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " đ"


def rate(part, whole) -> Decimal | None:
    """part/whole as a percentage with one decimal (Decimal), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(int(part)) * 100 / Decimal(int(whole))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value}".replace(".", ",") + "%"
