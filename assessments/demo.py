"""Reproducible demo data for the pre-reform communes of Lào Cai, 2021-2025.

Generated, never real: every page that shows it says so. The generator is seeded and builds
values that reproduce the public figures of the domain notes:
- 62 communes recognised, 5 of them advanced (directive 15/CT-UBND, 2023);
- the 62 keep 15.03 of 19 criteria on average and 16 meet the revocation rule (2024 report);
- the rest spread below the standard, some of them under the 2025 floor of 10 criteria.
Values are chosen against the thresholds of the (illustrative) criteria set in force, so the
engine, not this module, decides every status shown.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction

from assessments import services
from assessments.catalog import family_on
from assessments.models import Period, Recognition
from assessments.queries import programme_communes, province_on
from criteria import engine
from criteria.queries import current_catalog
from units.models import AttributeName
from units.queries import attributes_on

SEED = 20230725
YEARS = (2021, 2022, 2023, 2024, 2025)
# 2021 is the baseline review against the 2021-2025 set on the day it came into force
# (QĐ 318/QĐ-TTg, 08/03/2022); 2025 stops before the reform of 1 July 2025, the last day of the
# pre-reform map.
AS_OF = {2021: datetime.date(2022, 3, 8), 2025: datetime.date(2025, 6, 30)}
PERIOD_NAMES = {
    2021: "Năm 2021 (rà soát theo bộ tiêu chí 2021-2025, 08/03/2022)",
    2025: "6 tháng đầu năm 2025",
}
DEMO_SOURCE = "Dữ liệu minh họa (demo), sinh tự động"
DEMO_ISSUER = "UBND tỉnh Lào Cai (minh họa)"

# Criteria met among the 62 recognised communes: (criteria met, includes a key criterion, count).
# 16 meet the revocation rule; the 62 keep 932/62 = 15.03 criteria on average.
RECOGNISED_PROFILE = [
    (9, True, 4),    # 10 failing: 52.6%, revocable on share alone
    (13, True, 5),   # 6 failing (31.6%) including a key criterion: revocable
    (12, True, 4),
    (11, True, 3),
    (19, False, 20),  # meets every criterion
    (15, False, 10),  # 4 failing: at risk, not revocable
    (14, False, 12),  # 5 failing (26.3%)
    (13, False, 4),   # 6 failing (31.6%) but no key criterion: not revocable
]
# Criteria met by the 64 communes not recognised.
UNRECOGNISED_PROFILE = [
    (19, 3), (18, 5), (17, 6), (16, 8), (15, 8), (14, 8), (13, 8), (12, 7), (11, 5), (10, 3), (9, 2), (8, 1),
]
# How likely each criterion is to be the one failing (harder criteria fail more often).
DIFFICULTY = {
    "10": 9, "11": 8, "17": 8, "13": 7, "5": 6, "6": 6, "2": 5, "12": 5, "15": 4, "16": 4,
    "3": 3, "7": 3, "9": 3, "14": 3, "8": 2, "18": 2, "1": 1, "4": 1, "19": 1,
}


@dataclass
class Plan:
    unit: object
    failing_2025: set[str]
    recognised: str | None = None  # level code
    advanced_meets: bool = False
    history: dict[int, set[str]] = field(default_factory=dict)


def _weighted_sample(rng: random.Random, codes: list[str], k: int) -> set[str]:
    pool = list(codes)
    chosen: set[str] = set()
    while len(chosen) < k and pool:
        weights = [DIFFICULTY.get(c, 2) for c in pool]
        pick = rng.choices(pool, weights=weights, k=1)[0]
        chosen.add(pick)
        pool.remove(pick)
    return chosen


def _quantize(ind, value: Decimal, direction: str) -> Decimal:
    step = Decimal(1) if ind.type == "integer" else Decimal("0.1")
    rounding = ROUND_CEILING if direction == "up" else ROUND_FLOOR
    return (value / step).to_integral_value(rounding=rounding) * step


def value_for(ind, threshold, want_met: bool, rng: random.Random):
    """A value that meets (or misses) a resolved threshold by a plausible margin."""
    if ind.type == "bool":
        return bool(threshold.value) if want_met else not bool(threshold.value)
    t = Decimal(str(threshold.value))
    low = Decimal(str(ind.min)) if ind.min is not None else Decimal(0)
    high = Decimal(str(ind.max)) if ind.max is not None else (Decimal(100) if ind.type == "percent" else None)
    op = threshold.operator
    if op == "==":
        if want_met:
            return t
        return t + 1 if high is None or t + 1 <= high else t - 1
    up = (op == ">=") == want_met
    if up:
        margin = Decimal(str(rng.uniform(0.02, 0.25))) if want_met else Decimal(str(rng.uniform(0.08, 0.5)))
        value = t * (1 + margin) if t > 0 else t + Decimal(str(rng.uniform(1, 5)))
        value = _quantize(ind, value, "up")
        if not want_met and value <= t:
            value = t + (Decimal(1) if ind.type == "integer" else Decimal("0.1"))
        if high is not None:
            value = min(value, high)
    else:
        margin = Decimal(str(rng.uniform(0.02, 0.25))) if want_met else Decimal(str(rng.uniform(0.08, 0.45)))
        value = _quantize(ind, t * (1 - margin), "down")
        if not want_met and value >= t:
            value = t - (Decimal(1) if ind.type == "integer" else Decimal("0.1"))
        value = max(value, low)
    return value


def _criterion_values(spec, criterion, ctx, catalog, want_met: bool, rng: random.Random) -> dict:
    values = {}
    indicators = list(criterion.indicators)
    # Make a non-empty random subset fail; if the rule still passes, fail them all.
    failing = set()
    if not want_met:
        failing = {ind.code for ind in indicators if rng.random() < 0.5} or {rng.choice(indicators).code}
    for attempt in range(2):
        for ind in indicators:
            resolved = engine.threshold_for(spec, ind.code, ctx, catalog)
            if resolved is None:
                continue
            values[ind.code] = value_for(ind, resolved, ind.code not in failing, rng)
        if want_met:
            break
        result = engine.evaluate_set(spec, ctx, values, catalog)
        status = next(c.status for c in result.criteria if c.code == criterion.code)
        if status == "unmet" or attempt == 1:
            break
        failing = {ind.code for ind in indicators}
    return values


def _assign_profiles(units, rng: random.Random, criterion_codes, key_criteria) -> list[Plan]:
    order = list(units)
    rng.shuffle(order)
    plans: list[Plan] = []
    non_key = [c for c in criterion_codes if c not in key_criteria]
    idx = 0
    for met, with_key, count in RECOGNISED_PROFILE:
        for _ in range(count):
            unit = order[idx]
            idx += 1
            n_fail = len(criterion_codes) - met
            if n_fail == 0:
                failing = set()
            elif with_key:
                key = rng.choice(sorted(key_criteria & {"10", "17"}) or sorted(key_criteria))
                failing = {key} | _weighted_sample(rng, [c for c in criterion_codes if c != key], n_fail - 1)
            else:
                failing = _weighted_sample(rng, non_key, n_fail)
            plans.append(Plan(unit=unit, failing_2025=failing, recognised="ntm"))
    for met, count in UNRECOGNISED_PROFILE:
        for _ in range(count):
            unit = order[idx]
            idx += 1
            failing = _weighted_sample(rng, list(criterion_codes), len(criterion_codes) - met)
            plans.append(Plan(unit=unit, failing_2025=failing))
    # Five advanced among the communes meeting every criterion; three of them meet the advanced
    # set in the data too, two have slipped on an advanced-only criterion.
    full = [p for p in plans if p.recognised and not p.failing_2025]
    for i, plan in enumerate(full[:5]):
        plan.recognised = "nang-cao"
        plan.advanced_meets = i < 3
    return plans


def _history(plan: Plan, rng: random.Random, codes: list[str]) -> None:
    """Failing criteria per year: recognised communes hold their 2025 state from 2024 on and
    met more before; the others progress towards their 2025 state."""
    plan.history[2025] = set(plan.failing_2025)
    for year in (2024, 2023, 2022, 2021):
        later = plan.history[year + 1]
        if plan.recognised:
            current = set(later) if year == 2024 else {c for c in later if rng.random() < 0.6}
        else:
            extra = _weighted_sample(rng, [c for c in codes if c not in later], rng.randint(0, 2))
            current = set(later) | extra
        plan.history[year] = current


def _periods() -> dict[int, Period]:
    periods = {}
    for year in YEARS:
        periods[year] = services.ensure_period(year, as_of=AS_OF.get(year), name=PERIOD_NAMES.get(year))
    return periods


def demo_present() -> bool:
    return Recognition.objects.filter(issuer=DEMO_ISSUER).exists()


def generate(seed: int = SEED, progress=None) -> dict:
    """Generate the demo values, evaluations and recognitions. Idempotent: does nothing when
    the demo recognitions already exist."""
    if demo_present():
        return {"skipped": True}
    rng = random.Random(seed)
    periods = _periods()
    day = periods[2025].as_of
    province = province_on(day)
    if province is None:
        raise RuntimeError("Load the administrative units first (load_units).")
    units = list(programme_communes(day, province).order_by("code"))
    family = family_on(day)
    catalog = current_catalog(family)
    specs = sorted(catalog.values(), key=lambda s: s.level.rank)
    base = specs[0]
    advanced = specs[1] if len(specs) > 1 else None
    codes = [c.code for g in base.groups for c in g.criteria]
    key_criteria = set(base.revocation.key_criteria) if base.revocation else set()
    plans = _assign_profiles(units, rng, codes, key_criteria)
    regions = attributes_on([u.pk for u in units], AttributeName.REGION, day)
    by_year: dict[int, dict] = {year: {} for year in YEARS}
    with transaction.atomic():
        for n, plan in enumerate(plans):
            _history(plan, rng, codes)
            for year in YEARS:
                period = periods[year]
                ctx = engine.Context(key=regions.get(plan.unit.pk, ""), on_date=period.as_of)
                values: dict = {}
                failing = plan.history[year]
                for group in base.groups:
                    for criterion in group.criteria:
                        values.update(
                            _criterion_values(base, criterion, ctx, catalog, criterion.code not in failing, rng)
                        )
                if advanced is not None:
                    meets_adv = plan.advanced_meets and year >= 2023
                    adv_fail = None
                    if not meets_adv:
                        own = [c for g in advanced.groups for c in g.criteria
                               if any(i.code not in values for i in c.indicators)]
                        adv_fail = rng.choice(own).code if own else None
                    for group in advanced.groups:
                        for criterion in group.criteria:
                            fresh = _criterion_values(
                                advanced, criterion, ctx, catalog,
                                meets_adv or criterion.code != adv_fail, rng,
                            )
                            for code, value in fresh.items():
                                if code not in values or meets_adv:
                                    values[code] = value
                by_year[year][plan.unit] = values
            if progress:
                progress(n + 1, len(plans))
        for year in YEARS:
            services.record_values_many(periods[year], by_year[year], source=DEMO_SOURCE)
        _recognitions(plans, rng, base, advanced)
    return {"skipped": False, "communes": len(plans), "periods": len(YEARS)}


def _recognitions(plans, rng: random.Random, base, advanced) -> None:
    recognised = [p for p in plans if p.recognised]
    # 61 recognised by 2020 and one more in 2022 (62 in 2023: "tăng 01 xã so với năm 2021").
    late = recognised[-1]
    number = 100
    for plan in recognised:
        year = 2022 if plan is late else rng.randint(2013, 2020)
        day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        number += rng.randint(3, 40)
        services.record_recognition(
            plan.unit, level_code=base.level.code, level_rank=base.level.rank, family=base.family,
            decision_number=f"{number}/QĐ-UBND (minh họa)", decision_date=day, issuer=DEMO_ISSUER,
            note="Quyết định minh họa (dữ liệu demo)",
        )
    if advanced is None:
        return
    # Five advanced: two by 2021, three more by mid-2023 ("tăng 03 xã so với năm 2021").
    adv = [p for p in recognised if p.recognised == "nang-cao"]
    for i, plan in enumerate(adv):
        year = 2021 if i < 2 else rng.choice([2022, 2023])
        day = datetime.date(year, rng.randint(1, 6), rng.randint(1, 28))
        number += rng.randint(3, 40)
        services.record_recognition(
            plan.unit, level_code=advanced.level.code, level_rank=advanced.level.rank,
            family=advanced.family, decision_number=f"{number}/QĐ-UBND (minh họa)",
            decision_date=day, issuer=DEMO_ISSUER, note="Quyết định minh họa (dữ liệu demo)",
        )


def plan_targets() -> dict[tuple[str, int], int]:
    """The 2021-2025 plan derived from the directive: 62 recognised is 66% of the phase plan
    (62 / 0.66 = 94 communes) and 5 advanced is 11% (5 / 0.11 = 45); the years between are
    interpolated linearly from the 2020 figures (61 and 2), which the pages label as demo."""
    ntm_2025 = round(62 / 0.66)
    adv_2025 = math.floor(5 / 0.11)
    targets = {}
    for i, year in enumerate(YEARS, start=1):
        targets[("ntm", year)] = round(61 + (ntm_2025 - 61) * i / len(YEARS))
        targets[("nang-cao", year)] = round(2 + (adv_2025 - 2) * i / len(YEARS))
    return targets
