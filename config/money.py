"""Money and amount inputs in the Vietnamese way: "12.500.000" (dots group thousands) and
"12,5" (a comma before the decimals), as the pages show them.

The rule, stated once:
- a comma is the decimal separator: "12,5" = 12.5; "1.234,5" = 1234.5;
- a dot groups thousands, so every group after a dot has exactly three digits: "12.500.000";
- a dot followed by anything else ("12.5", "1.23") is ambiguous between the two habits and is
  refused with a message asking for the comma, never guessed;
- spaces, non-breaking spaces and a trailing "đ", "đồng" or "VND" are ignored;
- amounts in đồng (MoneyField) are whole numbers: "12,5" there is refused.
Values are shown back grouped (12.500.000; 12,5), so a form sent back unchanged parses the same.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_UNITS = re.compile(r"\s*(đồng|đ|vnd|tỷ|ty)\.?\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
MAX_DIGITS = 18  # bigger than any programme's budget in đồng; refuses absurd input early


class AmountError(ValueError):
    pass


def parse_amount(text) -> Decimal:
    """Decimal from Vietnamese-written text (see the module's rule); AmountError with a message."""
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    raw = str(text or "")
    value = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    value = _UNITS.sub("", value).replace(" ", "")
    negative = value.startswith("-")
    if negative:
        raise AmountError(_("The amount cannot be negative."))
    match = _NUMBER.match(value)
    if not match:
        if re.fullmatch(r"\d+\.\d+", value):
            raise AmountError(_("Write decimals with a comma (for example 12,5); a dot groups thousands "
                                "(12.500.000)."))
        raise AmountError(_("Enter a number such as 12.500.000 or 12,5."))
    whole, decimals = match.group(1).replace(".", ""), match.group(2) or ""
    if len(whole.lstrip("0")) > MAX_DIGITS:
        raise AmountError(_("The number is too large."))
    try:
        return Decimal(f"{whole}.{decimals}" if decimals else whole)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise AmountError(_("Enter a number such as 12.500.000 or 12,5.")) from exc


def format_amount(value, decimal_places: int | None = None) -> str:
    """12500000 -> "12.500.000"; Decimal("12.5") -> "12,5" (trailing zeros dropped)."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if decimal_places is not None:
        number = round(number, decimal_places)
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _sep, frac = text.partition(".")
    frac = frac.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"


class AmountInput(forms.TextInput):
    """A text input (type=number would refuse "12.500.000") with the numeric keyboard on phones."""

    def __init__(self, attrs=None, *, decimals=True):
        base = {"inputmode": "decimal" if decimals else "numeric", "autocomplete": "off", "class": "amount"}
        super().__init__({**base, **(attrs or {})})
        self.decimal_places = None

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = parse_amount(value)
            except AmountError:
                return value  # what was typed, shown back with its error
        return format_amount(value, self.decimal_places)


class AmountField(forms.DecimalField):
    """A decimal amount (e.g. billions of đồng) written the Vietnamese way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AmountInput())
        super().__init__(*args, **kwargs)
        self.widget.decimal_places = self.decimal_places

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def widget_attrs(self, widget):
        return {}  # no min/max/step: they belong to type=number


class MoneyField(forms.IntegerField):
    """Whole đồng written the Vietnamese way: "12.500.000", "12500000 đ"."""

    # Ten million billion đồng: above any programme's budget, far below the 64-bit columns'
    # limit, so that a mistyped row of nines gets a message, not a database error.
    MAX = 10**16

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AmountInput(decimals=False))
        kwargs.setdefault("max_value", self.MAX)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if amount != amount.to_integral_value():
            raise ValidationError(_("Amounts in đồng are whole numbers: write 12.500.000, without decimals."),
                                  code="invalid")
        return int(amount)

    def widget_attrs(self, widget):
        return {}
