"""Building values for tests with the same code the demo uses."""

import datetime
import random

from assessments.demo import value_for
from criteria import engine
from criteria.queries import current_catalog

FAMILY = "ntm-xa-2021"
BASE = "ntm-xa-2021-minh-hoa"


def _base_values(family, base, key, period, *, failing, seed, skip=(), skip_criteria=()):
    """Values of a family's base set for a unit keyed `key` (region or group), meeting every
    criterion except those in `failing`; indicators in `skip` and criteria in `skip_criteria`
    are left out."""
    rng = random.Random(seed)
    catalog = current_catalog(family)
    spec = catalog[base]
    ctx = engine.Context(key=key, on_date=period.as_of)
    values = {}
    for group in spec.groups:
        for criterion in group.criteria:
            if criterion.code in skip_criteria:
                continue
            for ind in criterion.indicators:
                if ind.code in skip:
                    continue
                resolved = engine.threshold_for(spec, ind.code, ctx, catalog)
                values[ind.code] = value_for(ind, resolved, criterion.code not in failing, rng)
    return values


def values_for(period, *, failing: set[str] = frozenset(), region="tdmnpb", seed=1, skip=()):
    """Values of the 2021-2025 base set meeting every criterion except those in `failing`."""
    return _base_values(FAMILY, BASE, region, period, failing=failing, seed=seed, skip=skip)


def make_period(year=2024):
    from assessments.services import ensure_period

    return ensure_period(year, as_of=datetime.date(year, 12, 31) if year < 2025 else datetime.date(2025, 6, 30))


FAMILY_2026 = "ntm-xa-2026"
BASE_2026 = "ntm-xa-2026-minh-hoa"


def values_2026(period, *, group="nhom-2", failing: set[str] = frozenset(), seed=1, skip_criteria=()):
    """Values of the 2026-2030 base set for a commune of the group."""
    return _base_values(FAMILY_2026, BASE_2026, group, period, failing=failing, seed=seed,
                        skip_criteria=skip_criteria)


def make_period_2026():
    from assessments.services import ensure_period

    return ensure_period(2026, name="Năm 2026")
