"""Small in-test criteria sets."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from criteria.engine import Context
from criteria.schema import CriteriaSetSpec

SRC = {"ref": "doc", "verified": False}


def t(value=None, *, keys=None, year=None, relative=None, verified=False) -> dict[str, Any]:
    entry: dict[str, Any] = {"source": {"ref": "doc", "verified": verified}}
    if value is not None:
        entry["value"] = value
    if relative is not None:
        entry["relative"] = relative
    if keys is not None:
        entry["keys"] = keys
    if year is not None:
        entry["year"] = year
    return entry


def ind(code, type_="percent", operator=">=", thresholds=None, **extra) -> dict[str, Any]:
    data = {
        "code": code,
        "name": f"Chỉ tiêu {code}",
        "type": type_,
        "operator": operator,
        "thresholds": thresholds if thresholds is not None else [t(80)],
    }
    data.update(extra)
    return data


def crit(code, indicators, rule=None, name=None) -> dict[str, Any]:
    data = {"code": code, "name": name or f"Tiêu chí {code}", "indicators": indicators}
    if rule is not None:
        data["rule"] = rule
    return data


def set_data(
    criteria,
    *,
    code="thu",
    family="ho-thu",
    level=("ntm", 1),
    requires=None,
    threshold_by="region",
    keys=(("r1", "Miền Một"), ("r2", "Miền Hai")),
    key_criteria=None,
    illustrative=True,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": f"Bộ {code}",
        "family": family,
        "level": {"code": level[0], "name": f"Mức {level[0]}", "rank": level[1]},
        "threshold_by": threshold_by,
        "keys": [{"code": k, "name": n} for k, n in keys],
        "illustrative": illustrative,
        "sources": {"doc": {"document": "QĐ thử", "article": "Phụ lục"}},
        "groups": [{"code": "g", "name": "Nhóm", "criteria": criteria}],
    }
    if requires:
        data["requires"] = requires
    if key_criteria is not None:
        data["revocation"] = {"key_criteria": key_criteria, "note": ""}
    return data


def make_set(criteria, **kwargs) -> CriteriaSetSpec:
    return CriteriaSetSpec.model_validate(set_data(copy.deepcopy(criteria), **kwargs))


def ctx(key="r1", year=2024) -> Context:
    return Context(key=key, on_date=datetime.date(year, 6, 30))
