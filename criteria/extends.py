"""A set that tightens another without copying it: `extends` + `thresholds` overrides.

A province's own set (e.g. Lào Cai's commune set, stricter than the national one) names the set
it extends and only the thresholds it changes; everything else (criteria, indicators, rules,
keys, levels, sources) is the extended set's. The loader turns such a file into a complete set
before validating it, so what is stored and evaluated is self-contained, and a change to the
extended file gives the province set a new version too.

    extends: ntm-xa-2026-minh-hoa
    code: lao-cai-xa-2026-minh-hoa
    name: Bộ tiêu chí xã NTM tỉnh Lào Cai 2026-2030 (minh họa)
    family: lao-cai-xa-2026
    sources: {qd-lc: {document: "QĐ .../QĐ-UBND tỉnh Lào Cai"}}
    thresholds:
      "3.1": [{keys: [nhom-3], value: 55, source: {ref: qd-lc, verified: false}}]
"""

from __future__ import annotations

import copy
from typing import Any

# Fields of the extending file that replace the extended set's; `sources` are merged,
# `thresholds` replace the thresholds of the indicators they name.
REPLACEABLE = {"code", "name", "family", "level", "requires", "illustrative", "valid_from", "valid_to",
               "revocation"}


class ExtendsError(ValueError):
    def __init__(self, location: str, message: str):
        super().__init__(message)
        self.location = location
        self.message = message


def resolve(data: Any, raw_by_code: dict[str, Any]) -> Any:
    """The complete content of a set that `extends` another (raw dicts by set code); other
    content is returned unchanged."""
    if not isinstance(data, dict) or "extends" not in data:
        return data
    base_code = data["extends"]
    base = raw_by_code.get(base_code) if isinstance(base_code, str) else None
    if base is None:
        raise ExtendsError("extends", f'không có bộ tiêu chí "{base_code}" để mở rộng')
    if isinstance(base, dict) and "extends" in base:
        raise ExtendsError("extends", f'bộ "{base_code}" cũng mở rộng bộ khác: chỉ mở rộng một bậc')
    unknown = set(data) - REPLACEABLE - {"extends", "sources", "thresholds"}
    if unknown:
        field = sorted(unknown)[0]
        raise ExtendsError(field, f'bộ mở rộng không được khai báo "{field}" (lấy từ bộ "{base_code}")')
    out = copy.deepcopy(base)
    for key in REPLACEABLE & set(data):
        out[key] = copy.deepcopy(data[key])
    if "requires" not in data:
        out.pop("requires", None)
    out["sources"] = {**out.get("sources", {}), **copy.deepcopy(data.get("sources") or {})}
    overrides = data.get("thresholds") or {}
    if not isinstance(overrides, dict):
        raise ExtendsError("thresholds", "phải là bảng {mã chỉ tiêu: [ngưỡng, ...]}")
    indicators = {
        ind.get("code"): ind
        for group in out.get("groups", []) for criterion in group.get("criteria", [])
        for ind in criterion.get("indicators", [])
    }
    for code, entries in overrides.items():
        if code not in indicators:
            raise ExtendsError(f"thresholds.{code}", f'bộ "{base_code}" không có chỉ tiêu "{code}"')
        indicators[code]["thresholds"] = copy.deepcopy(entries)
    return out
