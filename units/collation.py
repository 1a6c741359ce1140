"""Vietnamese search and sort keys for unit names (pure Python, no Django).

- `search_key`: what a user types without diacritics or case finds the name ("mu sung" finds
  "Xã A Mú Sung"; "đ" and "Đ" read as "d").
- `sort_key`: a string whose plain byte order is the Vietnamese order of the names, so that the
  database sorts by it on SQLite and on PostgreSQL alike (and pagination stays right).

The order follows the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x
y, the Latin letters that Vietnamese does not use in their Latin places), as the CLDR collation
for Vietnamese does: letters compare first, then the tones word by word (ngang, huyền, hỏi, ngã,
sắc, nặng), case does not count. "Cán Cấu" comes before "Chiềng Ken", "Vạn Hoà" before "Vĩnh
Yên". The kind of unit that starts a name (Xã, Phường, Thị trấn, Huyện…) is not part of the key:
communes sort by their proper names, so "Phường Cốc Lếu" sits between "Xã Bản Xèo" and "Xã Dền
Sáng".

The key uses only the digits 0-9, two per letter, so every database collation (C, en_US,
vi_VN, ICU) orders it the same way as a byte comparison would.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

# Combining marks of the five marked tones, in the conventional order after the level tone.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a letter of its own (ă â ê ô ơ ư); đ is a precomposed letter.
LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}

# Administrative kinds that may start a unit's name; longest first.
KIND_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")

SPACE = "01"  # a run of spaces or punctuation
END = "00"    # ends the letters: a shorter name sorts before a longer one that starts like it
_CODES = {ch: f"{i + 12:02d}" for i, ch in enumerate(ALPHABET)}
_CODES.update({str(d): f"{d + 2:02d}" for d in range(10)})
OTHER = "99"  # letters of other scripts, after every Vietnamese letter

SORT_KEY_LENGTH = 600
SEARCH_KEY_LENGTH = 200


def _letters(text: str) -> list[tuple[str, int]]:
    """(base letter, tone) for every character of the lower-cased text, marks folded in."""
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch):
            if not out:
                continue
            base, tone = out[-1]
            if ch in TONES:
                out[-1] = (base, TONES[ch])
            elif (base, ch) in LETTER_MARKS:
                out[-1] = (LETTER_MARKS[(base, ch)], tone)
            continue
        out.append((ch, 0))
    return out


def search_key(text: str) -> str:
    """Lower case, without diacritics (đ → d), spaces collapsed: the form both a name and a
    query are compared in."""
    folded = []
    for ch in unicodedata.normalize("NFD", (text or "").lower()):
        if unicodedata.combining(ch):
            continue
        folded.append("d" if ch == "đ" else ch)
    return " ".join("".join(folded).split())[:SEARCH_KEY_LENGTH]


def proper_name(name: str) -> str:
    """The name without the kind of unit it starts with ("Xã A Mú Sung" → "A Mú Sung")."""
    stripped = " ".join((name or "").split())
    lowered = stripped.lower()
    for prefix in KIND_PREFIXES:
        if lowered.startswith(prefix + " ") and len(stripped) > len(prefix) + 1:
            return stripped[len(prefix) + 1:]
    return stripped


def sort_key(name: str) -> str:
    """Digits whose byte order is the Vietnamese order of the names (see the module doc)."""
    letters = _letters(proper_name(name))
    primary: list[str] = []
    tones: list[str] = []
    word_tone = 0
    in_word = False
    for base, tone in letters:
        if base.isalnum():
            primary.append(_CODES.get(base, OTHER))
            word_tone = word_tone or tone
            in_word = True
        elif in_word:  # spaces and punctuation end a word; runs of them count once
            primary.append(SPACE)
            tones.append(str(word_tone))
            word_tone, in_word = 0, False
    if in_word:
        tones.append(str(word_tone))
    if primary and primary[-1] == SPACE:
        primary.pop()
    return ("".join(primary) + END + "".join(tones))[:SORT_KEY_LENGTH]

