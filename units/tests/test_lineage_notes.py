from units.lineage import NameRef, OldUnit, OldUnitIndex, match_note, name_key, parse_note

LAO_CAI_NOTE = (
    "Đổi tên từ phường Kim Tân thành phường Lào Cai, hợp nhất các phường Duyên Hải, Cốc Lếu, "
    "Kim Tân, Lào Cai, xã Vạn Hòa và xã Bản Phiệt. Bỏ cấp huyện. Số: 1673/NQ-UBTVQH15; "
    "Ngày: 16/06/2025"
)


def test_a_merge_note_gives_each_name_with_the_kind_word_that_precedes_it():
    parsed = parse_note(LAO_CAI_NOTE)
    assert [(n.kind, n.name) for n in parsed.names] == [
        ("ward", "Duyên Hải"),
        ("ward", "Cốc Lếu"),
        ("ward", "Kim Tân"),
        ("ward", "Lào Cai"),
        ("commune", "Vạn Hòa"),
        ("commune", "Bản Phiệt"),
    ]
    assert parsed.legal_basis == "1673/NQ-UBTVQH15"
    assert parsed.signed_on == "2025-06-16"


def test_a_change_of_type_note_keeps_the_town_and_the_communes_apart():
    parsed = parse_note(
        "Đổi loại hình từ thị trấn Bát Xát thành xã Bát Xát, hợp nhất thị trấn Bát Xát và các xã "
        "Bản Vược, Bản Qua. Bỏ cấp huyện. Số: 1673/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert [(n.kind, n.name) for n in parsed.names] == [
        ("town", "Bát Xát"),
        ("commune", "Bản Vược"),
        ("commune", "Bản Qua"),
    ]


def test_partial_units_district_hints_and_a_trailing_new_name_are_understood():
    parsed = parse_note(
        "Hợp nhất xã Phú Cường thuộc huyện Sóc Sơn (trước khi thực hiện sắp xếp), 1 phần xã Mai Đình "
        "thành xã Nội Bài. Bỏ cấp huyện. Số: 1656/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert parsed.names[0].district_hint == "Sóc Sơn"
    assert parsed.names[1] == NameRef("1 phần xã Mai Đình", "commune", "Mai Đình", partial=True)
    assert len(parsed.names) == 2


def test_an_unchanged_unit_is_flagged_rather_than_given_names():
    parsed = parse_note(
        "Giữ nguyên, không sắp xếp. Bỏ cấp huyện. Số: 1673/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert parsed.unchanged and parsed.names == []


def test_old_and_new_tone_mark_placement_compare_equal():
    assert name_key("Vạn Hoà") == name_key("Vạn Hòa")
    assert name_key("Sơn Thuỷ") == name_key("Sơn Thủy")
    assert name_key("NT Trần Phú") == name_key("Nông trường Trần Phú")
    assert name_key("Nậm Chầy") != name_key("Nậm Chày")


def _unit(code, name, kind, district):
    return OldUnit(code, name, kind, district, f"Huyện {district}", "10")


def test_a_name_shared_by_two_old_units_is_resolved_only_by_the_district_of_the_reused_code():
    index = OldUnitIndex(
        [
            _unit("00001", "Xã Thanh Bình", "commune", "A"),
            _unit("00002", "Xã Bản Hồ", "commune", "A"),
            _unit("00009", "Xã Thanh Bình", "commune", "B"),
        ]
    )
    note = "Hợp nhất xã Thanh Bình và xã Bản Hồ. Bỏ cấp huyện. Số: 1/NQ; Ngày: 16/06/2025"
    match = match_note("00002", note, index)
    assert [u.code for u, _ in match.predecessors] == ["00001", "00002"]
    assert match.unmatched == []
    # Without an anchor in the district, the shared name stays unmatched.
    lone = match_note("00099", "Hợp nhất xã Thanh Bình. Số: 1/NQ;", index)
    assert lone.predecessors == [] and "trùng tên" in lone.unmatched[0][1]


def test_a_spelling_variant_is_linked_only_when_the_new_unit_reuses_its_code():
    index = OldUnitIndex([_unit("03076", "Xã Nậm Chầy", "commune", "A")])
    note = "Hợp nhất xã Nậm Chày. Số: 1/NQ;"
    assert [u.code for u, _ in match_note("03076", note, index).predecessors] == ["03076"]
    other = match_note("03077", note, index)
    assert other.predecessors == []
    assert "gần giống: Xã Nậm Chầy (03076)" in other.unmatched[0][1]
