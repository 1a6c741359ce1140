"""The indicator columns of a family for a period, with their thresholds per region."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from assessments.catalog import family_indicators
from criteria import engine
from criteria.queries import current_catalog

from .layout import header_text

OPERATOR_SYMBOLS = {">=": "≥", "<=": "≤", "==": "="}
TYPE_UNITS = {"bool": "có/không", "percent": "%"}


@dataclass
class Column:
    code: str
    label: str
    name: str
    type: str
    unit: str
    min: float | None
    max: float | None
    set_code: str
    level_name: str
    spec: object
    header: str
    # Threshold text per region key ("" when none applies).
    thresholds: dict[str, str] = field(default_factory=dict)

    @property
    def unit_text(self) -> str:
        return self.unit or TYPE_UNITS.get(self.type, "")

    @property
    def low(self):
        return 0 if self.type == "percent" and self.min is None else self.min

    @property
    def high(self):
        return 100 if self.type == "percent" and self.max is None else self.max


def threshold_text(resolved, unit: str) -> str:
    if resolved is None:
        return ""
    if isinstance(resolved.value, bool):
        return engine.format_value(resolved.value)
    symbol = OPERATOR_SYMBOLS.get(resolved.operator, resolved.operator)
    return f"{symbol} {engine.format_value(resolved.value, unit)}"


def family_columns(family: str, on_date: datetime.date, region_keys=()) -> list[Column]:
    """Every indicator of the family in the order of the sets (base set first), with the
    threshold of each region key on the date. Indicators of the higher sets show the set's
    level in their header, since labels repeat from one set to the next."""
    catalog = current_catalog(family)
    specs = sorted(catalog.values(), key=lambda s: s.level.rank)
    base_rank = specs[0].level.rank if specs else 0
    columns = []
    for info in family_indicators(family):
        spec = next(s for s in specs if s.indicator(info.code) is not None)
        level_name = "" if spec.level.rank == base_rank else spec.level.name
        column = Column(
            code=info.code, label=info.label, name=info.name, type=info.type, unit=info.unit,
            min=info.min, max=info.max, set_code=spec.code, level_name=level_name, spec=info.spec,
            header=header_text(info.label, info.name, level_name),
        )
        for key in region_keys:
            resolved = engine.threshold_for(spec, info.code, engine.Context(key, on_date), catalog)
            column.thresholds[key] = threshold_text(resolved, info.unit)
        columns.append(column)
    return columns
