import textwrap

import pytest
import yaml

from criteria.loader import CriteriaFileError, load_directory, load_file, load_text

from .helpers import crit, ind, set_data, t


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def base_data():
    return set_data(
        [
            crit("1", [ind("1.1", "bool", "==", [t(True)])]),
            crit(
                "2", [ind("2.1"), ind("2.2", thresholds=[t(70, keys=["r1"]), t(60, keys=["r2"])])]
            ),
        ]
    )


def error_of(data, name="ntm-xa.yaml") -> CriteriaFileError:
    with pytest.raises(CriteriaFileError) as info:
        load_text(dump(data), name)
    return info.value


def test_it_loads_a_valid_file_and_fills_defaults():
    spec = load_text(dump(base_data()), "thu.yaml")
    indicator = spec.indicator("2.1")
    assert indicator.label == "2.1"
    assert (indicator.min, indicator.max, indicator.unit) == (0, 100, "%")


def test_it_names_file_path_and_reason_for_a_bad_operator():
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["operator"] = ">"
    err = error_of(data)
    assert err.file == "ntm-xa.yaml"
    assert err.location == "groups[0].criteria[1].indicators[1].operator"
    assert str(err) == (
        "ntm-xa.yaml: groups[0].criteria[1].indicators[1].operator: "
        'giá trị phải là một trong ">=", "<=", "=="'
    )


def test_it_reports_a_missing_field():
    data = base_data()
    del data["groups"][0]["criteria"][0]["indicators"][0]["name"]
    err = error_of(data)
    assert (
        str(err) == "ntm-xa.yaml: groups[0].criteria[0].indicators[0].name: thiếu trường bắt buộc"
    )


def test_it_reports_a_misspelt_field():
    data = base_data()
    data["groups"][0]["criteria"][0]["indicators"][0]["treshold"] = 1
    err = error_of(data)
    assert err.location == "groups[0].criteria[0].indicators[0].treshold"
    assert "không được phép" in err.reason


def test_it_reports_a_rule_that_uses_another_criterions_indicator():
    data = base_data()
    data["groups"][0]["criteria"][1]["rule"] = {"any": ["2.1", {"all": ["2.2", "1.1"]}]}
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].rule.any[1].all[1]"
    assert err.reason.startswith('chỉ tiêu "1.1" không thuộc tiêu chí 2')
    assert str(err).startswith("ntm-xa.yaml: groups[0].criteria[1].rule.any[1].all[1]: ")


def test_it_reports_an_at_least_above_the_number_of_rules():
    data = base_data()
    data["groups"][0]["criteria"][1]["rule"] = {"at_least": 3, "of": ["2.1", "2.2"]}
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].rule.at_least"


def test_it_reports_a_region_that_is_not_declared():
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"][1]["keys"] = ["r9"]
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].indicators[1].thresholds[1].keys[0]"
    assert err.reason.startswith('mã "r9" không có trong keys của bộ')


def test_it_reports_duplicate_criterion_and_indicator_codes():
    data = base_data()
    data["groups"][0]["criteria"][1]["code"] = "1"
    assert error_of(data).location == "groups[0].criteria[1].code"
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["code"] = "1.1"
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].indicators[1].code"
    assert "bị trùng" in err.reason


def test_it_reports_ambiguous_thresholds():
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"] = [
        t(70, keys=["r1", "r2"]),
        t(60, keys=["r2"]),
    ]
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].indicators[1].thresholds[1]"
    assert "trùng ngưỡng" in err.reason


def test_it_reports_type_mismatches_between_indicator_and_threshold():
    data = base_data()
    data["groups"][0]["criteria"][0]["indicators"][0]["thresholds"] = [t(1)]
    assert error_of(data).location == "groups[0].criteria[0].indicators[0].thresholds[0].value"
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][0]["thresholds"] = [t(True)]
    assert error_of(data).location == "groups[0].criteria[1].indicators[0].thresholds[0].value"


def test_it_reports_unknown_sources_key_criteria_and_self_requirement():
    data = base_data()
    data["groups"][0]["criteria"][0]["indicators"][0]["thresholds"][0]["source"]["ref"] = "x"
    assert error_of(data).location.endswith("thresholds[0].source.ref")
    data = base_data()
    data["revocation"] = {"key_criteria": ["10"]}
    assert error_of(data).location == "revocation.key_criteria[0]"
    data = base_data()
    data["requires"] = data["code"]
    assert error_of(data).location == "requires"


def test_it_asks_for_quotes_around_numeric_codes():
    text = dump(base_data()).replace("code: '2.1'", "code: 2.1")
    with pytest.raises(CriteriaFileError) as info:
        load_text(text, "ntm-xa.yaml")
    assert info.value.location == "groups[0].criteria[1].indicators[0].code"
    assert "dấu nháy" in info.value.reason


def test_it_reports_yaml_syntax_errors_with_the_line():
    text = textwrap.dedent(
        """\
        code: thu
        name: [không đóng
        family: ho
        """
    )
    with pytest.raises(CriteriaFileError) as info:
        load_text(text, "hong.yaml")
    assert str(info.value).startswith("hong.yaml: dòng ")
    assert "lỗi cú pháp YAML" in info.value.reason


def test_it_refuses_a_key_written_twice():
    with pytest.raises(CriteriaFileError) as info:
        load_text("code: a\ncode: b\n", "hai-lan.yaml")
    assert info.value.location == "dòng 2, cột 1"
    assert 'khóa "code" xuất hiện hai lần' in info.value.reason


def test_it_lists_every_problem_in_the_message():
    data = base_data()
    del data["name"]
    data["threshold_by"] = "province"
    err = error_of(data)
    assert len(err.problems) == 2
    assert len(str(err).splitlines()) == 2


def test_it_loads_a_file_from_disk(tmp_path):
    path = tmp_path / "thu.yaml"
    path.write_text(dump(base_data()), encoding="utf-8")
    assert load_file(path).code == "thu"
    with pytest.raises(CriteriaFileError) as info:
        load_file(tmp_path / "khong-co.yaml")
    assert info.value.file == "khong-co.yaml"


def write_sets(directory, *datas):
    for data in datas:
        (directory / f"{data['code']}.yaml").write_text(dump(data), encoding="utf-8")


def test_it_checks_references_between_files(tmp_path):
    ntm = set_data([crit("10", [ind("10.1", "number", thresholds=[t(40)])])], code="a")
    km = set_data(
        [
            crit(
                "1",
                [
                    ind(
                        "10.1",
                        "number",
                        thresholds=[t(relative={"set": "a", "indicator": "10.1", "factor": 1.1})],
                    )
                ],
            )
        ],
        code="b",
        level=("kieu-mau", 3),
        requires="a",
    )
    write_sets(tmp_path, ntm, km)
    assert [s.code for s in load_directory(tmp_path)] == ["a", "b"]

    km["requires"] = "khong-co"
    write_sets(tmp_path, km)
    with pytest.raises(CriteriaFileError) as info:
        load_directory(tmp_path)
    assert str(info.value) == 'b.yaml: requires: không có bộ tiêu chí "khong-co"'

    km["requires"] = "a"
    km["groups"][0]["criteria"][0]["indicators"][0]["thresholds"][0]["relative"]["indicator"] = (
        "9.9"
    )
    write_sets(tmp_path, km)
    with pytest.raises(CriteriaFileError) as info:
        load_directory(tmp_path)
    assert info.value.location.endswith("thresholds[0].relative.indicator")

    other = set_data([crit("1", [ind("1.1")])], code="a", family="ho-khac")
    km["groups"][0]["criteria"][0]["indicators"][0]["thresholds"][0]["relative"]["indicator"] = (
        "10.1"
    )
    write_sets(tmp_path, other, km)
    with pytest.raises(CriteriaFileError) as info:
        load_directory(tmp_path)
    assert info.value.location == "requires"
    assert "không cùng họ" in info.value.reason


def test_it_reports_a_keys_only_and_a_year_only_threshold_that_tie():
    # Both apply to r1 in 2023 with the same specificity: the file order would decide.
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"] = [
        t(70, keys=["r1"]),
        t(80, year=2023),
    ]
    err = error_of(data)
    assert err.location == "groups[0].criteria[1].indicators[1].thresholds[1]"
    assert err.reason.startswith("trùng ngưỡng với thresholds[0] (vùng/nhóm r1, năm 2023)")
    assert "hãy thêm ngưỡng ghi cả keys và year" in err.reason
    # A keys-and-year entry for r1 in 2023 settles it.
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"].append(
        t(75, keys=["r1"], year=2023)
    )
    assert load_text(dump(data), "thu.yaml").code == "thu"


def test_it_accepts_thresholds_of_different_specificity_or_that_never_meet():
    data = base_data()
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"] = [
        t(60),
        t(70, keys=["r1"]),
        t(65, keys=["r2"]),
        t(75, keys=["r1"], year=2023),
        t(76, keys=["r2"], year=2023),
    ]
    assert load_text(dump(data), "thu.yaml").code == "thu"
    data["groups"][0]["criteria"][1]["indicators"][1]["thresholds"] = [
        t(80, year=2023),
        t(81, year=2024),
        t(82, keys=["r1"], year=2024),
    ]
    assert load_text(dump(data), "thu.yaml").code == "thu"


def relative_to(set_code, factor=1.1, **kwargs):
    return t(relative={"set": set_code, "indicator": "10.1", "factor": factor}, **kwargs)


def test_it_refuses_relative_thresholds_that_point_at_each_other(tmp_path):
    a = set_data([crit("10", [ind("10.1", "number", thresholds=[relative_to("b")])])], code="a")
    b = set_data(
        [crit("10", [ind("10.1", "number", thresholds=[relative_to("a", 0.9)])])],
        code="b",
        level=("nang-cao", 2),
    )
    write_sets(tmp_path, a, b)
    with pytest.raises(CriteriaFileError) as info:
        load_directory(tmp_path)
    err = info.value
    assert err.file == "a.yaml"
    assert err.location == "groups[0].criteria[0].indicators[0].thresholds[0].relative"
    assert err.reason.startswith(
        'ngưỡng tương đối tạo vòng lặp: bộ "a" chỉ tiêu "10.1" → bộ "b" chỉ tiêu "10.1" → '
        'bộ "a" chỉ tiêu "10.1" (vùng/nhóm r1, '
    )

    # Not a cycle when the two relative entries never apply to the same key.
    a["groups"][0]["criteria"][0]["indicators"][0]["thresholds"] = [
        relative_to("b", keys=["r1"]),
        t(40, keys=["r2"]),
    ]
    b["groups"][0]["criteria"][0]["indicators"][0]["thresholds"] = [
        relative_to("a", 0.9, keys=["r2"]),
        t(45, keys=["r1"]),
    ]
    write_sets(tmp_path, a, b)
    assert [s.code for s in load_directory(tmp_path)] == ["a", "b"]


def test_it_asks_for_quotes_around_a_numeric_code_inside_a_rule():
    data = base_data()
    data["groups"][0]["criteria"][1]["rule"] = {"any": ["2.1", "2.2"]}
    text = dump(data).replace("- '2.1'", "- 2.1")
    assert "- 2.1\n" in text
    with pytest.raises(CriteriaFileError) as info:
        load_text(text, "ntm-xa.yaml")
    assert info.value.location == "groups[0].criteria[1].rule.any[0]"
    assert info.value.reason.startswith("phải là chuỗi ký tự: YAML đọc 2.1 thành số")
    assert 'hãy đặt mã trong dấu nháy, ví dụ "2.1"' in info.value.reason
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("off", "giá trị đúng/sai (false)"), ("on", "giá trị đúng/sai (true)"),
     ("yes", "giá trị đúng/sai (true)"), ("no", "giá trị đúng/sai (false)"), ("2024", "số")],
)
def test_it_asks_for_quotes_around_a_key_yaml_reads_as_a_boolean(written, read_as):
    text = dump(base_data()).replace("  doc:\n", f"  {written}:\n", 1)
    assert f"  {written}:\n" in text
    line = text.splitlines().index(f"  {written}:") + 1
    with pytest.raises(CriteriaFileError) as info:
        load_text(text, "ntm-xa.yaml")
    assert info.value.location == f"dòng {line}, cột 3"
    assert info.value.reason == (
        f'khóa {written} được YAML đọc thành {read_as}, không phải chữ; hãy đặt khóa trong dấu '
        f'nháy: "{written}":'
    )
