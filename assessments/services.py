"""Every write of indicator values, evaluations and recognitions.

Nothing else writes IndicatorValue, Evaluation, Recognition or Revocation: views, imports and the
demo generator all call these functions, which own the transaction and the audit record.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.bulk import insert_rows, update_by_pk
from assessments.catalog import family_indicators, family_on
from assessments.models import Evaluation, IndicatorValue, Period
from assessments.values import ValueError_, check_typed_value, is_blank, parse_indicator_value
from audit import services as audit
from criteria import engine
from units.models import Unit


class BatchRejected(Exception):
    """A batch of values with at least one problem; nothing of it was written."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{code}: {msg}" for code, msg in errors.items()))


@dataclass
class RecordResult:
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    evaluation: Evaluation | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)


def _as_json(value) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


class _Stored(NamedTuple):
    """A current value as read for comparison (a tuple: ~10,000 are made per province import)."""

    pk: int
    number: Decimal | None
    boolean: bool | None
    recorded_at: datetime.datetime | None = None
    recorded_by: int | None = None

    @property
    def value(self):
        return self.boolean if self.number is None else self.number


def _recorder(user):
    """The user to store as the author of a row: None for system writes (commands, demo)."""
    return user if getattr(user, "is_authenticated", False) else None


class TypedValues(dict):
    """Indicator code -> typed value, as `validate_batch` returns it: record_values_many does not
    parse these again (it only checks their type, range and that they fit the column, which is
    cheap). Callers that parsed each value with `parse_indicator_value` against the family's
    indicator specs (the Excel importer, cell by cell) may build one directly."""


class EditConflict(BatchRejected):
    """Values changed by someone else since the user loaded them (errors keyed like
    BatchRejected); `current` maps "unit ref:indicator" to the value stored now."""

    def __init__(self, errors: dict[str, str], current: dict[str, Any]):
        self.current = current
        super().__init__(errors)


_NO_BASE = object()


def _same(a, b) -> bool:
    """Two typed values (None, bool or Decimal) are the same value."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _period_problem(unit: Unit, period: Period) -> str | None:
    """Why the unit cannot have values for the period (it does not exist on the period's as_of
    date), or None. One rule for every channel: the form, the Excel import, an API."""
    if unit.is_valid_on(period.as_of):
        return None
    return _(
        "%(name)s (%(code)s) exists only from %(from)s to %(to)s: it cannot have values for period "
        "%(period)s (as of %(as_of)s)"
    ) % {
        "name": unit.name, "code": unit.ref,
        "from": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…",
        "to": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "…",
        "period": period.name or period.code, "as_of": period.as_of.strftime("%d/%m/%Y"),
    }


def validate_batch(family: str, raw_values: Mapping[str, Any], indicators=None) -> TypedValues:
    """Typed values for the non-blank entries; BatchRejected with every problem otherwise."""
    if indicators is None:
        indicators = {info.code: info for info in family_indicators(family)}
    errors: dict[str, str] = {}
    typed = TypedValues()
    for code, raw in raw_values.items():
        info = indicators.get(code)
        if info is None:
            errors[code] = _("unknown indicator “%(code)s” in the criteria set") % {"code": code}
            continue
        if is_blank(raw):
            continue
        try:
            typed[code] = parse_indicator_value(info.spec, raw)
        except ValueError_ as exc:
            errors[code] = _("indicator %(label)s (%(name)s): %(reason)s") % {
                "label": info.label,
                "name": info.name,
                "reason": exc,
            }
    if errors:
        raise BatchRejected(errors)
    return typed


class ValuesRefused(PermissionDenied):
    """Values the user may not change (errors keyed "unit ref:indicator"); nothing was written."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _moment(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%d/%m/%Y %H:%M:%S")


def _display(value) -> str:
    if value is None:
        return _("(no value)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return engine.format_number(value)  # Vietnamese: 1.234,5


@dataclass
class _Plan:
    """What a batch would do against the stored values: nothing is written yet."""

    refused: dict[str, str] = field(default_factory=dict)
    needing_reason: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)
    conflict_values: dict[str, Any] = field(default_factory=dict)
    # (unit id, indicator, number, boolean, superseded row id, reason) per new row.
    rows: list[tuple] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)


def _plan(
    units: Mapping[int, Unit],
    typed_by_unit: Mapping[int, Mapping[str, Any]],
    existing: Mapping[tuple[int, str], _Stored],
    reason: str,
    allowed_indicators: set[str] | None,
    results: Mapping[int, RecordResult] | None = None,
    base: Mapping[int, Mapping[str, Any]] | None = None,
    since: datetime.datetime | None = None,
    writer: int | None = None,
) -> _Plan:
    """One pass over the typed values: the changes the user may not make, the corrections of
    recorded values that come without a reason, and otherwise the rows to write (counted and
    described in `results`). Values equal to the stored ones change nothing.

    `base` (unit id -> indicator -> typed value or None) is what the writer was shown: a value
    equal to its base is not a change by the writer (skipped), and a change of a value stored
    since differently from its base is an edit conflict. `since` (when the writer's copy was
    made, e.g. a workbook's export time): a change of a value recorded after it by someone
    other than `writer` (a user id, None for the system) is a conflict."""
    plan = _Plan()
    give_reason = not reason.strip()
    for uid, typed in typed_by_unit.items():
        result = results[uid] if results is not None else RecordResult()
        changes = result.changes
        seen = base.get(uid) if base is not None else None
        for code, value in typed.items():
            old = existing.get((uid, code))
            is_bool = isinstance(value, bool)
            if old is not None and (old.boolean is value and old.number is None if is_bool
                                    else old.number is not None and old.number == value):
                result.unchanged += 1
                continue
            if seen is not None:
                shown = seen.get(code, _NO_BASE)
                stored = old.value if old is not None else None
                if shown is not _NO_BASE and _same(shown, value):
                    # Left as the writer saw it: not a change of theirs, whatever is stored now.
                    result.unchanged += 1
                    continue
                if shown is not _NO_BASE and not _same(shown, stored):
                    key = f"{units[uid].ref}:{code}"
                    plan.conflicts[key] = _(
                        "this value was changed by someone else after you opened the form: you saw "
                        "%(seen)s, it is now %(current)s. Check it and save again to replace it"
                    ) % {"seen": _display(shown), "current": _display(stored)}
                    plan.conflict_values[key] = stored
                    continue
            if (since is not None and old is not None and old.recorded_at is not None
                    and old.recorded_at > since and old.recorded_by != writer):
                key = f"{units[uid].ref}:{code}"
                plan.conflicts[key] = _(
                    "this value was recorded again on %(when)s, after your copy was made (%(since)s): "
                    "it is now %(current)s, your copy has %(mine)s. Start again from a new copy"
                ) % {"when": _moment(old.recorded_at), "since": _moment(since),
                     "current": _display(old.value), "mine": _display(value)}
                plan.conflict_values[key] = old.value
                continue
            if allowed_indicators is not None and code not in allowed_indicators:
                plan.refused[f"{units[uid].ref}:{code}"] = _("you may not change this indicator")
                continue
            number, boolean = (None, value) if is_bool else (value, None)
            if old is None:
                result.created += 1
                plan.rows.append((uid, code, number, boolean, None, ""))
                changes.append({"indicator": code, "before": None, "after": _as_json(value)})
                continue
            if give_reason:
                plan.needing_reason[f"{units[uid].ref}:{code}"] = _(
                    "this changes a value already recorded (%(old)s): give a reason for the correction"
                ) % {"old": _display(old.value)}
                continue
            result.corrected += 1
            plan.superseded.append(old.pk)
            plan.rows.append((uid, code, number, boolean, old.pk, reason))
            changes.append({"indicator": code, "before": _as_json(old.value), "after": _as_json(value)})
    return plan


def _current_values(unit_ids, period: Period, family: str, *, lock: bool) -> dict[tuple[int, str], _Stored]:
    query = IndicatorValue.objects.filter(unit_id__in=list(unit_ids), period=period, family=family,
                                          is_current=True)
    if lock:
        query = query.select_for_update()
    # Plain tuples, not model instances: a province workbook holds ~10,000 current values.
    return {
        (unit_id, code): _Stored(pk, number, boolean, recorded_at, recorded_by)
        for pk, unit_id, code, number, boolean, recorded_at, recorded_by in query.order_by().values_list(
            "pk", "unit_id", "indicator", "number", "boolean", "recorded_at", "recorded_by_id")
    }


def change_problems(
    period: Period,
    values_by_unit: Mapping[Unit, Mapping[str, Any]],
    *,
    reason: str = "",
    allowed_indicators: set[str] | None = None,
    changed_since: datetime.datetime | None = None,
    user=None,
) -> dict[str, str]:
    """What record_values_many would refuse in these typed values against the values stored now
    (keys "unit ref:indicator"), without writing: for reports that list every problem at once."""
    family = family_on(period.as_of)
    units = {unit.pk: unit for unit in values_by_unit}
    existing = _current_values(units, period, family, lock=False)
    typed = {unit.pk: values for unit, values in values_by_unit.items()}
    plan = _plan(units, typed, existing, reason, allowed_indicators, since=changed_since,
                 writer=getattr(_recorder(user), "pk", None))
    return {**plan.refused, **plan.conflicts, **plan.needing_reason}


def record_values(
    unit: Unit,
    period: Period,
    raw_values: Mapping[str, Any],
    *,
    user=None,
    source: str = "",
    reason: str = "",
    ip_address: str | None = None,
    at: datetime.datetime | None = None,
    evaluate: bool = True,
    allowed_indicators: set[str] | None = None,
    base: Mapping[str, Any] | None = None,
) -> RecordResult:
    """Record a batch of values for one unit and period (see record_values_many). `base`: the
    values the writer was shown (indicator -> typed value or None), see record_values_many."""
    try:
        results = record_values_many(
            period, {unit: raw_values}, user=user, source=source, reason=reason,
            ip_address=ip_address, at=at, evaluate=evaluate, allowed_indicators=allowed_indicators,
            base=None if base is None else {unit: base},
        )
    except EditConflict as exc:
        raise EditConflict({code.split(":", 1)[-1]: msg for code, msg in exc.errors.items()},
                           {code.split(":", 1)[-1]: v for code, v in exc.current.items()}) from None
    except BatchRejected as exc:
        # One unit: report the indicator codes without the unit prefix.
        raise BatchRejected({code.split(":", 1)[-1]: msg for code, msg in exc.errors.items()}) from None
    result = results[unit.pk]
    if evaluate:
        # The base set's evaluation (the lowest level), as the commune page shows it first.
        result.evaluation = Evaluation.objects.filter(unit=unit, period=period).order_by(
            "criteria_set__level_rank").first()
    return result


def record_values_many(
    period: Period,
    values_by_unit: Mapping[Unit, Mapping[str, Any]],
    *,
    user=None,
    source: str = "",
    reason: str = "",
    ip_address: str | None = None,
    at: datetime.datetime | None = None,
    evaluate: bool = True,
    allowed_indicators: set[str] | None = None,
    base: Mapping[Unit, Mapping[str, Any]] | None = None,
    changed_since: datetime.datetime | None = None,
) -> dict[int, RecordResult]:
    """Record values for many units of one period, in one transaction.

    A bad value anywhere rejects everything (errors keyed "unit ref:indicator"). A value equal
    to the stored one changes nothing; a different one supersedes it (the old row stays, marked
    not current) and needs a reason. With `allowed_indicators`, changing any other indicator
    raises ValuesRefused (a PermissionDenied); sending its stored value unchanged is not a
    change. Each unit that changed gets one audit record and its evaluation is recomputed in
    the same transaction. The number of queries does not grow with the number of units.
    Values already typed (`TypedValues`) are not parsed again, but checked (type, range, fit
    in the column) like parsed ones. A unit that does not exist on the period's as_of date gets
    no values (error keyed "unit ref:"). With `base` (unit -> indicator -> the value the writer
    was shown, None for none), a value left as shown is not written and a change of a value
    that was changed since it was shown raises EditConflict; with `changed_since` (when the
    writer's copy was made), so does a change of a value recorded after that moment.
    """
    family = family_on(period.as_of)
    if family is None:
        raise BatchRejected({"": _("No criteria set is in force on %(day)s.") % {"day": period.as_of}})
    indicators = {info.code: info for info in family_indicators(family)}
    typed_by_unit: dict[int, Mapping[str, Any]] = {}
    errors: dict[str, str] = {}
    units = {unit.pk: unit for unit in values_by_unit}
    for unit, raw_values in values_by_unit.items():
        problem = _period_problem(unit, period)
        if problem is not None:
            errors[f"{unit.ref}:"] = problem
            continue
        if isinstance(raw_values, TypedValues):
            for code, value in raw_values.items():
                info = indicators.get(code)
                try:
                    if info is None:
                        raise ValueError_(_("unknown indicator “%(code)s” in the criteria set") % {"code": code})
                    check_typed_value(info.spec, value)
                except ValueError_ as exc:
                    errors[f"{unit.ref}:{code}"] = _("indicator %(label)s (%(name)s): %(reason)s") % {
                        "label": info.label if info else code, "name": info.name if info else "",
                        "reason": exc}
            typed_by_unit[unit.pk] = raw_values
            continue
        try:
            typed_by_unit[unit.pk] = validate_batch(family, raw_values, indicators)
        except BatchRejected as exc:
            errors.update({f"{unit.ref}:{code}": msg for code, msg in exc.errors.items()})
    if errors:
        raise BatchRejected(errors)
    at = at or timezone.now()
    recorder = _recorder(user)
    results = {uid: RecordResult() for uid in units}
    with transaction.atomic():
        existing = _current_values(units, period, family, lock=True)
        plan = _plan(units, typed_by_unit, existing, reason, allowed_indicators, results,
                     base=None if base is None else {unit.pk: seen for unit, seen in base.items()},
                     since=changed_since, writer=recorder.pk if recorder else None)
        if plan.refused:
            # The caller's access check decided which indicators this user may change; a
            # change outside them is a refused request, not a data error.
            raise ValuesRefused(plan.refused)
        if plan.conflicts:
            raise EditConflict(plan.conflicts, plan.conflict_values)
        if plan.needing_reason:
            raise BatchRejected(plan.needing_reason)
        # Old rows leave "current" before the new ones arrive (one current value per indicator).
        update_by_pk(IndicatorValue, plan.superseded, {"is_current": False})
        insert_rows(
            IndicatorValue,
            plan.rows,
            columns=["unit_id", "indicator", "number", "boolean", "supersedes_id", "reason"],
            constant={"period_id": period.pk, "family": family, "is_current": True, "recorded_at": at,
                      "recorded_by_id": recorder.pk if recorder else None, "source": source},
        )
        changed = [uid for uid, r in results.items() if r.changes]
        audit.record_many(
            [
                dict(
                    action="values.record", object_type="unit_period_values",
                    object_id=f"{units[uid].ref}/{period.code}", user=user, unit=units[uid],
                    before={c["indicator"]: c["before"] for c in results[uid].changes},
                    after={c["indicator"]: c["after"] for c in results[uid].changes},
                    reason=reason, ip_address=ip_address,
                )
                for uid in changed
            ],
            at=at,
        )
        if evaluate:
            unevaluated = set(units) - set(
                Evaluation.objects.filter(unit_id__in=list(units), period=period)
                .values_list("unit_id", flat=True)
            )
            to_evaluate = [uid for uid in units if uid in unevaluated or uid in changed]
            if to_evaluate:
                # The values after this write: the stored ones with the new rows over them.
                current: dict[int, dict[str, Any]] = {uid: {} for uid in to_evaluate}
                for (uid, code), old in existing.items():
                    if uid in current:
                        current[uid][code] = old.value
                for uid, code, number, boolean, _old, _reason in plan.rows:
                    if uid in current:
                        current[uid][code] = boolean if number is None else number
                store_evaluations(to_evaluate, period, family, current, at)
    return results


# Evaluating and storing statuses has its own module (assessments.evaluation); evaluate_units is
# re-exported here for the callers that know it as a service.
from assessments.evaluation import evaluate_units, store_evaluations  # noqa: E402,F401

# Periods and recognition decisions have their own modules; they are re-exported here for the
# callers that know them as services.
from assessments.periods import ensure_period  # noqa: E402,F401
from assessments.recognitions import record_recognition, record_revocation  # noqa: E402,F401
