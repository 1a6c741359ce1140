"""Old Lào Cai (10) and old Yên Bái (15), which together became new Lào Cai (15)."""

import pytest

from units.models import Unit, UnitKind, UnitLineage

LOAD_CODES = ("10", "15")

pytestmark = pytest.mark.django_db


def test_both_old_provinces_feed_the_same_new_province(loaded):
    assert [r.new_code for r in loaded] == ["15", "15"]
    assert loaded[1].old_name == "Tỉnh Yên Bái"
    assert loaded[1].new_created[UnitKind.PROVINCE] == 0
    assert Unit.objects.filter(code="15").count() == 2  # old Yên Bái and new Lào Cai


def test_every_new_lao_cai_unit_has_predecessors_once_both_are_loaded(loaded):
    new_units = Unit.objects.filter(parent__ref="15-20250701")
    assert new_units.count() == 99
    assert not new_units.filter(predecessor_links__isnull=True).exists()
    assert loaded[1].lineage_waiting == 0
    assert (
        UnitLineage.objects.count() == loaded[0].lineage_created + loaded[1].lineage_created == 313
    )


def test_only_the_six_spelling_variants_are_left_without_a_successor(loaded):
    old = Unit.objects.filter(valid_to__isnull=False).commune_level()
    orphans = sorted(old.filter(successor_links__isnull=True).values_list("name", flat=True))
    assert orphans == sorted(
        [
            "Xã Tả Ngải Chồ",
            "Xã Nàn Xín",
            "Xã Nậm Rạng",
            "Xã Thẩm Dương",
            "Xã Dế Su Phình",
            "Xã Hát Lìu",
        ]
    )
    assert len(loaded[1].unmatched) == 6


def test_a_unit_kept_as_it_was_is_linked_as_a_one_to_one_rename(loaded):
    link = UnitLineage.objects.get(successor__ref="03004-20250701")  # Xã Ngũ Chỉ Sơn
    assert link.predecessor.ref == "03004" and link.kind == "rename"
