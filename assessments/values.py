"""Parsing raw indicator values (from forms, files or JSON) into typed values.

Pure functions: what real files contain is accepted (numbers typed as text, Vietnamese decimal
commas "12,5", percent signs, "có"/"không"), anything else gets a clear message.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

TRUE_WORDS = {"1", "true", "yes", "có", "co", "đạt", "dat", "x", "c"}
FALSE_WORDS = {"0", "false", "no", "không", "khong", "chưa", "chua", "chưa đạt", "k"}

# ASCII digits only: Python's \d, Decimal() and float() also accept "1_000", full-width "１２３"
# and Arabic-Indic "١٢٣", which no one types into a figure on purpose.
_NUMBER_WITH_DOT_GROUPS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$")

# What IndicatorValue.number (max_digits=18, decimal_places=4) holds: |value| < 10^14 with at
# most 4 decimals. Values beyond the cap are refused; more decimals are rounded (half even) to 4.
DECIMAL_PLACES = 4
STORABLE_LIMIT = Decimal(10) ** 14
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)


class ValueError_(Exception):
    """A raw value that cannot be read as the indicator's type."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError_(_("a number is expected, not yes/no"))
    if isinstance(raw, (int, float, Decimal)):
        value = Decimal(raw) if not isinstance(raw, float) else Decimal(repr(raw))
        if not value.is_finite():
            raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw})
        return value
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if _NUMBER_WITH_DOT_GROUPS.match(text):
        # Vietnamese grouping: 1.234.567,5
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." not in text:
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.match(text):
        raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw})
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw}) from exc
    if not value.is_finite():
        raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw})
    return value


def storable_number(value: Decimal, raw: Any = None, low=None, high=None) -> Decimal:
    """The value as the database stores it (rounded to 4 decimals), or ValueError_ when it is
    not finite or its magnitude does not fit the column (|value| < 10^14). `low`/`high` are the
    indicator's own limits, named in the message when given."""
    shown = value if raw is None else raw
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) >= STORABLE_LIMIT:
        low = -STORABLE_LIMIT if low is None else low
        high = STORABLE_LIMIT if high is None else high
        raise ValueError_(
            _("%(value)s is outside the allowed range (from %(min)s to %(max)s)")
            % {"value": _short(shown), "min": _limit(low), "max": _limit(high)}
        )
    if value.as_tuple().exponent < -DECIMAL_PLACES:
        value = value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    return value


def _short(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "…"


def _limit(limit) -> str:
    value = Decimal(str(limit))
    if abs(value) == STORABLE_LIMIT:
        return ("-" if value < 0 else "") + "10^14"
    return format(value.normalize(), "f")


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError_(_("“%(raw)s” is not yes/no (write “có” or “không”)") % {"raw": raw})


@functools.lru_cache(maxsize=1024)
def _bound(limit) -> Decimal:
    """A spec's minimum or maximum as a Decimal (made once per limit, not once per value)."""
    return Decimal(str(limit))


def parse_indicator_value(indicator, raw: Any):
    """Return the typed value for an indicator spec, or raise ValueError_ with the reason."""
    if indicator.type == "bool":
        return parse_bool(raw)
    value = parse_decimal(raw)
    if indicator.type == "integer" and value != value.to_integral_value():
        raise ValueError_(_("a whole number is expected, got %(value)s") % {"value": raw})
    low = indicator.min
    high = indicator.max
    if indicator.type == "percent":
        low = 0 if low is None else low
        high = 100 if high is None else high
    if low is not None and value < _bound(low):
        raise ValueError_(
            _("%(value)s is below the allowed minimum %(min)s") % {"value": raw, "min": low}
        )
    if high is not None and value > _bound(high):
        raise ValueError_(
            _("%(value)s is above the allowed maximum %(max)s") % {"value": raw, "max": high}
        )
    return storable_number(value, raw, low, high)


def check_typed_value(indicator, value):
    """A value already typed by a caller (TypedValues): the same type, range and storage checks
    as parse_indicator_value, so that no channel writes what the parser would refuse."""
    if indicator.type == "bool":
        if not isinstance(value, bool):
            raise ValueError_(_("yes/no is expected"))
        return value
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError_(_("a number is expected, not yes/no"))
    return parse_indicator_value(indicator, Decimal(value))
