"""Evaluation of criteria sets: pure Python, no Django.

A value is compared with the threshold that applies to the unit's region or group (`Context.key`)
and year (`Context.on_date.year`). Every indicator, criterion and set ends in one of three
statuses: "met", "unmet" or "missing" ("chưa có số liệu"). Missing data never passes or fails
silently: it propagates through the rules with three-valued logic.

Explanations are plain Vietnamese sentences with Vietnamese number format (decimal comma,
thousands dot).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from criteria.schema import (
    AllRule,
    AnyRule,
    AtLeastRule,
    CriteriaSetSpec,
    Criterion,
    Indicator,
    Rule,
    ThresholdEntry,
)

Status = Literal["met", "unmet", "missing"]
Value = Decimal | float | int | bool | None

MET: Status = "met"
UNMET: Status = "unmet"
MISSING: Status = "missing"

STATUS_LABELS = {MET: "Đạt", UNMET: "Chưa đạt", MISSING: "Chưa có số liệu"}
OPERATOR_SYMBOLS = {">=": "≥", "<=": "≤", "==": "="}
NEGATED_SYMBOLS = {">=": "<", "<=": ">", "==": "≠"}
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


@dataclass
class IndicatorResult:
    code: str
    label: str
    name: str
    criterion_code: str
    value: Decimal | bool | None
    threshold: Decimal | bool | None
    operator: str
    unit: str
    status: Status
    explanation: str
    source: str
    verified: bool
    # Why a "missing" status: "no_value", "invalid_value" or "no_threshold"; None otherwise.
    missing_reason: str | None = None
    threshold_description: str = ""


@dataclass
class CriterionResult:
    code: str
    name: str
    group_code: str
    status: Status
    explanation: str
    indicators: list[IndicatorResult]


@dataclass
class SetResult:
    set_code: str
    level_code: str
    level_rank: int
    criteria: list[CriterionResult]
    criteria_met: int
    criteria_unmet: int
    criteria_missing: int
    criteria_total: int
    all_met: bool
    set_name: str = ""
    family: str = ""
    illustrative: bool = False
    key: str = ""
    on_date: datetime.date | None = None

    def criterion(self, code: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.code == code), None)

    def indicator(self, code: str) -> IndicatorResult | None:
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                if indicator.code == code:
                    return indicator
        return None

    def statuses(self) -> dict[str, dict[str, str]]:
        """The compact form stored with an evaluation: every criterion's and indicator's status."""
        return {
            "criteria": {c.code: c.status for c in self.criteria},
            "indicators": {i.code: i.status for c in self.criteria for i in c.indicators},
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: Decimals become strings, dates ISO strings."""
        # Built by hand: dataclasses.asdict deep-copies every field and was most of the cost of
        # storing a province's evaluations.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "criteria"}
        data["on_date"] = self.on_date.isoformat() if self.on_date else None
        data["criteria"] = [
            {
                **{f.name: getattr(c, f.name) for f in _CRITERION_FIELDS if f.name != "indicators"},
                "indicators": [
                    {
                        **{f.name: getattr(i, f.name) for f in _INDICATOR_FIELDS},
                        "value": _dump_value(i.value),
                        "threshold": _dump_value(i.threshold),
                    }
                    for i in c.indicators
                ],
            }
            for c in self.criteria
        ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SetResult:
        criteria = []
        for c in data["criteria"]:
            indicators = []
            for i in c["indicators"]:
                values = dict(i)
                values["value"] = _load_value(values.get("value"))
                values["threshold"] = _load_value(values.get("threshold"))
                indicators.append(IndicatorResult(**values))
            criteria.append(CriterionResult(**{**c, "indicators": indicators}))
        on_date = data.get("on_date")
        return cls(
            **{
                **{k: v for k, v in data.items() if k not in ("criteria", "on_date")},
                "criteria": criteria,
                "on_date": datetime.date.fromisoformat(on_date) if on_date else None,
            }
        )


_CRITERION_FIELDS = fields(CriterionResult)
_INDICATOR_FIELDS = fields(IndicatorResult)


@dataclass
class FamilyResult:
    results: dict[str, SetResult]
    highest_level: str | None
    highest_rank: int
    levels: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "results": {code: result.to_dict() for code, result in self.results.items()},
            "highest_level": self.highest_level,
            "highest_rank": self.highest_rank,
            "levels": dict(self.levels),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FamilyResult:
        return cls(
            results={code: SetResult.from_dict(r) for code, r in data["results"].items()},
            highest_level=data.get("highest_level"),
            highest_rank=data.get("highest_rank", 0),
            levels=dict(data.get("levels", {})),
        )


@dataclass(frozen=True)
class RevocationCheck:
    unmet: int
    total: int
    share: float
    key_failing: list[str]
    rule_met: bool
    explanation: str

    @property
    def percent(self) -> float:
        """The share of unmet criteria in percent, one decimal."""
        return round(self.share * 100, 1)


def _dump_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _load_value(value: Any) -> Any:
    if isinstance(value, str):
        return Decimal(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


# ---------------------------------------------------------------- formatting


def format_number(value: Decimal | int | float) -> str:
    """Vietnamese number format: 1234567.5 -> '1.234.567,5'."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    text = format(number, "f")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    return f"{result},{fraction}" if fraction else result


def format_value(value: Decimal | bool, unit: str = "") -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_share(share: float | Fraction) -> str:
    percent = Decimal(str(round(float(share) * 100, 1)))
    return format_number(percent) + "%"


def source_text(document: str, article: str | None, illustrative: bool, verified: bool) -> str:
    text = document if not article else f"{document}, {article}"
    flags = []
    if illustrative:
        flags.append("minh họa")
    if not verified:
        flags.append("chưa xác minh")
    return f"{text} ({', '.join(flags)})" if flags else text


def describe_rule(rule: Rule, labels: Mapping[str, str], top: bool = True) -> str:
    if isinstance(rule, str):
        return labels.get(rule, rule)
    if isinstance(rule, AllRule):
        text = " và ".join(describe_rule(r, labels, False) for r in rule.all)
    elif isinstance(rule, AnyRule):
        text = " hoặc ".join(describe_rule(r, labels, False) for r in rule.any)
    else:
        inner = ", ".join(describe_rule(r, labels, False) for r in rule.of)
        text = f"ít nhất {rule.at_least} trong {len(rule.of)}: {inner}"
    n_children = len(
        rule.all
        if isinstance(rule, AllRule)
        else rule.any
        if isinstance(rule, AnyRule)
        else rule.of
    )
    return text if top or n_children == 1 else f"({text})"


# ---------------------------------------------------------------- thresholds


def _applies(entry: ThresholdEntry, key: str, year: int) -> bool:
    if entry.keys is not None and key not in entry.keys:
        return False
    return entry.year is None or entry.year == year


def select_entry(indicator: Indicator, key: str, year: int) -> ThresholdEntry | None:
    """The applicable entry with the highest specificity ((has keys) + (has year)).
    The schema rejects two entries that could tie; should one slip through, file order wins."""
    best: ThresholdEntry | None = None
    for entry in indicator.thresholds:
        if _applies(entry, key, year) and (best is None or entry.specificity > best.specificity):
            best = entry
    return best


def _where(spec: CriteriaSetSpec, entry: ThresholdEntry, key: str, year: int) -> str:
    parts = []
    if entry.keys is not None:
        parts.append(_key_phrase(spec, key))
    if entry.year is not None:
        parts.append(f"năm {year}")
    if parts:
        return ", ".join(parts)
    return "chung cho mọi vùng" if spec.threshold_by == "region" else "chung cho mọi nhóm"


def _key_phrase(spec: CriteriaSetSpec, key: str) -> str:
    name = spec.key_name(key)
    if spec.threshold_by == "region":
        return name if name.lower().startswith("vùng") else f"vùng {name}"
    return name if name.lower().startswith("nhóm") else f"nhóm {name}"


def _resolve(
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
    base = _resolve(base_spec, base_indicator, context, catalog, depth + 1)
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
    return _resolve(spec, indicator, context, catalog)


# ---------------------------------------------------------------- evaluation


def _coerce(indicator: Indicator, raw: Any) -> tuple[Decimal | bool | None, str | None]:
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


def _compare(value: Decimal | bool, operator: str, threshold: Decimal | bool) -> bool:
    if operator == ">=":
        return value >= threshold
    if operator == "<=":
        return value <= threshold
    return value == threshold


def _evaluate_rule(rule: Rule, statuses: Mapping[str, Status]) -> Status:
    if isinstance(rule, str):
        return statuses.get(rule, MISSING)
    if isinstance(rule, AllRule):
        children = [_evaluate_rule(r, statuses) for r in rule.all]
        if UNMET in children:
            return UNMET
        return MET if all(s == MET for s in children) else MISSING
    if isinstance(rule, AnyRule):
        children = [_evaluate_rule(r, statuses) for r in rule.any]
        if MET in children:
            return MET
        return UNMET if all(s == UNMET for s in children) else MISSING
    assert isinstance(rule, AtLeastRule)
    children = [_evaluate_rule(r, statuses) for r in rule.of]
    met = children.count(MET)
    missing = children.count(MISSING)
    if met >= rule.at_least:
        return MET
    if met + missing < rule.at_least:
        return UNMET
    return MISSING


def evaluate_rule(rule: Rule, statuses: Mapping[str, Status]) -> Status:
    """Three-valued logic over indicator statuses (absent codes count as missing)."""
    return _evaluate_rule(rule, statuses)


class _Evaluator:
    """Evaluates sets, remembering threshold selections per (set, key, year)."""

    def __init__(self, catalog: Mapping[str, CriteriaSetSpec] | None):
        self.catalog = catalog
        self._thresholds: dict[tuple[str, int, str, int], dict[str, ResolvedThreshold | None]] = {}

    def thresholds(
        self, spec: CriteriaSetSpec, context: Context
    ) -> dict[str, ResolvedThreshold | None]:
        cache_key = (spec.code, id(spec), context.key, context.year)
        selected = self._thresholds.get(cache_key)
        if selected is None:
            selected = {
                indicator.code: _resolve(spec, indicator, context, self.catalog)
                for _criterion, indicator in spec.iter_indicators()
            }
            self._thresholds[cache_key] = selected
        return selected

    def indicator(
        self,
        spec: CriteriaSetSpec,
        criterion: Criterion,
        indicator: Indicator,
        threshold: ResolvedThreshold | None,
        context: Context,
        raw: Any,
    ) -> IndicatorResult:
        unit = indicator.unit
        result = IndicatorResult(
            code=indicator.code,
            label=indicator.label or indicator.code,
            name=indicator.name,
            criterion_code=criterion.code,
            value=None,
            threshold=threshold.value if threshold else None,
            operator=indicator.operator,
            unit=unit,
            status=MISSING,
            explanation="",
            source=threshold.source if threshold else "",
            verified=threshold.verified if threshold else False,
            threshold_description=threshold.description if threshold else "",
        )
        if threshold is None:
            where = (
                _key_phrase(spec, context.key)
                if spec.has_key(context.key)
                else f'mã "{context.key}"'
            )
            result.missing_reason = "no_threshold"
            result.explanation = f"Chưa có ngưỡng áp dụng cho {where}, năm {context.year}"
            if raw is not None:
                value, _problem = _coerce(indicator, raw)
                result.value = value
            return result
        if raw is None:
            result.missing_reason = "no_value"
            result.explanation = "Chưa có số liệu"
            return result
        value, problem = _coerce(indicator, raw)
        result.value = value
        if problem is not None:
            result.missing_reason = "invalid_value"
            result.explanation = problem
            return result
        assert value is not None
        met = _compare(value, indicator.operator, threshold.value)
        result.status = MET if met else UNMET
        if indicator.type == "bool":
            result.explanation = (
                f"Đạt: {format_value(value)}"
                if met
                else f"Chưa đạt: {format_value(value)} (yêu cầu: {format_value(threshold.value)})"
            )
            return result
        symbol = (
            OPERATOR_SYMBOLS[indicator.operator] if met else NEGATED_SYMBOLS[indicator.operator]
        )
        result.explanation = (
            f"{STATUS_LABELS[result.status]}: {format_value(value, unit)} {symbol} "
            f"{format_value(threshold.value, unit)} (ngưỡng {threshold.description})"
        )
        return result

    def criterion(
        self,
        spec: CriteriaSetSpec,
        group_code: str,
        criterion: Criterion,
        thresholds: Mapping[str, ResolvedThreshold | None],
        context: Context,
        values: Mapping[str, Any],
    ) -> CriterionResult:
        indicators = [
            self.indicator(
                spec, criterion, ind, thresholds[ind.code], context, values.get(ind.code)
            )
            for ind in criterion.indicators
        ]
        statuses = {r.code: r.status for r in indicators}
        status = _evaluate_rule(criterion.effective_rule, statuses)
        labels = {r.code: r.label for r in indicators}
        met = [r.label for r in indicators if r.status == MET]
        unmet = [r.label for r in indicators if r.status == UNMET]
        no_value = [
            r.label for r in indicators if r.missing_reason in ("no_value", "invalid_value")
        ]
        no_threshold = [r.label for r in indicators if r.missing_reason == "no_threshold"]
        rule_note = ""
        if criterion.rule is not None:
            rule_note = f" (yêu cầu: {describe_rule(criterion.rule, labels)})"
        if status == MET:
            explanation = f"Đạt: {len(met)}/{len(indicators)} chỉ tiêu đạt{rule_note}"
        elif status == UNMET:
            explanation = f"Chưa đạt: chỉ tiêu {', '.join(unmet)} chưa đạt{rule_note}"
        else:
            parts = []
            if no_value:
                parts.append(f"Chưa có số liệu cho chỉ tiêu {', '.join(no_value)}")
            if no_threshold:
                parts.append(f"Chưa có ngưỡng cho chỉ tiêu {', '.join(no_threshold)}")
            explanation = "; ".join(parts) + rule_note
        return CriterionResult(
            code=criterion.code,
            name=criterion.name,
            group_code=group_code,
            status=status,
            explanation=explanation,
            indicators=indicators,
        )

    def evaluate(
        self, spec: CriteriaSetSpec, context: Context, values: Mapping[str, Any]
    ) -> SetResult:
        thresholds = self.thresholds(spec, context)
        criteria = [
            self.criterion(spec, group.code, criterion, thresholds, context, values)
            for group, criterion in spec.iter_criteria()
        ]
        met = sum(c.status == MET for c in criteria)
        unmet = sum(c.status == UNMET for c in criteria)
        missing = sum(c.status == MISSING for c in criteria)
        return SetResult(
            set_code=spec.code,
            level_code=spec.level.code,
            level_rank=spec.level.rank,
            criteria=criteria,
            criteria_met=met,
            criteria_unmet=unmet,
            criteria_missing=missing,
            criteria_total=len(criteria),
            all_met=met == len(criteria),
            set_name=spec.name,
            family=spec.family,
            illustrative=spec.illustrative,
            key=context.key,
            on_date=context.on_date,
        )

    def family(
        self, specs: list[CriteriaSetSpec], context: Context, values: Mapping[str, Any]
    ) -> FamilyResult:
        results = {spec.code: self.evaluate(spec, context, values) for spec in specs}
        return FamilyResult(results=results, **_levels(specs, results))


def _levels(specs: list[CriteriaSetSpec], results: Mapping[str, Any]) -> dict[str, Any]:
    """Levels reached, from the sets' results in rank order: a set's level is reached when the
    set is all met and the set it `requires` is reached too."""
    reached_by_set: dict[str, bool] = {}
    levels: dict[str, bool] = {}
    highest_level: str | None = None
    highest_rank = 0
    for spec in specs:
        required_ok = spec.requires is None or reached_by_set.get(spec.requires, False)
        reached = results[spec.code].all_met and required_ok
        reached_by_set[spec.code] = reached
        levels[spec.level.code] = levels.get(spec.level.code, False) or reached
        if reached and spec.level.rank > highest_rank:
            highest_rank = spec.level.rank
            highest_level = spec.level.code
    return {"highest_level": highest_level, "highest_rank": highest_rank, "levels": levels}


def family_specs(catalog: Mapping[str, CriteriaSetSpec], family: str) -> list[CriteriaSetSpec]:
    """The sets of a family in rank order (then code)."""
    return sorted(
        (spec for spec in catalog.values() if spec.family == family),
        key=lambda spec: (spec.level.rank, spec.code),
    )


def evaluate_set(
    spec: CriteriaSetSpec,
    context: Context,
    values: Mapping[str, Value],
    catalog: Mapping[str, CriteriaSetSpec] | None = None,
) -> SetResult:
    """Evaluate one set. `catalog` resolves relative thresholds that point at other sets."""
    return _Evaluator(catalog).evaluate(spec, context, values)


def evaluate_family(
    catalog: Mapping[str, CriteriaSetSpec],
    family: str,
    context: Context,
    values: Mapping[str, Value],
) -> FamilyResult:
    """Every set of the family in rank order; a level is reached only when its set is all met
    and the set it `requires` is reached too."""
    return _Evaluator(catalog).family(family_specs(catalog, family), context, values)


def evaluate_sets(
    catalog: Mapping[str, CriteriaSetSpec],
    set_codes: Iterable[str],
    context: Context,
    values: Mapping[str, Value],
) -> FamilyResult:
    """Like `evaluate_family` for a chosen subset of the catalog (e.g. a set and the sets it
    requires); relative thresholds still resolve against the whole catalog."""
    specs = sorted((catalog[code] for code in set(set_codes)), key=lambda s: (s.level.rank, s.code))
    return _Evaluator(catalog).family(specs, context, values)


def evaluate_batch(
    catalog: Mapping[str, CriteriaSetSpec],
    family: str,
    items: Iterable[tuple[Any, Context, Mapping[str, Value]]],
) -> dict[Any, FamilyResult]:
    """Many units at once, with explanations; threshold selections are shared per (set, key,
    year). To store evaluations, `evaluate_statuses` computes the statuses alone."""
    evaluator = _Evaluator(catalog)
    specs = family_specs(catalog, family)
    return {key: evaluator.family(specs, context, values) for key, context, values in items}


# ---------------------------------------------------------------- statuses only, many units


@dataclass
class SetStatuses:
    """A set's statuses without explanations: what an evaluation stores."""

    criteria: dict[str, Status]
    indicators: dict[str, Status]
    criteria_met: int
    criteria_unmet: int
    criteria_missing: int
    criteria_total: int
    all_met: bool

    def statuses(self) -> dict[str, dict[str, str]]:
        """The same compact form as `SetResult.statuses()`."""
        return {"criteria": self.criteria, "indicators": self.indicators}


@dataclass
class FamilyStatuses:
    results: dict[str, SetStatuses]
    highest_level: str | None
    highest_rank: int
    levels: dict[str, bool] = field(default_factory=dict)


def indicator_status(indicator: Indicator, threshold: Decimal | bool | None, raw: Any) -> Status:
    """One indicator's status: missing without a threshold, a value, or with an invalid value."""
    if threshold is None or raw is None:
        return MISSING
    value, problem = _coerce(indicator, raw)
    if problem is not None:
        return MISSING
    return MET if _compare(value, indicator.operator, threshold) else UNMET


def evaluate_statuses(
    catalog: Mapping[str, CriteriaSetSpec],
    family: str,
    items: Iterable[tuple[Any, Context, Mapping[str, Value]]],
) -> dict[Any, FamilyStatuses]:
    """`evaluate_batch` for storing: the same statuses, counts and levels, no explanations and
    no per-indicator result objects. Each set is laid out once per (key, year) as plain tuples."""
    evaluator = _Evaluator(catalog)  # for its threshold selections
    specs = family_specs(catalog, family)
    plans: dict[tuple[str, int], list[tuple[CriteriaSetSpec, list]]] = {}

    def plan(context: Context):
        found = plans.get((context.key, context.year))
        if found is None:
            found = []
            for spec in specs:
                thresholds = evaluator.thresholds(spec, context)
                criteria = []
                for _group, criterion in spec.iter_criteria():
                    indicators = []
                    for ind in criterion.indicators:
                        resolved = thresholds[ind.code]
                        indicators.append((ind.code, ind, resolved.value if resolved else None))
                    criteria.append((criterion.code, criterion.effective_rule, indicators))
                found.append((spec, criteria))
            plans[(context.key, context.year)] = found
        return found

    out: dict[Any, FamilyStatuses] = {}
    for item_key, context, values in items:
        results: dict[str, SetStatuses] = {}
        for spec, criteria in plan(context):
            criterion_statuses: dict[str, Status] = {}
            indicator_statuses: dict[str, Status] = {}
            for criterion_code, rule, indicators in criteria:
                own = {code: indicator_status(ind, threshold, values.get(code))
                       for code, ind, threshold in indicators}
                indicator_statuses.update(own)
                criterion_statuses[criterion_code] = _evaluate_rule(rule, own)
            counted = list(criterion_statuses.values())
            met = counted.count(MET)
            results[spec.code] = SetStatuses(
                criteria=criterion_statuses, indicators=indicator_statuses, criteria_met=met,
                criteria_unmet=counted.count(UNMET), criteria_missing=counted.count(MISSING),
                criteria_total=len(counted), all_met=met == len(counted),
            )
        out[item_key] = FamilyStatuses(results=results, **_levels(specs, results))
    return out


def revocation_check(set_result: SetResult, key_criteria: Iterable[str]) -> RevocationCheck:
    """QĐ 18/2022/QĐ-TTg: recognition is revoked when 50% or more of the criteria fail, or 30% to
    under 50% fail including a key criterion (income, environment, defence and security).
    Only "unmet" criteria count as failing; "missing" ones do not."""
    return revocation_check_counts(
        unmet_codes=[c.code for c in set_result.criteria if c.status == UNMET],
        total=set_result.criteria_total,
        key_criteria=key_criteria,
        missing=set_result.criteria_missing,
        names={c.code: c.name for c in set_result.criteria},
    )


def revocation_check_counts(
    unmet_codes: Iterable[str],
    total: int,
    key_criteria: Iterable[str],
    missing: int = 0,
    names: Mapping[str, str] | None = None,
) -> RevocationCheck:
    """`revocation_check` from stored counts: the codes of the unmet criteria and the total."""
    keys = set(key_criteria)
    unmet_list = list(unmet_codes)
    unmet = len(unmet_list)
    key_failing = [code for code in unmet_list if code in keys]
    share = Fraction(unmet, total) if total else Fraction(0)
    rule_met = share >= Fraction(1, 2) or (share >= Fraction(3, 10) and bool(key_failing))
    names = names or {}
    text = f"{unmet}/{total} tiêu chí chưa đạt ({format_share(share)})"
    if key_failing:
        text += ", gồm tiêu chí then chốt " + ", ".join(
            f"{code} ({names[code]})" if code in names else code for code in key_failing
        )
    if rule_met:
        text += ": thuộc trường hợp thu hồi quyết định công nhận theo QĐ 18/2022/QĐ-TTg"
    else:
        text += ": chưa đến mức thu hồi quyết định công nhận theo QĐ 18/2022/QĐ-TTg"
    if missing:
        text += f"; {missing} tiêu chí chưa có số liệu, không được tính là chưa đạt"
    return RevocationCheck(
        unmet=unmet,
        total=total,
        share=float(share),
        key_failing=key_failing,
        rule_met=rule_met,
        explanation=text,
    )
