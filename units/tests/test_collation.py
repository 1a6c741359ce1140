"""Vietnamese search and sort keys (units.collation), pure functions."""

from units.collation import proper_name, search_key, sort_key

NAMES = ["Xã Vĩnh Yên", "Xã Vạn Hoà", "Xã Chiềng Ken", "Xã Cán Cấu", "Xã A Mú Sung", "Phường Cốc Lếu",
         "Xã An", "Xã Ân", "Xã An Bình", "Xã Bản Xèo", "Xã Đồng Tâm", "Xã Dền Sáng", "Xã Ba", "Xã Bạ",
         "Xã Bà", "Xã Thử 010", "Xã Thử 002"]


def test_names_sort_in_vietnamese_order_not_by_code_point():
    assert sorted(NAMES, key=sort_key) == [
        "Xã A Mú Sung", "Xã An", "Xã An Bình", "Xã Ân", "Xã Ba", "Xã Bà", "Xã Bạ", "Xã Bản Xèo",
        "Xã Cán Cấu", "Xã Chiềng Ken", "Phường Cốc Lếu", "Xã Dền Sáng", "Xã Đồng Tâm", "Xã Thử 002",
        "Xã Thử 010", "Xã Vạn Hoà", "Xã Vĩnh Yên",
    ]
    # Code-point order puts both pairs the wrong way round: that is what the keys fix.
    assert sorted(["Cán Cấu", "Chiềng Ken"]) == ["Chiềng Ken", "Cán Cấu"]
    assert sorted(["Vạn Hoà", "Vĩnh Yên"]) == ["Vĩnh Yên", "Vạn Hoà"]


def test_old_and_new_tone_placement_sort_alike_and_case_does_not_count():
    assert sort_key("Xã Hòa Bình") == sort_key("Xã Hoà Bình") == sort_key("XÃ HOÀ BÌNH")


def test_the_key_is_digits_only_so_every_database_collation_agrees():
    for name in NAMES + ["Xã Tả Phìn (cũ)", "Thị trấn Sa Pa", "Xã 北京"]:
        assert sort_key(name).isdigit(), name


def test_the_kind_of_unit_is_not_part_of_the_name_that_sorts():
    assert proper_name("Thị trấn Phố Lu") == "Phố Lu"
    assert proper_name("Phường  Cốc Lếu") == "Cốc Lếu"
    assert proper_name("Xã") == "Xã"


def test_search_keys_drop_diacritics_case_and_extra_spaces():
    assert search_key("Xã A Mú Sung") == "xa a mu sung"
    assert search_key("  ĐỒNG   Tâm ") == "dong tam"
    assert search_key("Nậm Chạc") == "nam chac"
    assert "mu sung" in search_key("Xã A Mú Sung")
