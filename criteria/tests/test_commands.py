import io
import json

import pytest
from django.core.management import CommandError, call_command

from criteria.models import CriteriaSetVersion


def run_evaluate(tmp_path, values, *args):
    path = tmp_path / "values.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate", *args, "--values", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_evaluation_as_json(tmp_path):
    data = run_evaluate(
        tmp_path,
        {"10.1": 32, "11.1": 5.5, "1.1": True, "khong-co": 1},
        "--set",
        "ntm-xa-2021-minh-hoa",
        "--region",
        "tdmnpb",
        "--date",
        "2024-06-30",
    )
    assert data["set"] == "ntm-xa-2021-minh-hoa"
    assert list(data["results"]) == ["ntm-xa-2021-minh-hoa"]
    assert data["highest_level"] is None
    assert data["unknown_values"] == ["khong-co"]
    result = data["results"]["ntm-xa-2021-minh-hoa"]
    assert result["criteria_total"] == 19
    assert result["criteria_met"] == 1
    assert "revocation" in result
    income = next(c for c in result["criteria"] if c["code"] == "10")
    assert income["status"] == "unmet"
    indicator = income["indicators"][0]
    assert indicator["value"] == "32"
    assert indicator["threshold"] == "39"
    assert indicator["operator"] == ">="
    assert indicator["explanation"] == (
        "Chưa đạt: 32 triệu đồng/người/năm < 39 triệu đồng/người/năm "
        "(ngưỡng vùng Trung du và miền núi phía Bắc, năm 2024)"
    )
    assert indicator["source"] == "QĐ 318/QĐ-TTg, tiêu chí 10 (minh họa, chưa xác minh)"
    poverty = next(c for c in result["criteria"] if c["code"] == "11")
    assert poverty["status"] == "met"


def test_it_evaluates_a_set_with_the_sets_it_requires(tmp_path):
    data = run_evaluate(
        tmp_path, {}, "--set", "ntm-km-2021-minh-hoa", "--region", "dbsh", "--date", "2025-01-01"
    )
    assert list(data["results"]) == [
        "ntm-xa-2021-minh-hoa",
        "ntm-nc-2021-minh-hoa",
        "ntm-km-2021-minh-hoa",
    ]
    assert data["levels"] == {"ntm": False, "nang-cao": False, "kieu-mau": False}
    data = run_evaluate(
        tmp_path, {}, "--set", "ntm-xa-2021-minh-hoa", "--region", "dbsh", "--family", "--date", "2025-01-01"
    )
    assert len(data["results"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "khong-co", "--region", "tdmnpb"], 'Không có bộ tiêu chí "khong-co"'),
        (["--set", "ntm-xa-2021-minh-hoa", "--region", "xx"], 'Mã vùng "xx" không có'),
        (
            ["--set", "ntm-xa-2021-minh-hoa", "--region", "tdmnpb", "--date", "30/06/2024"],
            "cần dạng YYYY-MM-DD",
        ),
    ],
)
def test_it_refuses_bad_arguments_with_a_clear_message(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run_evaluate(tmp_path, {}, *args)


def test_it_refuses_a_values_file_that_is_not_an_object(tmp_path):
    path = tmp_path / "values.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="phải là một đối tượng JSON"):
        call_command(
            "evaluate", "--set", "ntm-xa-2021-minh-hoa", "--region", "tdmnpb", "--date", "2024-06-30", "--values", str(path)
        )


@pytest.mark.django_db
def test_it_loads_the_shipped_sets_once():
    out = io.StringIO()
    call_command("load_criteria", stdout=out)
    assert "ntm-xa-2021-minh-hoa: tạo phiên bản 1" in out.getvalue()
    out = io.StringIO()
    call_command("load_criteria", stdout=out)
    assert "không đổi (phiên bản 1)" in out.getvalue()
    assert CriteriaSetVersion.objects.count() == 5  # 3 sets of 2021-2025, 2 of 2026-2030


def test_it_reports_huge_and_non_finite_values_instead_of_crashing(tmp_path):
    path = tmp_path / "values.json"
    path.write_text('{"10.1": 1e28, "11.1": 1e400, "2.1": Infinity, "2.2": NaN}', encoding="utf-8")
    out = io.StringIO()
    call_command(
        "evaluate", "--set", "ntm-xa-2021-minh-hoa", "--region", "tdmnpb", "--values", str(path),
        "--date", "2024-06-30", stdout=out,
    )
    result = json.loads(out.getvalue())["results"]["ntm-xa-2021-minh-hoa"]
    indicators = {i["code"]: i for c in result["criteria"] for i in c["indicators"]}
    for code, shown in (("10.1", "1E+28"), ("11.1", "1E+400"), ("2.1", "Infinity"), ("2.2", "NaN")):
        assert indicators[code]["status"] == "missing"
        assert indicators[code]["explanation"].startswith(
            f"Số liệu không hợp lệ: giá trị {shown} nằm ngoài khoảng số xử lý được"
        )


def test_evaluate_refuses_a_date_outside_the_validity_of_the_set(tmp_path):
    path = tmp_path / "values.json"
    path.write_text('{"3.1": 70}', encoding="utf-8")
    with pytest.raises(CommandError, match="trước ngày bộ ntm-xa-2026-minh-hoa có hiệu lực"):
        call_command("evaluate", "--set", "ntm-xa-2026-minh-hoa", "--group", "nhom-2",
                     "--date", "2025-12-31", "--values", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="sau ngày bộ ntm-xa-2021-minh-hoa hết hiệu lực"):
        call_command("evaluate", "--set", "ntm-xa-2021-minh-hoa", "--region", "tdmnpb",
                     "--date", "2026-12-01", "--values", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("evaluate", "--set", "ntm-xa-2021-minh-hoa", "--region", "tdmnpb", "--date", "2026-12-01",
                 "--values", str(path), "--outside-validity", stdout=out)
    assert "hết hiệu lực" in json.loads(out.getvalue())["outside_validity"]
