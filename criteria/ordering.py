"""Criteria and indicator codes in the order people count them: 1, 2, …, 9, 10, …, 19 and
1.1, 2.1, 10.1 (not as text: "10.1" < "2.1"), whatever the groups of a set list them in."""

from __future__ import annotations

import re

_PARTS = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """A sort key: digit runs compare as numbers, the rest as text ("nc.2.2" → ("nc.", 2, ".", 2))."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in _PARTS.split(str(code)) if part)
