import datetime
from decimal import Decimal

import pytest

from criteria.engine import (
    Context,
    FamilyResult,
    SetResult,
    evaluate_batch,
    evaluate_family,
    evaluate_rule,
    evaluate_set,
    evaluate_statuses,
    format_number,
    revocation_check,
    revocation_check_counts,
    threshold_for,
)
from criteria.schema import AllRule, AnyRule, AtLeastRule

from .helpers import crit, ctx, ind, make_set, t


def one_indicator_set(indicator):
    return make_set([crit("1", [indicator])])


def result_of(spec, values, context=None, catalog=None):
    return evaluate_set(spec, context or ctx(), values, catalog)


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["met", "met"], "met"),
        (["met", "unmet"], "unmet"),
        (["missing", "unmet"], "unmet"),
        (["met", "missing"], "missing"),
    ],
)
def test_it_combines_all_with_three_valued_logic(statuses, expected):
    rule = AllRule(all=["a", "b"])
    assert evaluate_rule(rule, dict(zip("ab", statuses, strict=True))) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["unmet", "met"], "met"),
        (["missing", "met"], "met"),
        (["unmet", "unmet"], "unmet"),
        (["unmet", "missing"], "missing"),
    ],
)
def test_it_combines_any_with_three_valued_logic(statuses, expected):
    rule = AnyRule(any=["a", "b"])
    assert evaluate_rule(rule, dict(zip("ab", statuses, strict=True))) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["met", "met", "unmet"], "met"),
        (["met", "missing", "missing"], "missing"),
        (["met", "unmet", "missing"], "missing"),
        (["met", "unmet", "unmet"], "unmet"),
        (["unmet", "unmet", "missing"], "unmet"),
    ],
)
def test_it_counts_at_least_n_with_three_valued_logic(statuses, expected):
    rule = AtLeastRule(at_least=2, of=["a", "b", "c"])
    assert evaluate_rule(rule, dict(zip("abc", statuses, strict=True))) == expected


def test_it_treats_an_absent_indicator_status_as_missing():
    assert evaluate_rule("a", {}) == "missing"


def test_it_applies_nested_rules_of_a_criterion():
    bools = [ind(c, "bool", "==", [t(True)]) for c in ("a", "b", "c", "d")]
    spec = make_set([crit("1", bools, rule={"all": ["a", {"at_least": 2, "of": ["b", "c", "d"]}]})])
    met = result_of(spec, {"a": True, "b": True, "c": False, "d": True}).criteria[0]
    assert met.status == "met"
    assert met.explanation.startswith("Đạt: 3/4 chỉ tiêu đạt")
    unmet = result_of(spec, {"a": True, "b": False, "c": False, "d": True}).criteria[0]
    assert unmet.status == "unmet"
    assert unmet.explanation.startswith("Chưa đạt: chỉ tiêu b, c chưa đạt")
    missing = result_of(spec, {"a": True, "b": False, "d": True}).criteria[0]
    assert missing.status == "missing"
    assert missing.explanation.startswith("Chưa có số liệu cho chỉ tiêu c")


def test_it_uses_all_indicators_when_a_criterion_has_no_rule():
    spec = make_set([crit("2", [ind("2.1"), ind("2.2"), ind("2.3")])])
    res = result_of(spec, {"2.1": 90, "2.2": 70, "2.3": 50}).criteria[0]
    assert res.status == "unmet"
    assert res.explanation == "Chưa đạt: chỉ tiêu 2.2, 2.3 chưa đạt"
    res = result_of(spec, {"2.1": 90, "2.3": 85}).criteria[0]
    assert res.status == "missing"
    assert res.explanation == "Chưa có số liệu cho chỉ tiêu 2.2"
    res = result_of(spec, {"2.1": 90, "2.2": 80, "2.3": 85}).criteria[0]
    assert res.explanation == "Đạt: 3/3 chỉ tiêu đạt"


# ---------------------------------------------------------------- operators and values


def test_it_compares_greater_or_equal_with_the_threshold_itself_passing():
    spec = one_indicator_set(ind("a", thresholds=[t(80, keys=["r1"]), t(90, keys=["r2"])]))
    res = result_of(spec, {"a": Decimal("85.5")}).criteria[0].indicators[0]
    assert res.status == "met"
    assert res.explanation == "Đạt: 85,5% ≥ 80% (ngưỡng vùng Miền Một)"
    assert result_of(spec, {"a": 80}).criteria[0].indicators[0].status == "met"
    below = result_of(spec, {"a": 79.9}).criteria[0].indicators[0]
    assert below.status == "unmet"
    assert below.explanation.startswith("Chưa đạt: 79,9% < 80%")


def test_it_compares_less_or_equal_for_rates_that_must_stay_low():
    spec = one_indicator_set(ind("11.1", operator="<=", thresholds=[t(6)]))
    assert result_of(spec, {"11.1": 6}).criteria[0].indicators[0].status == "met"
    res = result_of(spec, {"11.1": "6.5"}).criteria[0].indicators[0]
    assert res.status == "unmet"
    assert res.explanation.startswith("Chưa đạt: 6,5% > 6%")


def test_it_compares_equality_for_integers():
    spec = one_indicator_set(ind("9.1", "integer", "==", [t(0)], unit="căn"))
    assert result_of(spec, {"9.1": 0}).criteria[0].indicators[0].status == "met"
    res = result_of(spec, {"9.1": 3}).criteria[0].indicators[0]
    assert res.status == "unmet"
    assert res.explanation.startswith("Chưa đạt: 3 căn ≠ 0 căn")


def test_it_evaluates_bool_indicators():
    spec = one_indicator_set(ind("1.1", "bool", "==", [t(True)]))
    met = result_of(spec, {"1.1": True}).criteria[0].indicators[0]
    assert (met.status, met.explanation) == ("met", "Đạt: có")
    unmet = result_of(spec, {"1.1": False}).criteria[0].indicators[0]
    assert unmet.status == "unmet"
    assert unmet.explanation == "Chưa đạt: không (yêu cầu: có)"


def test_it_never_passes_or_fails_a_missing_or_invalid_value():
    spec = one_indicator_set(ind("a", thresholds=[t(80)]))
    for values in ({}, {"a": None}):
        res = result_of(spec, values).criteria[0].indicators[0]
        assert (res.status, res.explanation, res.missing_reason) == (
            "missing",
            "Chưa có số liệu",
            "no_value",
        )
    for bad in (True, "nhiều", 140):
        res = result_of(spec, {"a": bad}).criteria[0].indicators[0]
        assert res.status == "missing"
        assert res.missing_reason == "invalid_value"
        assert res.explanation.startswith("Số liệu")


def test_it_formats_numbers_the_vietnamese_way():
    assert format_number(Decimal("1234567.50")) == "1.234.567,5"
    assert format_number(Decimal("38.000")) == "38"
    assert format_number(-0.25) == "-0,25"


# ---------------------------------------------------------------- threshold selection


def test_it_selects_the_threshold_of_the_units_region():
    spec = one_indicator_set(ind("a", thresholds=[t(80, keys=["r1"]), t(90, keys=["r2"])]))
    assert threshold_for(spec, "a", ctx("r1")).value == 80
    resolved = threshold_for(spec, "a", ctx("r2"))
    assert resolved.value == 90
    assert resolved.description == "vùng Miền Hai"
    assert resolved.source == "QĐ thử, Phụ lục (minh họa, chưa xác minh)"
    assert resolved.verified is False


def test_it_selects_the_threshold_of_the_units_group_in_a_group_keyed_set():
    spec = make_set(
        [
            crit(
                "1",
                [ind("a", thresholds=[t(90, keys=["nhom-1"]), t(70, keys=["nhom-2", "nhom-3"])])],
            )
        ],
        threshold_by="group",
        keys=(("nhom-1", "Nhóm 1"), ("nhom-2", "Nhóm 2"), ("nhom-3", "Nhóm 3")),
    )
    assert threshold_for(spec, "a", ctx("nhom-1")).value == 90
    assert threshold_for(spec, "a", ctx("nhom-3")).value == 70
    res = result_of(spec, {"a": 75}, ctx("nhom-1")).criteria[0].indicators[0]
    assert res.explanation == "Chưa đạt: 75% < 90% (ngưỡng Nhóm 1)"


def test_it_selects_the_threshold_of_the_year():
    income = ind(
        "10.1",
        "number",
        unit="triệu đồng/người/năm",
        thresholds=[t(y - 1990, keys=["r1"], year=y) for y in (2023, 2024, 2025)],
    )
    spec = one_indicator_set(income)
    assert threshold_for(spec, "10.1", ctx("r1", 2024)).value == 34
    assert threshold_for(spec, "10.1", ctx("r1", 2025)).value == 35
    res = result_of(spec, {"10.1": 32}, ctx("r1", 2024)).criteria[0].indicators[0]
    assert res.explanation == (
        "Chưa đạt: 32 triệu đồng/người/năm < 34 triệu đồng/người/năm "
        "(ngưỡng vùng Miền Một, năm 2024)"
    )


def test_it_prefers_the_most_specific_threshold():
    spec = one_indicator_set(
        ind(
            "a",
            thresholds=[
                t(50),
                t(60, year=2024),
                t(70, keys=["r1"]),
                t(80, keys=["r1"], year=2024),
            ],
        )
    )
    assert threshold_for(spec, "a", ctx("r1", 2024)).value == 80
    assert threshold_for(spec, "a", ctx("r1", 2023)).value == 70
    assert threshold_for(spec, "a", ctx("r2", 2024)).value == 60
    general = threshold_for(spec, "a", ctx("r2", 2023))
    assert (general.value, general.description) == (50, "chung cho mọi vùng")


def test_it_reports_missing_when_no_threshold_applies():
    spec = one_indicator_set(ind("a", thresholds=[t(80, keys=["r1"], year=2024)]))
    assert threshold_for(spec, "a", ctx("r1", 2026)) is None
    res = result_of(spec, {"a": 99}, ctx("r1", 2026))
    indicator = res.criteria[0].indicators[0]
    assert indicator.status == "missing"
    assert indicator.missing_reason == "no_threshold"
    assert indicator.explanation == "Chưa có ngưỡng áp dụng cho vùng Miền Một, năm 2026"
    assert res.criteria[0].explanation == "Chưa có ngưỡng cho chỉ tiêu a"
    assert res.all_met is False


def test_it_resolves_a_relative_threshold_against_another_set():
    advanced = make_set(
        [crit("10", [ind("10.1", "number", thresholds=[t(40, keys=["r1"], year=2024)])])],
        code="nc",
        level=("nang-cao", 2),
    )
    model = make_set(
        [
            crit(
                "1",
                [
                    ind(
                        "10.1",
                        "number",
                        thresholds=[
                            t(relative={"set": "nc", "indicator": "10.1", "factor": "1.1"})
                        ],
                    )
                ],
            )
        ],
        code="km",
        level=("kieu-mau", 3),
    )
    catalog = {"nc": advanced, "km": model}
    resolved = threshold_for(model, "10.1", ctx("r1", 2024), catalog)
    assert resolved.value == Decimal("44.0")
    assert "110%" in resolved.description
    res = result_of(model, {"10.1": 43}, ctx("r1", 2024), catalog).criteria[0].indicators[0]
    assert res.status == "unmet"
    assert res.explanation.startswith("Chưa đạt: 43 < 44 (ngưỡng bằng 110% ngưỡng chỉ tiêu 10.1")
    # Without the catalog, or for a year the base set has no value for, there is no threshold.
    assert threshold_for(model, "10.1", ctx("r1", 2024)) is None
    assert threshold_for(model, "10.1", ctx("r1", 2023), catalog) is None


# ---------------------------------------------------------------- levels and batches


def family_catalog():
    ntm = make_set([crit("1", [ind("a", thresholds=[t(50)])])], code="ntm", level=("ntm", 1))
    nc = make_set(
        [crit("1", [ind("a", thresholds=[t(70)])])],
        code="nc",
        level=("nang-cao", 2),
        requires="ntm",
    )
    km = make_set(
        [crit("1", [ind("b", "bool", "==", [t(True)])])],
        code="km",
        level=("kieu-mau", 3),
        requires="nc",
    )
    return {"km": km, "nc": nc, "ntm": ntm}


def test_it_reaches_levels_in_rank_order():
    result = evaluate_family(family_catalog(), "ho-thu", ctx(), {"a": 80, "b": True})
    assert list(result.results) == ["ntm", "nc", "km"]
    assert result.levels == {"ntm": True, "nang-cao": True, "kieu-mau": True}
    assert (result.highest_level, result.highest_rank) == ("kieu-mau", 3)
    result = evaluate_family(family_catalog(), "ho-thu", ctx(), {"a": 60, "b": True})
    assert result.levels == {"ntm": True, "nang-cao": False, "kieu-mau": False}
    assert result.highest_level == "ntm"


def test_it_does_not_reach_a_level_whose_required_level_is_not_reached():
    catalog = family_catalog()
    # The advanced set alone would pass with 60 if its threshold were lower than the NTM one.
    catalog["ntm"] = make_set([crit("1", [ind("a", thresholds=[t(90)])])], code="ntm")
    result = evaluate_family(catalog, "ho-thu", ctx(), {"a": 80, "b": True})
    assert result.results["nc"].all_met is True
    assert result.results["km"].all_met is True
    assert result.levels == {"ntm": False, "nang-cao": False, "kieu-mau": False}
    assert (result.highest_level, result.highest_rank) == (None, 0)


def test_it_evaluates_many_units_at_once_like_one_by_one():
    catalog = family_catalog()
    items = [(i, ctx("r1" if i % 2 else "r2"), {"a": 40 + i, "b": i % 3 == 0}) for i in range(60)]
    batch = evaluate_batch(catalog, "ho-thu", items)
    for key, context, values in items:
        single = evaluate_family(catalog, "ho-thu", context, values)
        assert batch[key].to_dict() == single.to_dict()


def test_it_round_trips_results_through_json_types():
    import json

    spec = one_indicator_set(ind("a", thresholds=[t(80)]))
    result = result_of(spec, {"a": Decimal("85.5")})
    data = json.loads(json.dumps(result.to_dict()))
    assert data["criteria"][0]["indicators"][0]["value"] == "85.5"
    assert data["on_date"] == "2024-06-30"
    again = SetResult.from_dict(data)
    assert again == result
    family = evaluate_family(family_catalog(), "ho-thu", ctx(), {"a": 80, "b": True})
    assert FamilyResult.from_dict(json.loads(json.dumps(family.to_dict()))) == family


# ---------------------------------------------------------------- revocation


def ten_criteria_set():
    criteria = [crit(str(n), [ind(f"{n}.1", thresholds=[t(50)])]) for n in range(1, 11)]
    return make_set(criteria, key_criteria=["10"])


def values_failing(codes, missing=()):
    values = {}
    for n in range(1, 11):
        code = str(n)
        if code in missing:
            continue
        values[f"{n}.1"] = 10 if code in codes else 90
    return values


@pytest.mark.parametrize(
    ("failing", "expected"),
    [
        (["1", "2"], False),  # 20%, no key criterion
        (["1", "2", "3"], False),  # 30% without a key criterion
        (["1", "2", "10"], True),  # 30% with income
        (["1", "2", "3", "4"], False),  # 40% without a key criterion
        (["1", "2", "3", "10"], True),  # 40% with income
        (["1", "2", "3", "4", "5"], True),  # 50% whatever fails
        (["1", "10"], False),  # 20% even with a key criterion
    ],
)
def test_it_applies_the_revocation_rule_at_its_boundaries(failing, expected):
    result = result_of(ten_criteria_set(), values_failing(failing))
    check = revocation_check(result, ["10"])
    assert check.unmet == len(failing)
    assert check.total == 10
    assert check.share == pytest.approx(len(failing) / 10)
    assert check.rule_met is expected
    assert check.key_failing == (["10"] if "10" in failing else [])


@pytest.mark.parametrize(
    ("unmet", "total", "with_key", "expected"),
    [
        (29, 100, True, False),
        (30, 100, True, True),
        (30, 100, False, False),
        (49, 100, False, False),
        (49, 100, True, True),
        (50, 100, False, True),
    ],
)
def test_it_applies_the_revocation_rule_to_stored_counts(unmet, total, with_key, expected):
    codes = [f"c{i}" for i in range(unmet - 1)] + (["10"] if with_key else ["x"])
    check = revocation_check_counts(unmet_codes=codes, total=total, key_criteria=["10", "17", "19"])
    assert check.rule_met is expected
    assert check.percent == unmet


def test_it_does_not_count_missing_criteria_as_failing_for_revocation():
    result = result_of(ten_criteria_set(), values_failing(["1", "2"], missing=["3", "4", "5"]))
    assert result.criteria_missing == 3
    check = revocation_check(result, ["10"])
    assert (check.unmet, check.rule_met) == (2, False)
    assert "3 tiêu chí chưa có số liệu" in check.explanation


def test_it_explains_a_revocation_with_the_key_criterion_name():
    result = result_of(ten_criteria_set(), values_failing(["1", "2", "10"]))
    check = revocation_check(result, ["10"])
    assert check.explanation.startswith("3/10 tiêu chí chưa đạt (30%), gồm tiêu chí then chốt 10")
    assert "thu hồi" in check.explanation


def test_it_uses_the_context_date_year():
    context = Context(key="r1", on_date=datetime.date(2025, 1, 1))
    assert context.year == 2025


@pytest.mark.parametrize(
    "raw", [Decimal("1e28"), Decimal("1e400"), Decimal("-1E+30"), 1e300, float("inf"),
            "Infinity", "-inf", "NaN", Decimal("NaN"), "1e400"],
)
def test_it_reports_a_value_beyond_any_real_number_as_invalid(raw):
    for indicator in (ind("a", thresholds=[t(80)]), ind("a", "number", thresholds=[t(80)])):
        res = result_of(one_indicator_set(indicator), {"a": raw}).criteria[0].indicators[0]
        assert (res.status, res.missing_reason, res.value) == ("missing", "invalid_value", None)
        assert res.explanation.startswith("Số liệu không hợp lệ: giá trị ")
        assert "nằm ngoài khoảng số xử lý được" in res.explanation
    assert format_number(Decimal("1e28")) == "10.000.000.000.000.000.000.000.000.000"
    assert format_number(Decimal("1234567890123456789012345678.95")) == (
        "1.234.567.890.123.456.789.012.345.678,95"
    )


def test_it_reads_yes_no_values_as_data_entry_does_and_names_the_accepted_spellings():
    from assessments.values import FALSE_WORDS, TRUE_WORDS
    from criteria.coerce import FALSE_SPELLINGS, TRUE_SPELLINGS

    assert (set(TRUE_SPELLINGS), set(FALSE_SPELLINGS)) == (TRUE_WORDS, FALSE_WORDS)
    spec = one_indicator_set(ind("1.1", "bool", "==", [t(True)]))
    for raw, status in (("có", "met"), (" Có ", "met"), ("x", "met"), (1, "met"),
                        ("không", "unmet"), ("chưa đạt", "unmet"), ("0", "unmet")):
        assert result_of(spec, {"1.1": raw}).criteria[0].indicators[0].status == status, raw
    bad = result_of(spec, {"1.1": "hình như có"}).criteria[0].indicators[0]
    assert (bad.status, bad.missing_reason) == ("missing", "invalid_value")
    assert bad.explanation == (
        'Số liệu không hợp lệ: cần có hoặc không, nhận được "hình như có"; các cách viết được '
        "chấp nhận: true, có, co, đạt, dat, yes, x, c, 1 (là có); "
        "false, không, khong, chưa, chua, chưa đạt, no, k, 0 (là không)"
    )


GROUP_KEYS = (("nhom-1", "Nhóm 1"), ("nhom-2", "Nhóm 2"), ("nhom-3", "Nhóm 3"))


@pytest.mark.parametrize(
    ("threshold_by", "keys", "key", "expected"),
    [
        ("region", (("r1", "Miền Một"), ("r2", "Miền Hai")), "",
         "Xã chưa có vùng kinh tế - xã hội nên chưa xác định được ngưỡng"),
        ("group", GROUP_KEYS, "",
         "Xã chưa có nhóm xã (QĐ 51/2025) được xác nhận nên chưa xác định được ngưỡng"),
        ("region", (("r1", "Miền Một"), ("r2", "Miền Hai")), "r2",
         "Chưa có ngưỡng áp dụng cho vùng Miền Hai, năm 2024"),
        ("group", GROUP_KEYS, "nhom-3", "Chưa có ngưỡng áp dụng cho Nhóm 3, năm 2024"),
        ("group", GROUP_KEYS, "nhom-9",
         'Chưa có ngưỡng áp dụng cho nhóm "nhom-9" (không có trong danh sách nhóm của bộ), năm 2024'),
    ],
)
def test_it_names_what_is_missing_when_a_unit_has_no_threshold(threshold_by, keys, key, expected):
    first = keys[0][0]
    spec = make_set(
        [crit("1", [ind("a", thresholds=[t(80, keys=[first])])])],
        threshold_by=threshold_by,
        keys=keys,
    )
    for values in ({"a": 90}, {}):
        res = result_of(spec, values, ctx(key)).criteria[0].indicators[0]
        assert (res.status, res.missing_reason, res.explanation) == (
            "missing", "no_threshold", expected
        )
        assert 'mã "' not in res.explanation
    statuses = evaluate_statuses({spec.code: spec}, spec.family, [(1, ctx(key), {"a": 90})])
    assert statuses[1].results[spec.code].indicators == {"a": "missing"}
