import datetime
from decimal import Decimal

from django.conf import settings

from criteria.engine import Context, evaluate_family, revocation_check, threshold_for
from criteria.loader import load_directory

FAMILY = "ntm-xa-2021"


def catalog():
    return {spec.code: spec for spec in load_directory(settings.NTM_CRITERIA_DIR) if spec.family == FAMILY}


def test_it_ships_three_illustrative_sets_of_the_2021_2025_family():
    sets = catalog()
    assert set(sets) == {"ntm-xa-2021-minh-hoa", "ntm-nc-2021-minh-hoa", "ntm-km-2021-minh-hoa"}
    for spec in sets.values():
        assert spec.family == FAMILY
        assert spec.illustrative is True
        assert "minh họa" in spec.name
        for _criterion, indicator in spec.iter_indicators():
            for entry in indicator.thresholds:
                assert entry.source.verified is False
    assert [
        len(sets[c].criterion_codes()) for c in ("ntm-xa-2021-minh-hoa", "ntm-nc-2021-minh-hoa")
    ] == [19, 19]
    assert sets["ntm-xa-2021-minh-hoa"].revocation.key_criteria == ["10", "17", "19"]


def test_it_has_an_income_threshold_for_every_region_and_year_of_the_period():
    sets = catalog()
    ntm = sets["ntm-xa-2021-minh-hoa"]
    for key in (k.code for k in ntm.keys):
        for year in range(2021, 2026):
            context = Context(key=key, on_date=datetime.date(year, 12, 31))
            for spec in sets.values():
                assert threshold_for(spec, "10.1", context, sets) is not None


def test_it_sets_the_model_income_at_110_percent_of_the_advanced_one():
    sets = catalog()
    context = Context(key="tdmnpb", on_date=datetime.date(2025, 6, 30))
    advanced = threshold_for(sets["ntm-nc-2021-minh-hoa"], "10.1", context, sets)
    model = threshold_for(sets["ntm-km-2021-minh-hoa"], "10.1", context, sets)
    assert model.value == advanced.value * Decimal("1.1")


def comfortable_ntm_values(sets, context):
    """Every NTM indicator 10% better than its threshold (within the allowed range)."""
    ntm = sets["ntm-xa-2021-minh-hoa"]
    values = {}
    for _criterion, indicator in ntm.iter_indicators():
        resolved = threshold_for(ntm, indicator.code, context, sets)
        if indicator.type == "bool":
            values[indicator.code] = resolved.value
        elif indicator.operator == "<=":
            values[indicator.code] = resolved.value * Decimal("0.9")
        elif indicator.operator == "==":
            values[indicator.code] = resolved.value
        else:
            value = resolved.value * Decimal("1.1")
            values[indicator.code] = (
                min(value, indicator.max) if indicator.max is not None else value
            )
    return values


def test_it_does_not_make_a_comfortable_ntm_commune_advanced_automatically():
    sets = catalog()
    context = Context(key="tdmnpb", on_date=datetime.date(2024, 6, 30))
    values = comfortable_ntm_values(sets, context)
    result = evaluate_family(sets, FAMILY, context, values)
    assert result.levels["ntm"] is True
    assert result.highest_level == "ntm"
    advanced = result.results["ntm-nc-2021-minh-hoa"]
    assert advanced.criteria_unmet > 0
    assert revocation_check(result.results["ntm-xa-2021-minh-hoa"], ["10", "17", "19"]).unmet == 0


def test_statuses_only_evaluation_agrees_with_the_explaining_one():
    """`evaluate_statuses` (what is stored) gives the statuses, counts and levels of
    `evaluate_batch` for varied values: missing, out of range, text, booleans, unknown keys."""
    import random

    from criteria.engine import evaluate_batch, evaluate_statuses

    sets = catalog()
    rng = random.Random(20251125)
    indicators = {ind.code: ind for spec in sets.values() for _c, ind in spec.iter_indicators()}
    keys = [k.code for k in sets["ntm-xa-2021-minh-hoa"].keys] + ["khong-co"]
    items = []
    for i in range(150):
        context = Context(key=rng.choice(keys), on_date=datetime.date(rng.choice([2021, 2023, 2025]), 6, 30))
        good = comfortable_ntm_values(sets, Context(key="tdmnpb", on_date=context.on_date))
        values = {}
        for code, indicator in indicators.items():
            roll = rng.random()
            if roll < 0.1:
                continue  # no value
            if roll < 0.13:
                values[code] = "không rõ" if indicator.type != "bool" else Decimal("1")
            elif indicator.type == "bool":
                values[code] = rng.random() < 0.8
            elif code in good and roll < 0.6:
                values[code] = good[code]
            else:
                values[code] = Decimal(rng.randint(-5, 130000)) / (10 if indicator.type != "integer" else 1)
        if i < 10:  # communes that reach NTM
            context = Context(key="tdmnpb", on_date=context.on_date)
            values = good
        items.append((i, context, values))
    full = evaluate_batch(sets, FAMILY, items)
    fast = evaluate_statuses(sets, FAMILY, items)
    reached = 0
    for key, _context, _values in items:
        assert (fast[key].highest_level, fast[key].highest_rank, fast[key].levels) == (
            full[key].highest_level, full[key].highest_rank, full[key].levels)
        reached += fast[key].highest_rank > 0
        for code, result in full[key].results.items():
            quick = fast[key].results[code]
            assert quick.statuses() == result.statuses()
            assert (quick.criteria_met, quick.criteria_unmet, quick.criteria_missing, quick.criteria_total,
                    quick.all_met) == (result.criteria_met, result.criteria_unmet, result.criteria_missing,
                                       result.criteria_total, result.all_met)
    # The sample exercises every status and some reached levels, not only "missing".
    statuses = {s for r in fast.values() for sr in r.results.values() for s in sr.indicators.values()}
    assert statuses == {"met", "unmet", "missing"}
    assert reached > 0
