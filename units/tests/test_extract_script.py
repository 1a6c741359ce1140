import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_unit_data.py"
spec = importlib.util.spec_from_file_location("extract_unit_data", SCRIPT)
extract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(extract)

FAKE_NESTED = [
    {
        "name": "Tỉnh  B",
        "code": 2,
        "districts": [
            {"name": "Huyện Y", "code": 20, "wards": [{"name": "Xã Q", "code": 7}]},
        ],
    },
    {
        "name": "Tỉnh A",
        "code": 1,
        "districts": [
            {
                "name": "Thành phố X",
                "code": 3,
                "wards": [
                    {"name": "Thị trấn C", "code": 12},
                    {"name": "Phường A", "code": 5},
                    {"name": "Xã  B", "code": 9},
                ],
            },
            {"name": "Quận Z", "code": 1, "wards": []},
        ],
    },
]


def test_the_prereform_transform_sorts_pads_codes_and_classifies_by_name_prefix():
    data = extract.transform_prereform(FAKE_NESTED)
    assert [p["code"] for p in data["provinces"]] == ["01", "02"]
    a = data["provinces"][0]
    assert [d["code"] for d in a["districts"]] == ["001", "003"]
    assert a["districts"][1]["kind"] == "city"
    assert a["districts"][1]["units"] == [
        ["00005", "Phường A", "ward"],
        ["00009", "Xã B", "commune"],
        ["00012", "Thị trấn C", "town"],
    ]
    assert data["provinces"][1]["name"] == "Tỉnh B"


def test_the_transform_output_is_byte_for_byte_deterministic_whatever_the_input_order():
    shuffled = json.loads(json.dumps(FAKE_NESTED))[::-1]
    for p in shuffled:
        p["districts"].reverse()
        for d in p["districts"]:
            d["wards"].reverse()
    first = extract.dumps(extract.transform_prereform(FAKE_NESTED))
    assert first == extract.dumps(extract.transform_prereform(shuffled))
    assert first.endswith("\n") and "\n" not in first[:-1] and ": " not in first


def test_the_lineage_transform_keys_notes_by_padded_new_unit_code():
    files = {
        "15": {"2647": {"name": "Phường Lào Cai", "note": "Hợp nhất  xã A.", "parent_code": "15"}},
        "01": {"00004": {"name": "Phường Ba Đình", "note": "", "parent_code": "01"}},
    }
    data = extract.transform_lineage(files)
    assert list(data["units"]) == ["00004", "02647"]
    assert data["units"]["02647"] == {
        "province": "15",
        "name": "Phường Lào Cai",
        "note": "Hợp nhất xã A.",
    }


def test_an_unknown_name_prefix_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        extract.transform_prereform(
            [
                {
                    "name": "Tỉnh A",
                    "code": 1,
                    "districts": [
                        {"name": "Huyện X", "code": 1, "wards": [{"name": "Đặc khu Q", "code": 1}]}
                    ],
                }
            ]
        )


def test_the_committed_data_files_are_what_the_transform_writes():
    data_dir = Path(__file__).resolve().parents[1] / "data"
    for name in (extract.PREREFORM_FILE, extract.LINEAGE_FILE):
        text = (data_dir / name).read_text(encoding="utf-8")
        assert extract.dumps(json.loads(text)) == text
