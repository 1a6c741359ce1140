"""Threshold selection and resolution: which entry applies to a unit's key and year, and what
a relative threshold amounts to. Pure Python, no Django."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from criteria.explain import format_number, format_value, key_phrase, source_text
from criteria.schema import CriteriaSetSpec, Indicator, ThresholdEntry

MAX_RELATIVE_DEPTH = 5


@dataclass(frozen=True)
class Context:
    key: str
    on_date: datetime.date

    @property
    def year(self) -> int:
        return self.on_date.year


@dataclass(frozen=True)
class ResolvedThreshold:
    value: Decimal | bool
    operator: str
    source: str
    verified: bool
    description: str


def applies(entry: ThresholdEntry, key: str, year: int) -> bool:
    if entry.keys is not None and key not in entry.keys:
        return False
    return entry.year is None or entry.year == year


def select_entry(indicator: Indicator, key: str, year: int) -> ThresholdEntry | None:
    """The applicable entry with the highest specificity ((has keys) + (has year)).
    The schema rejects two entries that could tie; should one slip through, file order wins."""
    best: ThresholdEntry | None = None
    for entry in indicator.thresholds:
        if applies(entry, key, year) and (best is None or entry.specificity > best.specificity):
            best = entry
    return best


def _where(spec: CriteriaSetSpec, entry: ThresholdEntry, key: str, year: int) -> str:
    parts = []
    if entry.keys is not None:
        parts.append(key_phrase(spec, key))
    if entry.year is not None:
        parts.append(f"năm {year}")
    if parts:
        return ", ".join(parts)
    return "chung cho mọi vùng" if spec.threshold_by == "region" else "chung cho mọi nhóm"


def resolve(
    spec: CriteriaSetSpec,
    indicator: Indicator,
    context: Context,
    catalog: Mapping[str, CriteriaSetSpec] | None,
    depth: int = 0,
) -> ResolvedThreshold | None:
    entry = select_entry(indicator, context.key, context.year)
    if entry is None:
        return None
    document = spec.sources[entry.source.ref]
    article = entry.source.article or document.article
    where = _where(spec, entry, context.key, context.year)
    if entry.relative is None:
        assert entry.value is not None
        return ResolvedThreshold(
            value=entry.value,
            operator=indicator.operator,
            source=source_text(
                document.document, article, spec.illustrative, entry.source.verified
            ),
            verified=entry.source.verified,
            description=where,
        )
    rel = entry.relative
    base_spec = spec if rel.set == spec.code else (catalog or {}).get(rel.set)
    if base_spec is None or depth >= MAX_RELATIVE_DEPTH:
        return None
    base_indicator = base_spec.indicator(rel.indicator)
    if base_indicator is None:
        return None
    base = resolve(base_spec, base_indicator, context, catalog, depth + 1)
    if base is None or isinstance(base.value, bool):
        return None
    verified = entry.source.verified and base.verified
    factor = format_number(rel.factor * 100) + "%"
    description = (
        f"bằng {factor} ngưỡng chỉ tiêu {base_indicator.label} mức {base_spec.level.name}: "
        f"{format_value(base.value, base_indicator.unit)}, {base.description}"
    )
    return ResolvedThreshold(
        value=base.value * rel.factor,
        operator=indicator.operator,
        source=source_text(document.document, article, spec.illustrative, verified),
        verified=verified,
        description=description,
    )


def threshold_for(
    spec: CriteriaSetSpec,
    indicator_code: str,
    context: Context,
    catalog: Mapping[str, CriteriaSetSpec] | None = None,
) -> ResolvedThreshold | None:
    """The threshold of one indicator for a unit's region/group and date, or None if no entry
    applies (or a relative threshold's base cannot be resolved)."""
    indicator = spec.indicator(indicator_code)
    if indicator is None:
        raise KeyError(f'bộ "{spec.code}" không có chỉ tiêu "{indicator_code}"')
    return resolve(spec, indicator, context, catalog)
