"""The targets of a phase as one grid: a row per year, a column per level (recognised communes
targeted) and two columns of criteria targets (no commune under N criteria, average criteria).

Plain functions, no writes: `grid_rows` builds what the form shows, `parse_grid` reads a posted
grid into the services' arguments and names every bad cell (year and column) with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from planning.models import Phase

MAX_COUNT = 100_000
MAX_CRITERIA = 100
_INTEGER = re.compile(r"^[0-9]{1,9}$")
_DECIMAL = re.compile(r"^[0-9]{1,3}([.,][0-9]{1,2})?$")


def count_name(level: str, year: int) -> str:
    return f"n-{level}-{year}"


def min_name(year: int) -> str:
    return f"min-{year}"


def avg_name(year: int) -> str:
    return f"avg-{year}"


@dataclass
class Cell:
    name: str
    value: str
    error: str = ""


@dataclass
class GridRow:
    year: int
    counts: list[Cell]
    min_criteria: Cell
    avg_criteria: Cell


@dataclass
class ParsedGrid:
    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    year_targets: dict[int, tuple[int | None, Decimal | None]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # cell name -> message naming the cell


def _decimal_text(value) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def grid_rows(phase: Phase, levels: list[tuple[str, str]], data=None, errors=None) -> list[GridRow]:
    """The rows of the grid: the stored targets, or what was posted (with its errors)."""
    errors = errors or {}
    stored_counts = {(t.level_code, t.year): t.target_count for t in phase.targets.all()}
    stored_years = {t.year: t for t in phase.year_targets.all()}
    rows = []

    def cell(name, stored):
        value = data.get(name, "") if data is not None else stored
        return Cell(name, str(value).strip(), errors.get(name, ""))

    for year in range(phase.start_year, phase.end_year + 1):
        yt = stored_years.get(year)
        rows.append(GridRow(
            year=year,
            counts=[cell(count_name(code, year), stored_counts.get((code, year), "")) for code, _name in levels],
            min_criteria=cell(min_name(year), "" if yt is None or yt.min_criteria is None else yt.min_criteria),
            avg_criteria=cell(avg_name(year), _decimal_text(yt.avg_criteria) if yt else ""),
        ))
    return rows


def parse_grid(phase: Phase, levels: list[tuple[str, str]], data) -> ParsedGrid:
    """Read every cell; an empty cell leaves its target as it is. Any bad cell is named in
    `errors` (and then nothing is to be written)."""
    parsed = ParsedGrid()
    stored_years = {t.year: t for t in phase.year_targets.all()}

    def bad(name: str, message: str, year: int, column: str, raw: str, limit: int) -> None:
        parsed.errors[name] = message % {"year": year, "column": column, "value": raw[:40],
                                         "max": f"{limit:,}".replace(",", ".")}

    for year in range(phase.start_year, phase.end_year + 1):
        for code, level_name in levels:
            name = count_name(code, year)
            raw = str(data.get(name, "")).strip()
            if not raw:
                continue
            if not _INTEGER.match(raw) or int(raw) > MAX_COUNT:
                bad(name, _("Year %(year)s, %(column)s: “%(value)s” is not a whole number of communes "
                            "between 0 and %(max)s."), year, level_name, raw, MAX_COUNT)
                continue
            parsed.counts[(code, year)] = int(raw)
        stored = stored_years.get(year)
        floor = stored.min_criteria if stored else None
        average = stored.avg_criteria if stored else None
        raw_min = str(data.get(min_name(year), "")).strip()
        raw_avg = str(data.get(avg_name(year), "")).strip()
        ok = True
        if raw_min:
            if not _INTEGER.match(raw_min) or int(raw_min) > MAX_CRITERIA:
                bad(min_name(year), _("Year %(year)s, %(column)s: “%(value)s” is not a whole number of "
                                      "criteria between 0 and %(max)s."),
                    year, _("No commune under (criteria)"), raw_min, MAX_CRITERIA)
                ok = False
            else:
                floor = int(raw_min)
        if raw_avg:
            try:
                value = Decimal(raw_avg.replace(",", ".")) if _DECIMAL.match(raw_avg) else None
            except InvalidOperation:
                value = None
            if value is None or value > MAX_CRITERIA:
                bad(avg_name(year), _("Year %(year)s, %(column)s: “%(value)s” is not a number of criteria "
                                      "between 0 and %(max)s with at most two decimals (e.g. 16,5)."),
                    year, _("Average criteria per commune"), raw_avg, MAX_CRITERIA)
                ok = False
            else:
                average = value
        if ok and (raw_min or raw_avg):
            parsed.year_targets[year] = (floor, average)
    return parsed
