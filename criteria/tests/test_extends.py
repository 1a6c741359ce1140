"""A province set that tightens the national one names only the thresholds it changes."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.conf import settings

from criteria.engine import Context, threshold_for
from criteria.loader import CriteriaFileError, load_directory

PROVINCE = """
extends: ntm-xa-2026-minh-hoa
code: lao-cai-xa-2026-minh-hoa
name: Bộ tiêu chí xã nông thôn mới tỉnh Lào Cai 2026-2030 (minh họa)
family: lao-cai-xa-2026
sources:
  qd-lc: {document: "Quyết định của UBND tỉnh Lào Cai (minh họa)"}
thresholds:
  "3.1":
    - {keys: [nhom-3], value: 55, source: {ref: qd-lc, verified: false, note: "minh họa"}}
    - {keys: [nhom-1, nhom-2], value: 85, source: {ref: qd-lc, verified: false, note: "minh họa"}}
"""


@pytest.fixture
def sets_dir(tmp_path):
    for path in settings.NTM_CRITERIA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_a_province_set_changes_only_the_thresholds_it_names(sets_dir):
    (sets_dir / "lao-cai-xa-2026-minh-hoa.yaml").write_text(PROVINCE, encoding="utf-8")
    sets = {s.code: s for s in load_directory(sets_dir)}
    province, national = sets["lao-cai-xa-2026-minh-hoa"], sets["ntm-xa-2026-minh-hoa"]
    assert province.family == "lao-cai-xa-2026"
    assert sum(1 for _ in province.iter_indicators()) == 47
    ctx = Context(key="nhom-3", on_date=datetime.date(2026, 12, 31))
    assert threshold_for(province, "3.1", ctx, sets).value == Decimal(55)
    assert threshold_for(national, "3.1", ctx, sets).value == Decimal(50)
    # Everything not named is the national set's.
    assert threshold_for(province, "8.1", ctx, sets).value == threshold_for(national, "8.1", ctx, sets).value
    assert set(province.sources) == {"qd51", "qd-lc"}


def test_extending_an_unknown_set_or_indicator_is_refused(sets_dir):
    (sets_dir / "x.yaml").write_text(PROVINCE.replace('"3.1":', '"99.9":'), encoding="utf-8")
    with pytest.raises(CriteriaFileError, match='không có chỉ tiêu "99.9"'):
        load_directory(sets_dir)
    (sets_dir / "x.yaml").write_text(PROVINCE.replace("extends: ntm-xa-2026-minh-hoa", "extends: khong-co"),
                                     encoding="utf-8")
    with pytest.raises(CriteriaFileError, match='không có bộ tiêu chí "khong-co"'):
        load_directory(sets_dir)
    (sets_dir / "x.yaml").write_text(PROVINCE + "groups: []\n", encoding="utf-8")
    with pytest.raises(CriteriaFileError, match='không được khai báo "groups"'):
        load_directory(sets_dir)
