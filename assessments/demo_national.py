"""National demo data (`setup_demo --scale national`): every province on both maps and
illustrative values for every programme commune of one period on each map, 2024 on the map
before 1/7/2025 and 2026 on today's.

Generated, never real, and labelled as the province demo is (source "Dữ liệu minh họa"). The
province demo (Lào Cai, `make run`) is left as it is: the deployment's provinces
(NTM_PROVINCE_REFS) are not filled, and communes that already have values in a period are
skipped. Values are drawn, per commune, from a few variants per criterion made
against the thresholds of the commune's region (2024) or group (2026) by the province demo's
own generator (assessments.demo._criterion_values), so the engine, not this module, decides
every status; each commune gets its own mix of criteria met and missed. Seeded: the same seed
gives the same values.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable

from django.conf import settings

from assessments import recognitions, services
from assessments.catalog import base_set, family_on
from assessments.demo import AS_OF, DEMO_SOURCE, PERIOD_NAMES, _criterion_values, _weighted_sample
from assessments.demo_2026 import GROUP_DECISION_DATE, GROUPS_FROM, illustrative_facts
from assessments.groups import confirm_group
from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from assessments.queries import programme_communes
from criteria import engine
from criteria.queries import current_catalog
from units import data_files
from units.groups import Facts, propose
from units.loaders import load_province
from units.models import AttributeName, Unit, UnitKind
from units.queries import attributes_on

SEED = 20240101
OLD_YEAR = 2024
NEW_YEAR = 2026
VARIANTS = 6  # value variants per (threshold key, criterion, met or not)
NATIONAL_GROUP_DECISION = "Quyết định xếp nhóm xã (minh họa)"
# How many criteria a commune misses: most communes of the country were recognised or close to
# it by 2024 (illustrative spread, not a published figure).
MISSED_2024 = (0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10)
MISSED_2026 = (0, 1, 2, 2, 3, 3, 4, 5, 6, 7)


class _Pool:
    """Value variants per (key, set code, criterion code, met), made on first use."""

    def __init__(self, catalog, day: datetime.date, rng: random.Random):
        self.catalog, self.day, self.rng = catalog, day, rng
        self.variants: dict[tuple, list[dict]] = {}

    def values(self, key: str, spec, criterion, met: bool) -> dict:
        slot = (key, spec.code, criterion.code, met)
        found = self.variants.get(slot)
        if found is None:
            ctx = engine.Context(key=key, on_date=self.day)
            found = [_criterion_values(spec, criterion, ctx, self.catalog, met, self.rng)
                     for _ in range(VARIANTS)]
            self.variants[slot] = found
        return self.rng.choice(found)


def _commune_values(pool: _Pool, specs, key: str, missed: int, rng: random.Random) -> services.TypedValues:
    base = specs[0]
    codes = [c.code for g in base.groups for c in g.criteria]
    failing = _weighted_sample(rng, codes, missed)
    values = services.TypedValues()
    for group in base.groups:
        for criterion in group.criteria:
            values.update(pool.values(key, base, criterion, criterion.code not in failing))
    for spec in specs[1:]:  # the higher levels: their own indicators, met by few
        for group in spec.groups:
            for criterion in group.criteria:
                for code, value in pool.values(key, spec, criterion, rng.random() < 0.3).items():
                    values.setdefault(code, value)
    return values


def load_all(old_codes: Iterable[str] | None = None, progress: Callable[[str], None] | None = None) -> int:
    """load_units for the given former provinces (all 63 by default) and the provinces of today
    that absorbed them; returns the number of former provinces loaded."""
    codes = sorted(old_codes) if old_codes else sorted(data_files.old_provinces())
    for code in codes:
        report = load_province(code)
        if progress:
            progress(report.summary_vi())
    return len(codes)


def _provinces(day: datetime.date, old_codes: Iterable[str] | None) -> list[Unit]:
    """The provinces to fill: not the deployment's own (NTM_PROVINCE_REFS), which the province
    demo (`make run`) fills with its own story."""
    own = [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]
    provinces = Unit.objects.valid_on(day).filter(kind=UnitKind.PROVINCE).exclude(ref__in=own)
    if old_codes is not None:
        codes = set(old_codes)
        if day > datetime.date(2025, 6, 30):
            codes = {data_files.absorber_of(code) for code in codes}
        provinces = provinces.filter(code__in=codes)
    return list(provinces.order_by("code"))


def _fill(period: Period, provinces: list[Unit], missed: tuple[int, ...], keys_of, rng: random.Random,
          progress) -> int:
    """Values for the programme communes of the provinces that have none in the period yet,
    recorded (and evaluated) one province per transaction. Returns the communes filled."""
    family = family_on(period.as_of)
    catalog = current_catalog(family)
    specs = sorted(catalog.values(), key=lambda s: s.level.rank)
    pool = _Pool(catalog, period.as_of, rng)
    filled = 0
    for province in provinces:
        units = list(programme_communes(period.as_of, province).order_by("code"))
        taken = set(IndicatorValue.objects.filter(period=period, unit__in=units, is_current=True)
                    .values_list("unit_id", flat=True).distinct())
        units = [u for u in units if u.pk not in taken]
        if not units:
            continue
        keys = keys_of(units)
        values = {u: _commune_values(pool, specs, keys.get(u.pk, ""), rng.choice(missed), rng) for u in units}
        services.record_values_many(period, values, source=DEMO_SOURCE)
        filled += len(units)
        if progress:
            progress(f"{period.code} {province.name}: {len(units)} xã")
    return filled


def _facts(rng: random.Random) -> Facts:
    """Illustrative facts: about 10% group 1, 45% group 2, 45% group 3 nationally."""
    return illustrative_facts(rng, group1=0.10, group2=0.45, group3_kinds="23")


def _groups(units: list[Unit], rng: random.Random) -> dict[int, str]:
    """Confirm an illustrative group for the communes that have none (QĐ 51/2025 groups)."""
    known = attributes_on([u.pk for u in units], AttributeName.GROUP, GROUPS_FROM)
    for unit in units:
        if unit.pk in known:
            continue
        facts = _facts(rng)
        group = propose(facts).group or "nhom-3"
        confirm_group(unit, valid_from=GROUPS_FROM, group=group, decision_number=NATIONAL_GROUP_DECISION,
                      decision_date=GROUP_DECISION_DATE, facts=facts, illustrative=True,
                      note="" if propose(facts).group else "Xếp nhóm 3 (minh họa)")
        known[unit.pk] = group
    return known


def generate(*, old_codes: Iterable[str] | None = None, seed: int = SEED,
             progress: Callable[[str], None] | None = None, load: bool = True) -> dict:
    """Load the provinces (all by default, else the former provinces `old_codes` and the
    provinces of today that absorbed them) and fill 2024 and 2026. Idempotent: communes that
    have values in a period keep them."""
    old_codes = list(old_codes) if old_codes else None
    if load:  # load=False: the caller loaded the units already
        load_all(old_codes, progress)
    rng = random.Random(seed)
    old = services.ensure_period(OLD_YEAR, as_of=AS_OF.get(OLD_YEAR), name=PERIOD_NAMES.get(OLD_YEAR))
    new = services.ensure_period(NEW_YEAR, name="Năm 2026")
    filled_old = _fill(
        old, _provinces(old.as_of, old_codes), MISSED_2024,
        lambda units: attributes_on([u.pk for u in units], AttributeName.REGION, old.as_of), rng, progress)

    def groups(units):
        return _groups(units, rng)

    filled_new = _fill(new, _provinces(new.as_of, old_codes), MISSED_2026, groups, rng, progress)
    levels = family_on(old.as_of)  # recognitions up to 2025 are under the 2021-2025 sets
    recognised = _recognise(old, _provinces(old.as_of, old_codes), _BEFORE_REFORM, levels, rng)
    recognised += _recognise(new, _provinces(new.as_of, old_codes), _AFTER_MERGER, levels, rng)
    return {"old_period": old.code, "old_communes": filled_old, "new_period": new.code,
            "new_communes": filled_new, "recognitions": recognised}


# Illustrative recognition rules, not published figures: (level rank, how many criteria the
# commune may miss in the data, probability, decision years). Before the reform, a commune
# reaching a level in 2024 was mostly recognised at it, and many recognised communes miss a few
# criteria of the 2021-2025 set since (the dashboard's "at risk"); after the merger, new
# communes are recognised again under the 2021-2025 set in late 2025, as in the province demo.
_BEFORE_REFORM = ((1, 0, 0.95, (2013, 2024)), (1, 2, 0.7, (2013, 2023)), (1, 5, 0.4, (2013, 2020)),
                  (2, 0, 0.7, (2021, 2024)), (3, 0, 0.5, (2022, 2024)))
_AFTER_MERGER = ((1, 1, 0.8, (2025, 2025)),)


def _recognise(period: Period, provinces: list[Unit], rules, levels_family: str, rng: random.Random) -> int:
    """Recognition decisions (labelled "minh họa") for the programme communes of the provinces
    that have none yet, from their evaluation of the period (the engine's statuses), one province
    per transaction. Levels are those of the 2021-2025 family. Returns the decisions recorded."""
    specs = {spec.level.rank: spec for spec in current_catalog(levels_family).values()}
    base = base_set(family_on(period.as_of))
    recorded = 0
    number = 5000
    for province in provinces:
        units = {u.pk: u for u in programme_communes(period.as_of, province).order_by("code")}
        if not units or Recognition.objects.filter(unit_id__in=list(units)).exists():
            continue
        rows = (Evaluation.objects.filter(period=period, unit_id__in=list(units), criteria_set=base)
                .order_by("unit__code").values_list("unit_id", "level_rank", "criteria_unmet", "criteria_missing"))
        decisions = []
        for unit_id, rank, unmet, missing in rows:
            granted: set[int] = set()
            for level_rank, may_miss, probability, (first, last) in rules:
                spec = specs.get(level_rank)
                reached = rank >= level_rank if may_miss == 0 else (rank < level_rank and unmet + missing <= may_miss)
                if spec is None or not reached or level_rank in granted or rng.random() >= probability:
                    continue
                if level_rank > 1 and level_rank - 1 not in granted:
                    continue  # an advanced level only over the level below it
                granted.add(level_rank)
                number += rng.randint(1, 9)
                year = rng.randint(first, last)
                month = rng.randint(9, 12) if period.as_of.year > OLD_YEAR else rng.randint(1, 12)
                decisions.append(recognitions.Decision(
                    units[unit_id], spec.level.code, spec.level.rank, spec.family,
                    f"{number}/QĐ-UBND (minh họa)", datetime.date(year, month, rng.randint(1, 28)),
                    f"UBND {province.name} (minh họa)", "Quyết định minh họa (dữ liệu demo)"))
        recognitions.record_recognitions_many(decisions)
        recorded += len(decisions)
    return recorded
