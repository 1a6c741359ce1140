"""Reproducible demo data for today's map (new Lào Cai, from 1 July 2025) and the 2026-2030 sets.

Generated, never real: every page that shows it says so. What it builds:
- an illustrative commune group (QĐ 51/2025) for each of the 89 xã, proposed from generated facts
  and confirmed by an illustrative decision; two communes keep a proposal only, so the pages show
  what an unconfirmed group means;
- values for the first half of 2026 and for the year 2026, chosen against the illustrative
  thresholds of each commune's group, so the engine decides every status; the demo personas'
  communes have criteria 7 and 8 of 2026 still to enter;
- recognitions of the new communes after the merger as the public figure has it (37 of 89 xã NTM,
  one of them advanced; vietnam.vn, see shared/domain/criteria-sources.md §4.2), given to the
  communes whose predecessors were recognised; the decisions themselves are illustrative.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from assessments import services
from assessments.catalog import family_on
from assessments.demo import DEMO_ISSUER, DEMO_SOURCE, _criterion_values, _weighted_sample
from assessments.groups import confirm_group, propose_group
from assessments.models import Period, Recognition
from assessments.periods import ensure_half_year
from assessments.queries import programme_communes, province_on, recognitions_on
from criteria import engine
from criteria.queries import current_catalog
from units.groups import Facts, propose
from units.models import AttributeName, CommuneGroup, UnitLineage
from units.queries import attributes_on

SEED = 20260215
GROUPS_FROM = datetime.date(2026, 2, 15)
GROUP_DECISION = "QĐ 412/QĐ-UBND (minh họa)"
GROUP_DECISION_DATE = datetime.date(2026, 3, 16)
RECOGNISED_AFTER_MERGER = 37  # of 89 xã (vietnam.vn, after 1/7/2025)
ADVANCED_AFTER_MERGER = 1
UNCONFIRMED = 2  # communes left with a proposal only
# Criteria the personas' communes have not entered yet for the year 2026.
TO_ENTER = {"7", "8"}
PERSONA_COMMUNES = ("Xã A Mú Sung", "Xã Gia Phú")
# Criteria met in the year 2026, by share of communes; harder criteria fail more often.
DIFFICULTY_2026 = {"3": 9, "7": 8, "8": 7, "2": 6, "6": 6, "4": 5, "5": 4, "9": 2, "1": 1, "10": 1}


def demo_present() -> bool:
    return CommuneGroup.objects.filter(illustrative=True).exists()


def illustrative_facts(rng: random.Random, *, group1: float = 0.08, group2: float = 0.27,
                       group3_kinds: str = "223") -> Facts:
    """Facts for a commune group proposal: about `group1` of communes in group 1, `group2` in
    group 2 and the rest in group 3 (`group3_kinds`: the choices of its area code; the default,
    8%/27%/65%, is a mountain province)."""
    roll = rng.random()
    if roll < group1:
        return Facts(Decimal(rng.randint(4, 9)), rng.random() < 0.5, False, rng.choice("01"))
    if roll < group1 + group2:
        return Facts(Decimal(rng.randint(15, 45)), False, False, rng.choice("01"))
    return Facts(Decimal(rng.randint(30, 70)), False, False, rng.choice(group3_kinds))


def _predecessor_profile(units) -> dict[int, tuple[float, int]]:
    """For each new commune: the share of its predecessors recognised on 30/06/2025, and the
    highest level rank among them."""
    day = datetime.date(2025, 6, 30)
    links = list(UnitLineage.objects.filter(successor__in=units).values_list("successor_id", "predecessor_id"))
    recs = recognitions_on({p for _s, p in links}, day)
    preds: dict[int, list[int]] = {}
    for s, p in links:
        preds.setdefault(s, []).append(p)
    out = {}
    for unit in units:
        ids = preds.get(unit.pk, [])
        ranks = [recs[p].level_rank for p in ids if p in recs]
        out[unit.pk] = (len(ranks) / len(ids) if ids else 0.0, max(ranks, default=0))
    return out


def generate(seed: int = SEED, progress=None) -> dict:
    """Groups, 2026 values, evaluations and post-merger recognitions. Idempotent."""
    if demo_present():
        return {"skipped": True}
    rng = random.Random(seed)
    h1 = ensure_half_year(2026, 1)
    year = services.ensure_period(2026, name="Năm 2026")
    province = province_on(year.as_of)
    if province is None:
        raise RuntimeError("Load the administrative units first (load_units).")
    units = list(programme_communes(year.as_of, province).order_by("code"))
    family = family_on(year.as_of)
    catalog = current_catalog(family)
    specs = sorted(catalog.values(), key=lambda s: s.level.rank)
    base = specs[0]
    codes = [c.code for g in base.groups for c in g.criteria]
    profile = _predecessor_profile(units)
    order = sorted(units, key=lambda u: (-profile[u.pk][0], -profile[u.pk][1], u.code))
    recognised = order[:RECOGNISED_AFTER_MERGER]
    with transaction.atomic():
        unconfirmed = {u.pk for u in rng.sample([u for u in units if u.name not in PERSONA_COMMUNES], UNCONFIRMED)}
        for unit in units:
            facts = illustrative_facts(rng)
            if unit.pk in unconfirmed:
                propose_group(unit, valid_from=GROUPS_FROM, facts=Facts(facts.agriculture_share, facts.near_urban,
                              facts.new_urban, ""), illustrative=True,
                              note="Dữ liệu minh họa: chưa có phân loại khu vực vùng DTTS&MN")
                continue
            group = propose(facts).group or "nhom-3"
            confirm_group(unit, valid_from=GROUPS_FROM, group=group, decision_number=GROUP_DECISION,
                          decision_date=GROUP_DECISION_DATE, facts=facts, illustrative=True,
                          note="" if propose(facts).group else "Tỉnh xếp nhóm 3 (minh họa)")
        groups = attributes_on([u.pk for u in units], AttributeName.GROUP, year.as_of)
        by_period: dict[Period, dict] = {h1: {}, year: {}}
        rec_ids = {u.pk for u in recognised}
        for n, unit in enumerate(units):
            # Communes recognised after the merger meet more of the new criteria.
            failing_year = _weighted_sample(rng, codes, rng.choice([0, 1, 1, 2, 2, 3]) if unit.pk in rec_ids
                                            else rng.choice([2, 3, 4, 4, 5, 6, 7]))
            failing_h1 = failing_year | _weighted_sample(
                rng, [c for c in codes if c not in failing_year], rng.randint(0, 2))
            for period, failing in ((h1, failing_h1), (year, failing_year)):
                # Without a confirmed group no threshold applies: values are generated against
                # the group the facts would give, as a commune would measure them anyway.
                ctx = engine.Context(key=groups.get(unit.pk, "nhom-3"), on_date=period.as_of)
                values: dict = {}
                for group in base.groups:
                    for criterion in group.criteria:
                        if period is year and unit.name in PERSONA_COMMUNES and criterion.code in TO_ENTER:
                            continue
                        values.update(_criterion_values(base, criterion, ctx, catalog,
                                                        criterion.code not in failing, rng))
                for spec in specs[1:]:
                    for group in spec.groups:
                        for criterion in group.criteria:
                            fresh = _criterion_values(spec, criterion, ctx, catalog, rng.random() < 0.3, rng)
                            for code, value in fresh.items():
                                values.setdefault(code, value)
                by_period[period][unit] = values
            if progress:
                progress(n + 1, len(units))
        for period, values in by_period.items():
            services.record_values_many(period, values, source=DEMO_SOURCE)
        _recognitions(recognised, profile, rng)
    return {"skipped": False, "communes": len(units), "periods": 2,
            "recognised": len(recognised), "unconfirmed": len(unconfirmed)}


def _recognitions(recognised, profile, rng: random.Random) -> None:
    """Decisions recorded for the new communes themselves (nothing is inherited)."""
    number = 2100
    advanced = sorted(recognised, key=lambda u: (-profile[u.pk][1], u.code))[:ADVANCED_AFTER_MERGER]
    for unit in recognised:
        number += rng.randint(3, 25)
        day = datetime.date(2025, rng.randint(9, 12), rng.randint(1, 28))
        services.record_recognition(
            unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
            decision_number=f"{number}/QĐ-UBND (minh họa)", decision_date=day, issuer=DEMO_ISSUER,
            note="Quyết định minh họa (dữ liệu demo): công nhận xã mới sau sắp xếp, theo bộ tiêu chí 2021-2025",
        )
    for unit in advanced:
        number += rng.randint(3, 25)
        services.record_recognition(
            unit, level_code="nang-cao", level_rank=2, family="ntm-xa-2021",
            decision_number=f"{number}/QĐ-UBND (minh họa)", decision_date=datetime.date(2025, 12, 19),
            issuer=DEMO_ISSUER, note="Quyết định minh họa (dữ liệu demo)",
        )


def plan_targets_2026() -> dict[tuple[str, int], int]:
    """Illustrative 2026-2030 targets: from 37 recognised xã in 2025 to about 65% of 89 xã by 2030
    (the national proposal's 65%, final figure unknown), and one modern commune a year."""
    start, end = RECOGNISED_AFTER_MERGER, round(89 * 0.65)
    targets = {}
    for i, y in enumerate(range(2026, 2031), start=1):
        targets[("ntm", y)] = round(start + (end - start) * i / 5)
        targets[("hien-dai", y)] = i
    return targets


__all__ = ["generate", "demo_present", "plan_targets_2026", "Recognition"]
