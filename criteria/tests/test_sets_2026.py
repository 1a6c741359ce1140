"""The 2026-2030 sets (QĐ 51/2025/QĐ-TTg): ten official criteria, 47 illustrative indicators,
thresholds by commune group, and the modern commune as the next level."""

import datetime
from decimal import Decimal

from django.conf import settings

from criteria.engine import Context, evaluate_family, threshold_for
from criteria.loader import load_directory

FAMILY = "ntm-xa-2026"
CRITERIA = [
    ("1", "Quy hoạch"), ("2", "Hạ tầng kinh tế - xã hội"), ("3", "Phát triển kinh tế nông thôn"),
    ("4", "Đào tạo nguồn nhân lực nông thôn"), ("5", "Văn hóa, giáo dục, y tế"),
    ("6", "Giảm nghèo và an sinh xã hội"), ("7", "Khoa học công nghệ và chuyển đổi số"),
    ("8", "Môi trường và cảnh quan nông thôn"), ("9", "Xây dựng hệ thống chính trị và hành chính công"),
    ("10", "Tiếp cận pháp luật và an ninh, quốc phòng"),
]
DAY = datetime.date(2026, 12, 31)


def catalog():
    return {s.code: s for s in load_directory(settings.NTM_CRITERIA_DIR) if s.family == FAMILY}


def test_the_2026_set_has_the_ten_official_criteria_and_47_illustrative_indicators():
    sets = catalog()
    assert set(sets) == {"ntm-xa-2026-minh-hoa", "ntm-hd-2026-minh-hoa"}
    base = sets["ntm-xa-2026-minh-hoa"]
    assert [(c.code, c.name) for g in base.groups for c in g.criteria] == CRITERIA
    assert sum(1 for _c, _i in base.iter_indicators()) == 47
    assert base.threshold_by == "group"
    assert [k.code for k in base.keys] == ["nhom-1", "nhom-2", "nhom-3"]
    assert base.valid_from == datetime.date(2026, 2, 15)
    assert base.revocation is None  # no rule found for 2026-2030: none invented
    for spec in sets.values():
        assert spec.illustrative and "minh họa" in spec.name
        for _c, indicator in spec.iter_indicators():
            assert all(entry.source.verified is False for entry in indicator.thresholds)
    modern = sets["ntm-hd-2026-minh-hoa"]
    assert (modern.level.code, modern.level.rank, modern.requires) == ("hien-dai", 2, base.code)


def test_each_group_gets_its_own_threshold():
    sets = catalog()
    base = sets["ntm-xa-2026-minh-hoa"]
    income = {g: threshold_for(base, "3.1", Context(key=g, on_date=DAY), sets).value
              for g in ("nhom-1", "nhom-2", "nhom-3")}
    assert income == {"nhom-1": Decimal(80), "nhom-2": Decimal(65), "nhom-3": Decimal(50)}
    modern = threshold_for(sets["ntm-hd-2026-minh-hoa"], "3.1", Context(key="nhom-3", on_date=DAY), sets)
    assert modern.value == Decimal(50) * Decimal("1.3")
    # The same income meets the group 3 threshold and fails the group 1 one.
    values = {"3.1": Decimal(60)}
    g3 = evaluate_family(sets, FAMILY, Context(key="nhom-3", on_date=DAY), values)
    g1 = evaluate_family(sets, FAMILY, Context(key="nhom-1", on_date=DAY), values)
    status = {r: {i.code: i.status for c in res.results["ntm-xa-2026-minh-hoa"].criteria for i in c.indicators}
              for r, res in (("g3", g3), ("g1", g1))}
    assert status["g3"]["3.1"] == "met" and status["g1"]["3.1"] == "unmet"


def test_without_a_group_no_threshold_applies():
    sets = catalog()
    base = sets["ntm-xa-2026-minh-hoa"]
    assert threshold_for(base, "3.1", Context(key="", on_date=DAY), sets) is None
