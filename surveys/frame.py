"""The household frame of a round as typed on its form: one village a line,
"name; households; households to survey" (the last number optional: all households). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from config.text import has_forbidden_characters

MAX_VILLAGES = 200
MAX_HOUSEHOLDS = 100_000


@dataclass
class VillageSpec:
    name: str
    households: int
    sample: int


def _number(text: str) -> int | None:
    text = text.strip().replace(".", "").replace(" ", "")
    return int(text) if re.fullmatch(r"\d{1,7}", text) else None


def parse_frame(text: str) -> tuple[list[VillageSpec], list[str]]:
    villages, errors, seen = [], [], set()
    lines = [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if not lines:
        return [], [_("Enter at least one village with its number of households.")]
    if len(lines) > MAX_VILLAGES:
        return [], [_("At most %(max)s villages.") % {"max": MAX_VILLAGES}]
    for number, line in lines:
        where = _("line %(n)s") % {"n": number}
        parts = [p.strip() for p in re.split(r"[;\t]", line)]
        if len(parts) not in (2, 3) or not parts[0]:
            errors.append(_("%(where)s: write \"village; households; households to survey\".") % {"where": where})
            continue
        name = parts[0][:100]
        if has_forbidden_characters(name) or name.startswith(("=", "+", "@")):
            errors.append(_("%(where)s: the village name is not plain text.") % {"where": where})
            continue
        households = _number(parts[1])
        sample = _number(parts[2]) if len(parts) == 3 and parts[2] else households
        if not households or households > MAX_HOUSEHOLDS:
            errors.append(_("%(where)s: the number of households must be a whole number from 1 to %(max)s.")
                          % {"where": where, "max": MAX_HOUSEHOLDS})
            continue
        if sample is None or sample < 1 or sample > households:
            errors.append(_("%(where)s: the households to survey must be between 1 and the households of the "
                            "village.") % {"where": where})
            continue
        if name.casefold() in seen:
            errors.append(_("%(where)s: the village %(name)s appears twice.") % {"where": where, "name": name})
            continue
        seen.add(name.casefold())
        villages.append(VillageSpec(name, households, sample))
    return villages, errors


MAX_LISTED = 20_000


def parse_households(text: str, villages: list[VillageSpec]) -> tuple[dict[str, list[str]], list[str]]:
    """The optional household list: one household a line, "village; household". Returns the
    names by village (as named in the frame) and the problems."""
    names = {v.name.casefold(): v.name for v in villages}
    listed: dict[str, list[str]] = {}
    errors = []
    lines = [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_LISTED:
        return {}, [_("At most %(max)s households in the list.") % {"max": MAX_LISTED}]
    for number, line in lines:
        where = _("household list, line %(n)s") % {"n": number}
        parts = [p.strip() for p in re.split(r"[;\t]", line, maxsplit=1)]
        if len(parts) != 2 or not parts[0] or not parts[1]:
            errors.append(_("%(where)s: write \"village; household\".") % {"where": where})
            continue
        village = names.get(parts[0].casefold())
        if village is None:
            errors.append(_("%(where)s: the village %(name)s is not in the frame.") % {"where": where,
                                                                                    "name": parts[0][:60]})
            continue
        household = parts[1][:200]
        if has_forbidden_characters(household) or household.startswith(("=", "+", "@")):
            errors.append(_("%(where)s: the household name is not plain text.") % {"where": where})
            continue
        listed.setdefault(village, []).append(household)
    for spec in villages:
        if len(listed.get(spec.name, [])) > spec.households:
            errors.append(_("The list has more households in %(name)s than the frame (%(n)s).") % {
                "name": spec.name, "n": spec.households})
    return listed, errors
