"""Building values for tests with the same code the demo uses."""

import datetime
import random

from assessments.demo import value_for
from criteria import engine
from criteria.queries import current_catalog

FAMILY = "ntm-xa-2021"
BASE = "ntm-xa-2021-minh-hoa"


def values_for(period, *, failing: set[str] = frozenset(), region="tdmnpb", seed=1, skip=()):
    """Values of the base set meeting every criterion except those in `failing` (whose
    indicators all miss their threshold); indicators in `skip` are left out."""
    rng = random.Random(seed)
    catalog = current_catalog(FAMILY)
    spec = catalog[BASE]
    ctx = engine.Context(key=region, on_date=period.as_of)
    values = {}
    for group in spec.groups:
        for criterion in group.criteria:
            for ind in criterion.indicators:
                if ind.code in skip:
                    continue
                resolved = engine.threshold_for(spec, ind.code, ctx, catalog)
                values[ind.code] = value_for(ind, resolved, criterion.code not in failing, rng)
    return values


def make_period(year=2024):
    from assessments.services import ensure_period

    return ensure_period(year, as_of=datetime.date(year, 12, 31) if year < 2025 else datetime.date(2025, 6, 30))


FAMILY_2026 = "ntm-xa-2026"
BASE_2026 = "ntm-xa-2026-minh-hoa"


def values_2026(period, *, group="nhom-2", failing: set[str] = frozenset(), seed=1, skip_criteria=()):
    """Values of the 2026-2030 base set for a commune of the group, meeting every criterion but
    those in `failing`; criteria in `skip_criteria` are left out."""
    rng = random.Random(seed)
    catalog = current_catalog(FAMILY_2026)
    spec = catalog[BASE_2026]
    ctx = engine.Context(key=group, on_date=period.as_of)
    values = {}
    for g in spec.groups:
        for criterion in g.criteria:
            if criterion.code in skip_criteria:
                continue
            for ind in criterion.indicators:
                resolved = engine.threshold_for(spec, ind.code, ctx, catalog)
                values[ind.code] = value_for(ind, resolved, criterion.code not in failing, rng)
    return values


def make_period_2026():
    from assessments.services import ensure_period

    return ensure_period(2026, name="Năm 2026")
