import datetime
from decimal import Decimal

from django.conf import settings

from criteria.engine import Context, evaluate_family, revocation_check, threshold_for
from criteria.loader import load_directory

FAMILY = "ntm-xa-2021"


def catalog():
    return {spec.code: spec for spec in load_directory(settings.NTM_CRITERIA_DIR)}


def test_it_ships_three_illustrative_sets_of_one_family():
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
