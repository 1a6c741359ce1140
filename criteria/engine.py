"""Evaluation of criteria sets: pure Python, no Django.

A value is compared with the threshold that applies to the unit's region or group (`Context.key`)
and year (`Context.on_date.year`). Every indicator, criterion and set ends in one of three
statuses: "met", "unmet" or "missing" ("chưa có số liệu"). Missing data never passes or fails
silently: it propagates through the rules with three-valued logic.

Explanations are plain Vietnamese sentences with Vietnamese number format (decimal comma,
thousands dot).

The engine is split into modules that import one way: `results` (types) <- `explain` (sentences,
number format) <- `thresholds` (selection, relative thresholds), `coerce` (reading values) and
`revocation` <- `engine` (evaluation). Every public name of those modules stays importable from
here (`from criteria import engine; engine.format_number(...)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from criteria.coerce import VALUE_LIMIT, coerce_value, compare
from criteria.explain import (
    NEGATED_SYMBOLS,
    OPERATOR_SYMBOLS,
    STATUS_LABELS,
    describe_rule,
    format_number,
    format_share,
    format_value,
    no_threshold_text,
    source_text,
)
from criteria.results import (
    MET,
    MISSING,
    UNMET,
    CriterionResult,
    FamilyResult,
    FamilyStatuses,
    IndicatorResult,
    RevocationCheck,
    SetResult,
    SetStatuses,
    Status,
    Value,
)
from criteria.revocation import revocation_check, revocation_check_counts
from criteria.schema import (
    AllRule,
    AnyRule,
    AtLeastRule,
    CriteriaSetSpec,
    Criterion,
    Indicator,
    Rule,
)
from criteria.thresholds import (
    MAX_RELATIVE_DEPTH,
    Context,
    ResolvedThreshold,
    resolve,
    select_entry,
    threshold_for,
)


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


def _compiled_rule(rule: Rule):
    """`_evaluate_rule(rule, statuses)` as a function of the statuses, for evaluating many
    units with one plan. The usual rule, every indicator of the criterion (AllRule of codes),
    is one pass over the codes; other rules fall back to _evaluate_rule."""
    if isinstance(rule, AllRule) and all(isinstance(r, str) for r in rule.all):
        codes = tuple(rule.all)

        def all_of(statuses: Mapping[str, Status]) -> Status:
            children = [statuses.get(code, MISSING) for code in codes]
            if UNMET in children:
                return UNMET
            return MISSING if MISSING in children else MET

        return all_of
    return lambda statuses: _evaluate_rule(rule, statuses)


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
                indicator.code: resolve(spec, indicator, context, self.catalog)
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
            result.missing_reason = "no_threshold"
            result.explanation = no_threshold_text(spec, context.key, context.year)
            if raw is not None:
                value, _problem = coerce_value(indicator, raw)
                result.value = value
            return result
        if raw is None:
            result.missing_reason = "no_value"
            result.explanation = "Chưa có số liệu"
            return result
        value, problem = coerce_value(indicator, raw)
        result.value = value
        if problem is not None:
            result.missing_reason = "invalid_value"
            result.explanation = problem
            return result
        assert value is not None
        met = compare(value, indicator.operator, threshold.value)
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

def indicator_status(indicator: Indicator, threshold: Decimal | bool | None, raw: Any) -> Status:
    """One indicator's status: missing without a threshold, a value, or with an invalid value."""
    if threshold is None or raw is None:
        return MISSING
    value, problem = coerce_value(indicator, raw)
    if problem is not None:
        return MISSING
    return MET if compare(value, indicator.operator, threshold) else UNMET


def _fast_status(ind: Indicator, threshold, raw, is_bool: bool, integer: bool, lo, hi, op: str) -> Status:
    """indicator_status for the typed values the database gives (bool for yes/no indicators,
    Decimal for numbers), without building coerce_value's explanations; any other value goes
    through indicator_status itself. Same result (criteria/tests/test_shipped_sets.py)."""
    if threshold is None or raw is None:
        return MISSING
    cls = raw.__class__
    if is_bool:
        if cls is bool:
            return MET if compare(raw, op, threshold) else UNMET
    elif cls is Decimal:
        if not raw.is_finite() or abs(raw) >= VALUE_LIMIT:
            return MISSING
        if integer and raw != raw.to_integral_value():
            return MISSING
        if (lo is not None and raw < lo) or (hi is not None and raw > hi):
            return MISSING
        return MET if compare(raw, op, threshold) else UNMET
    return indicator_status(ind, threshold, raw)


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
                        indicators.append((ind.code, ind, resolved.value if resolved else None,
                                           ind.type == "bool", ind.type == "integer", ind.min, ind.max,
                                           ind.operator))
                    criteria.append((criterion.code, _compiled_rule(criterion.effective_rule), indicators))
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
                own = {code: _fast_status(ind, threshold, values.get(code), is_bool, integer, lo, hi, op)
                       for code, ind, threshold, is_bool, integer, lo, hi, op in indicators}
                indicator_statuses.update(own)
                criterion_statuses[criterion_code] = rule(own)
            counted = list(criterion_statuses.values())
            met = counted.count(MET)
            results[spec.code] = SetStatuses(
                criteria=criterion_statuses, indicators=indicator_statuses, criteria_met=met,
                criteria_unmet=counted.count(UNMET), criteria_missing=counted.count(MISSING),
                criteria_total=len(counted), all_met=met == len(counted),
            )
        out[item_key] = FamilyStatuses(results=results, **_levels(specs, results))
    return out


__all__ = [
    "MAX_RELATIVE_DEPTH",
    "MET",
    "MISSING",
    "NEGATED_SYMBOLS",
    "OPERATOR_SYMBOLS",
    "STATUS_LABELS",
    "UNMET",
    "Context",
    "CriterionResult",
    "FamilyResult",
    "FamilyStatuses",
    "IndicatorResult",
    "ResolvedThreshold",
    "RevocationCheck",
    "SetResult",
    "SetStatuses",
    "Status",
    "Value",
    "describe_rule",
    "evaluate_batch",
    "evaluate_family",
    "evaluate_rule",
    "evaluate_set",
    "evaluate_sets",
    "evaluate_statuses",
    "family_specs",
    "format_number",
    "format_share",
    "format_value",
    "indicator_status",
    "revocation_check",
    "revocation_check_counts",
    "select_entry",
    "source_text",
    "threshold_for",
]
