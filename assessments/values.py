"""Parsing raw indicator values (from forms, files or JSON) into typed values.

Pure functions: what real files contain is accepted (numbers typed as text, Vietnamese decimal
commas "12,5", percent signs, "có"/"không"), anything else gets a clear message.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

TRUE_WORDS = {"1", "true", "yes", "có", "co", "đạt", "dat", "x", "c"}
FALSE_WORDS = {"0", "false", "no", "không", "khong", "chưa", "chua", "chưa đạt", "k"}

_NUMBER_WITH_DOT_GROUPS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


class ValueError_(Exception):
    """A raw value that cannot be read as the indicator's type."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError_(_("a number is expected, not yes/no"))
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if _NUMBER_WITH_DOT_GROUPS.match(text):
        # Vietnamese grouping: 1.234.567,5
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw}) from exc
    if not value.is_finite():
        raise ValueError_(_("“%(raw)s” is not a number") % {"raw": raw})
    return value


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
    return value
