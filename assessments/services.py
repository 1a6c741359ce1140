"""Every write of indicator values, evaluations and recognitions.

Nothing else writes IndicatorValue, Evaluation, Recognition or Revocation: views, imports and the
demo generator all call these functions, which own the transaction and the audit record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.bulk import insert_rows
from assessments.catalog import family_indicators, family_on
from assessments.models import Evaluation, IndicatorValue, Period, Recognition, Revocation
from assessments.values import ValueError_, is_blank, parse_indicator_value
from audit import services as audit
from criteria import engine
from criteria.queries import catalog_versions, current_catalog
from units.models import AttributeName, Unit
from units.queries import attributes_on


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


@dataclass(frozen=True)
class _Stored:
    """A current value as read for comparison (pk, number, boolean)."""

    pk: int
    number: Decimal | None
    boolean: bool | None

    @property
    def value(self):
        return self.boolean if self.number is None else self.number


def _same(stored, value) -> bool:
    if isinstance(value, bool):
        return stored.boolean is value and stored.number is None
    return stored.number is not None and Decimal(stored.number) == value


def _recorder(user):
    """The user to store as the author of a row: None for system writes (commands, demo)."""
    return user if getattr(user, "is_authenticated", False) else None


@dataclass(frozen=True)
class _NewValue:
    unit_id: int
    indicator: str
    number: Decimal | None
    boolean: bool | None
    supersedes_id: int | None
    reason: str


def validate_batch(family: str, raw_values: Mapping[str, Any], indicators=None) -> dict[str, Any]:
    """Typed values for the non-blank entries; BatchRejected with every problem otherwise."""
    if indicators is None:
        indicators = {info.code: info for info in family_indicators(family)}
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
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
) -> RecordResult:
    """Record a batch of values for one unit and period (see record_values_many)."""
    try:
        results = record_values_many(
            period, {unit: raw_values}, user=user, source=source, reason=reason,
            ip_address=ip_address, at=at, evaluate=evaluate, allowed_indicators=allowed_indicators,
        )
    except BatchRejected as exc:
        # One unit: report the indicator codes without the unit prefix.
        raise BatchRejected({code.split(":", 1)[-1]: msg for code, msg in exc.errors.items()}) from None
    return results[unit.pk]


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
) -> dict[int, RecordResult]:
    """Record values for many units of one period, in one transaction.

    A bad value anywhere rejects everything (errors keyed "unit ref:indicator"). A value equal
    to the stored one changes nothing; a different one supersedes it (the old row stays, marked
    not current) and needs a reason. Each unit that changed gets one audit record and its
    evaluation is recomputed in the same transaction. The number of queries does not grow with
    the number of units.
    """
    family = family_on(period.as_of)
    if family is None:
        raise BatchRejected({"": _("No criteria set is in force on %(day)s.") % {"day": period.as_of}})
    indicators = {info.code: info for info in family_indicators(family)}
    typed_by_unit: dict[int, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    units = {unit.pk: unit for unit in values_by_unit}
    for unit, raw_values in values_by_unit.items():
        try:
            typed_by_unit[unit.pk] = validate_batch(family, raw_values, indicators)
        except BatchRejected as exc:
            errors.update({f"{unit.ref}:{code}": msg for code, msg in exc.errors.items()})
    if errors:
        raise BatchRejected(errors)
    if allowed_indicators is not None:
        # The caller's access check decided which indicators this user may change; a value
        # outside them is a refused request, not a data error.
        if any(code not in allowed_indicators for typed in typed_by_unit.values() for code in typed):
            raise PermissionDenied
    at = at or timezone.now()
    recorder = _recorder(user)
    results = {uid: RecordResult() for uid in units}
    with transaction.atomic():
        # Plain tuples, not model instances: a province workbook holds ~10,000 current values.
        existing: dict[tuple[int, str], _Stored] = {
            (unit_id, code): _Stored(pk, number, boolean)
            for pk, unit_id, code, number, boolean in IndicatorValue.objects.select_for_update()
            .filter(unit_id__in=list(units), period=period, family=family, is_current=True)
            .values_list("pk", "unit_id", "indicator", "number", "boolean")
        }
        needing_reason = [
            f"{units[uid].ref}:{code}"
            for uid, typed in typed_by_unit.items()
            for code, value in typed.items()
            if (uid, code) in existing and not _same(existing[(uid, code)], value)
        ]
        if needing_reason and not reason.strip():
            raise BatchRejected(
                {key: _("a reason is required to correct a value already recorded") for key in needing_reason}
            )
        to_create: list[_NewValue] = []
        superseded: list[int] = []
        for uid, typed in typed_by_unit.items():
            result = results[uid]
            for code, value in typed.items():
                old = existing.get((uid, code))
                if old is not None and _same(old, value):
                    result.unchanged += 1
                    continue
                if old is not None:
                    superseded.append(old.pk)
                    result.corrected += 1
                else:
                    result.created += 1
                to_create.append(
                    _NewValue(
                        unit_id=uid, indicator=code,
                        number=None if isinstance(value, bool) else value,
                        boolean=value if isinstance(value, bool) else None,
                        supersedes_id=old.pk if old else None,
                        reason=reason if old is not None else "",
                    )
                )
                result.changes.append(
                    {"indicator": code, "before": None if old is None else _as_json(old.value),
                     "after": _as_json(value)}
                )
        # Old rows leave "current" before the new ones arrive (one current value per indicator):
        # one UPDATE per 900 rows (SQLite's parameter limit), not a CASE per row.
        for start in range(0, len(superseded), 900):
            IndicatorValue.objects.filter(pk__in=superseded[start : start + 900]).update(is_current=False)
        insert_rows(
            IndicatorValue,
            ((v.unit_id, v.indicator, v.number, v.boolean, v.supersedes_id, v.reason) for v in to_create),
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
            to_evaluate = [units[uid] for uid in units if uid in unevaluated or uid in changed]
            for uid, evaluation in evaluate_units(to_evaluate, period, at=at).items():
                results[uid].evaluation = evaluation
    return results


def _threshold_key_name(spec) -> str:
    return AttributeName.GROUP if spec.threshold_by == "group" else AttributeName.REGION


@transaction.atomic
def evaluate_units(units: Iterable[Unit], period: Period, *, at=None) -> dict[int, Evaluation]:
    """Evaluate units for a period against every set of the family in force; store the results.

    Returns the base set's evaluation per unit id. A constant number of queries whatever the
    number of units.
    """
    units = list(units)
    family = family_on(period.as_of)
    if family is None or not units:
        return {}
    catalog = current_catalog(family)
    versions = catalog_versions(family)
    base_code = min(catalog, key=lambda code: catalog[code].level.rank)
    attribute = _threshold_key_name(catalog[base_code])
    unit_ids = [u.pk for u in units]
    keys = attributes_on(unit_ids, attribute, period.as_of)
    values: dict[int, dict[str, Any]] = {uid: {} for uid in unit_ids}
    for unit_id, code, number, boolean in IndicatorValue.objects.filter(
        unit_id__in=unit_ids, period=period, family=family, is_current=True
    ).values_list("unit_id", "indicator", "number", "boolean"):
        values[unit_id][code] = boolean if number is None else number
    on_date = period.as_of
    results = engine.evaluate_batch(
        catalog,
        family,
        ((uid, engine.Context(key=keys.get(uid, ""), on_date=on_date), values[uid]) for uid in unit_ids),
        explain=False,
    )
    at = at or timezone.now()
    version_ids = [v.pk for v in versions.values()]
    Evaluation.objects.filter(unit_id__in=unit_ids, period=period, version_id__in=version_ids).delete()
    rows = []
    for uid in unit_ids:
        fam = results[uid]
        for set_code, set_result in fam.results.items():
            version = versions[set_code]
            rows.append((
                uid, version.criteria_set_id, version.pk, set_result.criteria_met,
                set_result.criteria_unmet, set_result.criteria_missing, set_result.criteria_total,
                set_result.all_met, fam.highest_level or "", fam.highest_rank or 0,
                {c.code: c.status for c in set_result.criteria},
                # Statuses only: the explanations are rebuilt from the same version and
                # values when a page shows them (assessments.queries.explained_results).
                set_result.statuses(),
            ))
    insert_rows(
        Evaluation, rows,
        columns=["unit_id", "criteria_set_id", "version_id", "criteria_met", "criteria_unmet",
                 "criteria_missing", "criteria_total", "all_met", "level_reached", "level_rank",
                 "criteria_status", "result"],
        constant={"period_id": period.pk, "computed_at": at},
    )
    base_version = versions[base_code].pk
    return {
        e.unit_id: e
        for e in Evaluation.objects.filter(unit_id__in=unit_ids, period=period, version_id=base_version)
    }


@transaction.atomic
def ensure_period(
    year: int, *, as_of: datetime.date | None = None, name: str | None = None, user=None
) -> Period:
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    period, created = Period.objects.get_or_create(
        code=str(year),
        defaults={
            "name": name or _("Year %(year)s") % {"year": year},
            "start": start,
            "end": end,
            "as_of": as_of or end,
        },
    )
    if created:
        audit.record(action="period.create", object_type="period", object_id=period.code, user=user,
                     after={"name": period.name, "as_of": period.as_of.isoformat()})
    return period


@transaction.atomic
def record_recognition(
    unit: Unit,
    *,
    level_code: str,
    level_rank: int,
    family: str,
    decision_number: str,
    decision_date: datetime.date,
    issuer: str,
    note: str = "",
    user=None,
    ip_address: str | None = None,
) -> Recognition:
    if not decision_number.strip():
        raise BatchRejected({"decision_number": _("The decision number is required.")})
    recognition = Recognition.objects.create(
        unit=unit,
        level_code=level_code,
        level_rank=level_rank,
        family=family,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuer=issuer,
        note=note,
        recorded_at=timezone.now(),
        recorded_by=_recorder(user),
    )
    audit.record(
        action="recognition.create",
        object_type="recognition",
        object_id=recognition.pk,
        user=user,
        unit=unit,
        after={
            "level": level_code,
            "decision_number": recognition.decision_number,
            "decision_date": decision_date.isoformat(),
            "issuer": issuer,
        },
        ip_address=ip_address,
    )
    return recognition


@transaction.atomic
def record_revocation(
    recognition: Recognition,
    *,
    decision_number: str,
    decision_date: datetime.date,
    issuer: str,
    reason: str = "",
    user=None,
    ip_address: str | None = None,
) -> Revocation:
    if hasattr(recognition, "revocation"):
        raise BatchRejected({"recognition": _("This recognition has already been revoked.")})
    if decision_date < recognition.decision_date:
        raise BatchRejected(
            {"decision_date": _("A revocation cannot be dated before the recognition it revokes.")}
        )
    revocation = Revocation.objects.create(
        recognition=recognition,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=issuer,
        reason=reason,
        recorded_at=timezone.now(),
        recorded_by=_recorder(user),
    )
    audit.record(
        action="recognition.revoke",
        object_type="recognition",
        object_id=recognition.pk,
        user=user,
        unit=recognition.unit,
        after={"decision_number": decision_number, "decision_date": decision_date.isoformat()},
        reason=reason,
        ip_address=ip_address,
    )
    return revocation
