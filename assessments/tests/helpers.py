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
