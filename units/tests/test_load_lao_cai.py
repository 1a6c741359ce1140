"""Old Lào Cai (10) loaded alone, once for the module."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.loaders import load_province
from units.models import AttributeName, Unit, UnitKind, UnitLineage
from units.queries import attributes_on, commune_units, predecessors, successors

LOAD_CODES = ("10",)
LAST_OLD_DAY = datetime.date(2025, 6, 30)
REFORM_DAY = datetime.date(2025, 7, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_province(loaded):
    return Unit.objects.get(ref="10")


@pytest.fixture
def new_province(loaded):
    return Unit.objects.get(ref="15-20250701")


def test_the_old_map_has_9_districts_and_151_level3_units_by_kind(old_province):
    assert old_province.name == "Tỉnh Lào Cai"
    assert old_province.children.filter(kind=UnitKind.DISTRICT).count() == 9
    level3 = Unit.objects.under(old_province).commune_level()
    assert level3.count() == 151
    assert level3.filter(kind=UnitKind.COMMUNE).count() == 126
    assert level3.filter(kind=UnitKind.WARD).count() == 16
    assert level3.filter(kind=UnitKind.TOWN).count() == 9


def test_the_old_province_is_absorbed_by_new_lao_cai_with_89_communes_and_10_wards(new_province):
    units = Unit.objects.filter(parent=new_province)
    assert units.count() == 99
    assert units.filter(kind=UnitKind.COMMUNE).count() == 89
    assert units.filter(kind=UnitKind.WARD).count() == 10


def test_refs_codes_and_validity_dates_follow_the_scheme(old_province, new_province):
    ward = Unit.objects.get(ref="02647-20250701")
    assert (ward.code, ward.name, ward.valid_from, ward.valid_to) == (
        "02647",
        "Phường Lào Cai",
        REFORM_DAY,
        None,
    )
    assert ward.source.startswith("vietnam-provinces 2025.")
    old = Unit.objects.get(ref="02641")
    assert (old.name, old.valid_from, old.valid_to, old.source) == (
        "Phường Lào Cai",
        None,
        LAST_OLD_DAY,
        "vietnam-provinces 0.6.0",
    )
    assert (old_province.valid_to, new_province.valid_from) == (LAST_OLD_DAY, REFORM_DAY)
    district = Unit.objects.get(ref="080")
    assert district.name == "Thành phố Lào Cai" and len(district.code) == 3


def test_the_parent_chain_runs_commune_district_province_on_the_old_map_and_commune_province_on_the_new(
    old_province, new_province
):
    old = Unit.objects.select_related("parent__parent").get(ref="02641")
    assert old.parent.kind == UnitKind.DISTRICT and old.parent.parent == old_province
    assert old_province.parent is None
    assert Unit.objects.get(ref="02647-20250701").parent == new_province


def test_a_prereform_commune_is_valid_on_30_june_2025_and_not_on_1_july(old_province):
    old = Unit.objects.filter(ref="02641")
    assert old.valid_on(LAST_OLD_DAY).exists()
    assert not old.valid_on(REFORM_DAY).exists()
    assert Unit.objects.filter(ref="02647-20250701").valid_on(REFORM_DAY).exists()
    assert not Unit.objects.filter(ref="02647-20250701").valid_on(LAST_OLD_DAY).exists()


def test_commune_units_returns_the_map_of_the_day_with_parents_selected(old_province, new_province):
    old = list(commune_units(old_province, LAST_OLD_DAY))
    assert len(old) == 151
    with CaptureQueriesContext(connection) as ctx:
        assert {u.parent.kind for u in old} == {UnitKind.DISTRICT}
    assert len(ctx) == 0
    assert commune_units(old_province, REFORM_DAY).count() == 0
    assert commune_units(new_province, REFORM_DAY).count() == 99


def test_a_second_load_creates_and_updates_nothing(loaded):
    report = load_province("10")
    assert report.created_total == 0 and report.updated_total == 0
    assert (report.lineage_created, report.lineage_updated) == (0, 0)
    assert (report.attributes_created, report.attributes_updated) == (0, 0)


def test_the_first_load_reports_what_it_created(loaded):
    report = loaded[0]
    assert report.old_created[UnitKind.DISTRICT] == 9
    assert report.old_level3_created == 151
    assert report.new_level2_created == 99
    assert report.summary_vi().startswith(
        "Tỉnh Lào Cai (cũ, mã 10): 1 tỉnh, 9 huyện, 151 xã/phường/thị trấn; "
        "Tỉnh Lào Cai (mới, mã 15): 1 tỉnh, 99 xã/phường; "
    )


def test_lao_cai_communes_are_in_region_tdmnpb_in_one_query(old_province):
    ids = list(Unit.objects.under(old_province).commune_level().values_list("id", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        regions = attributes_on(ids, AttributeName.REGION, LAST_OLD_DAY)
    assert len(ctx) == 1
    assert set(regions.values()) == {"tdmnpb"} and len(regions) == 151
    assert attributes_on(ids, AttributeName.REGION, REFORM_DAY) == {}


def test_in_programme_is_1_for_communes_and_0_for_wards_and_towns_on_both_maps(new_province):
    units = Unit.objects.filter(
        ref__in=["02641", "02839", "02650", "02647-20250701", "02680-20250701"]
    )
    by_ref = {u.ref: u.id for u in units}
    old = attributes_on(by_ref.values(), AttributeName.IN_PROGRAMME, LAST_OLD_DAY)
    new = attributes_on(by_ref.values(), AttributeName.IN_PROGRAMME, REFORM_DAY)
    assert Unit.objects.get(ref="02839").kind == UnitKind.TOWN  # Thị trấn Bắc Hà
    assert old[by_ref["02641"]] == "0" and old[by_ref["02839"]] == "0"
    assert new[by_ref["02647-20250701"]] == "0" and new[by_ref["02680-20250701"]] == "1"
    assert not Unit.objects.filter(attributes__name=AttributeName.GROUP).exists()


def test_new_phuong_lao_cai_descends_from_four_wards_and_two_communes(loaded):
    ward = Unit.objects.get(ref="02647-20250701")
    names = sorted(predecessors(ward).values_list("name", flat=True))
    assert names == sorted(
        [
            "Phường Duyên Hải",
            "Phường Cốc Lếu",
            "Phường Kim Tân",
            "Phường Lào Cai",
            "Xã Vạn Hoà",
            "Xã Bản Phiệt",
        ]
    )
    link = UnitLineage.objects.filter(successor=ward).first()
    assert (link.kind, link.date, link.legal_basis) == ("merge", REFORM_DAY, "1673/NQ-UBTVQH15")
    assert list(successors(Unit.objects.get(ref="02641"))) == [ward]


def test_yen_bai_predecessors_wait_until_old_yen_bai_is_loaded(loaded):
    report = loaded[0]
    assert report.lineage_created == 147
    assert report.waiting_provinces == {"15"} and report.lineage_waiting == 166
    assert not predecessors(Unit.objects.get(ref="04252-20250701")).exists()  # Phường Yên Bái


def test_unmatched_names_are_reported_not_guessed(loaded):
    unmatched = {(u.new_code, u.text) for u in loaded[0].unmatched}
    assert ("02752", "các xã Tả Ngài Chồ") in unmatched  # old spelling: Tả Ngải Chồ
    assert not Unit.objects.get(ref="02755").successor_links.exists()


def test_the_command_prints_a_vietnamese_report(loaded):
    out = StringIO()
    call_command("load_units", "10", stdout=out)
    assert "Tỉnh Lào Cai (cũ, mã 10): 0 tỉnh, 0 huyện, 0 xã/phường/thị trấn" in out.getvalue()


def test_an_unknown_province_code_is_a_clear_command_error(loaded):
    with pytest.raises(CommandError, match="Không có tỉnh mã “99”"):
        call_command("load_units", "99")
