"""Result types of an evaluation: statuses, per-indicator/criterion/set results and their JSON form.

Pure Python, no Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

Status = Literal["met", "unmet", "missing"]
Value = Decimal | float | int | bool | None

MET: Status = "met"
UNMET: Status = "unmet"
MISSING: Status = "missing"


@dataclass
class IndicatorResult:
    code: str
    label: str
    name: str
    criterion_code: str
    value: Decimal | bool | None
    threshold: Decimal | bool | None
    operator: str
    unit: str
    status: Status
    explanation: str
    source: str
    verified: bool
    # Why a "missing" status: "no_value", "invalid_value" or "no_threshold"; None otherwise.
    missing_reason: str | None = None
    threshold_description: str = ""


@dataclass
class CriterionResult:
    code: str
    name: str
    group_code: str
    status: Status
    explanation: str
    indicators: list[IndicatorResult]


@dataclass
class SetResult:
    set_code: str
    level_code: str
    level_rank: int
    criteria: list[CriterionResult]
    criteria_met: int
    criteria_unmet: int
    criteria_missing: int
    criteria_total: int
    all_met: bool
    set_name: str = ""
    family: str = ""
    illustrative: bool = False
    key: str = ""
    on_date: datetime.date | None = None

    def criterion(self, code: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.code == code), None)

    def indicator(self, code: str) -> IndicatorResult | None:
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                if indicator.code == code:
                    return indicator
        return None

    def statuses(self) -> dict[str, dict[str, str]]:
        """The compact form stored with an evaluation: every criterion's and indicator's status."""
        return {
            "criteria": {c.code: c.status for c in self.criteria},
            "indicators": {i.code: i.status for c in self.criteria for i in c.indicators},
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: Decimals become strings, dates ISO strings."""
        # Built by hand: dataclasses.asdict deep-copies every field and was most of the cost of
        # storing a province's evaluations.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "criteria"}
        data["on_date"] = self.on_date.isoformat() if self.on_date else None
        data["criteria"] = [
            {
                **{f.name: getattr(c, f.name) for f in _CRITERION_FIELDS if f.name != "indicators"},
                "indicators": [
                    {
                        **{f.name: getattr(i, f.name) for f in _INDICATOR_FIELDS},
                        "value": _dump_value(i.value),
                        "threshold": _dump_value(i.threshold),
                    }
                    for i in c.indicators
                ],
            }
            for c in self.criteria
        ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SetResult:
        criteria = []
        for c in data["criteria"]:
            indicators = []
            for i in c["indicators"]:
                values = dict(i)
                values["value"] = _load_value(values.get("value"))
                values["threshold"] = _load_value(values.get("threshold"))
                indicators.append(IndicatorResult(**values))
            criteria.append(CriterionResult(**{**c, "indicators": indicators}))
        on_date = data.get("on_date")
        return cls(
            **{
                **{k: v for k, v in data.items() if k not in ("criteria", "on_date")},
                "criteria": criteria,
                "on_date": datetime.date.fromisoformat(on_date) if on_date else None,
            }
        )


_CRITERION_FIELDS = fields(CriterionResult)
_INDICATOR_FIELDS = fields(IndicatorResult)


@dataclass
class FamilyResult:
    results: dict[str, SetResult]
    highest_level: str | None
    highest_rank: int
    levels: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "results": {code: result.to_dict() for code, result in self.results.items()},
            "highest_level": self.highest_level,
            "highest_rank": self.highest_rank,
            "levels": dict(self.levels),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FamilyResult:
        return cls(
            results={code: SetResult.from_dict(r) for code, r in data["results"].items()},
            highest_level=data.get("highest_level"),
            highest_rank=data.get("highest_rank", 0),
            levels=dict(data.get("levels", {})),
        )


@dataclass(frozen=True)
class RevocationCheck:
    unmet: int
    total: int
    share: float
    key_failing: list[str]
    rule_met: bool
    explanation: str

    @property
    def percent(self) -> float:
        """The share of unmet criteria in percent, one decimal."""
        return round(self.share * 100, 1)


def _dump_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _load_value(value: Any) -> Any:
    if isinstance(value, str):
        return Decimal(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


@dataclass
class SetStatuses:
    """A set's statuses without explanations: what an evaluation stores."""

    criteria: dict[str, Status]
    indicators: dict[str, Status]
    criteria_met: int
    criteria_unmet: int
    criteria_missing: int
    criteria_total: int
    all_met: bool

    def statuses(self) -> dict[str, dict[str, str]]:
        """The same compact form as `SetResult.statuses()`."""
        return {"criteria": self.criteria, "indicators": self.indicators}


@dataclass
class FamilyStatuses:
    results: dict[str, SetStatuses]
    highest_level: str | None
    highest_rank: int
    levels: dict[str, bool] = field(default_factory=dict)
