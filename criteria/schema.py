"""Typed schema of a criteria set file (YAML under criteria/sets/), validated with pydantic v2.

Every model forbids unknown fields so that a typo in a file fails loudly instead of being ignored.
Validation messages are Vietnamese: they reach the people who edit the files. A check that knows
where inside the file the problem is raises `SpecError` with a relative location; the loader
turns that into a full path such as `groups[2].criteria[0].rule`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
CODE_PATTERN = r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=32)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

Operator = Literal[">=", "<=", "=="]
IndicatorType = Literal["number", "percent", "integer", "bool"]

# Loc elements that only name a branch of the rule union; the loader leaves them out of paths.
RULE_TAG_PREFIX = "rule:"


class SpecError(ValueError):
    """A validation problem at `loc`, relative to the model being validated."""

    def __init__(self, loc: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.loc = loc
        self.message = message


def to_decimal(value: Any) -> Decimal:
    """Numbers of the files and of JSON content: int, float, numeric string or Decimal; not bool."""
    if isinstance(value, bool):
        raise ValueError("phải là số, không phải giá trị đúng/sai")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"phải là số (nhận được {value!r})") from None
    else:
        raise ValueError(f"phải là số (nhận được {value!r})")
    if not result.is_finite():
        raise ValueError("phải là số hữu hạn")
    return result


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceDocument(Strict):
    document: Text
    article: str | None = None
    url: str | None = None


class SourceRef(Strict):
    ref: str
    article: str | None = None
    verified: bool
    note: str | None = None


class Level(Strict):
    code: Slug
    name: Text
    rank: int = Field(ge=1)


class KeyDef(Strict):
    code: Slug
    name: Text


class Revocation(Strict):
    key_criteria: list[str] = Field(default_factory=list)
    note: str = ""


# ---------------------------------------------------------------- rules


class AllRule(Strict):
    all: list[Rule] = Field(min_length=1)


class AnyRule(Strict):
    any: list[Rule] = Field(min_length=1)


class AtLeastRule(Strict):
    at_least: int = Field(ge=1)
    of: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _n_not_above_count(self) -> AtLeastRule:
        if self.at_least > len(self.of):
            raise SpecError(
                ("at_least",),
                f"at_least = {self.at_least} lớn hơn số quy tắc trong 'of' ({len(self.of)})",
            )
        return self


def _rule_kind(value: Any) -> str | None:
    if isinstance(value, str | int | float):
        # A number (or YAML boolean) is an unquoted code: validated as a code, it gets the
        # loader's "quote it" message instead of a generic one.
        return RULE_TAG_PREFIX + "code"
    if isinstance(value, dict):
        for kind in ("all", "any", "at_least"):
            if kind in value:
                return RULE_TAG_PREFIX + kind
        return None
    if isinstance(value, AllRule):
        return RULE_TAG_PREFIX + "all"
    if isinstance(value, AnyRule):
        return RULE_TAG_PREFIX + "any"
    if isinstance(value, AtLeastRule):
        return RULE_TAG_PREFIX + "at_least"
    return None


Rule = Annotated[
    Annotated[str, Tag(RULE_TAG_PREFIX + "code")]
    | Annotated[AllRule, Tag(RULE_TAG_PREFIX + "all")]
    | Annotated[AnyRule, Tag(RULE_TAG_PREFIX + "any")]
    | Annotated[AtLeastRule, Tag(RULE_TAG_PREFIX + "at_least")],
    Discriminator(
        _rule_kind,
        custom_error_type="rule_kind",
        custom_error_message=(
            "quy tắc phải là mã chỉ tiêu hoặc một bảng có khóa all, any hoặc at_least"
        ),
    ),
]

AllRule.model_rebuild()
AnyRule.model_rebuild()
AtLeastRule.model_rebuild()


def rule_codes(rule: Rule) -> list[str]:
    """Indicator codes a rule mentions, in order."""
    if isinstance(rule, str):
        return [rule]
    children = (
        rule.all
        if isinstance(rule, AllRule)
        else rule.any
        if isinstance(rule, AnyRule)
        else rule.of
    )
    codes: list[str] = []
    for child in children:
        codes.extend(rule_codes(child))
    return codes


def _rule_code_locs(
    rule: Rule, loc: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(rule, str):
        return [(loc, rule)]
    if isinstance(rule, AllRule):
        field, children = "all", rule.all
    elif isinstance(rule, AnyRule):
        field, children = "any", rule.any
    else:
        field, children = "of", rule.of
    found = []
    for i, child in enumerate(children):
        found.extend(_rule_code_locs(child, (*loc, field, i)))
    return found


# ---------------------------------------------------------------- thresholds


class RelativeThreshold(Strict):
    set: Slug
    indicator: Code
    factor: Decimal

    @field_validator("factor", mode="before")
    @classmethod
    def _factor(cls, value: Any) -> Decimal:
        result = to_decimal(value)
        if result <= 0:
            raise ValueError("hệ số phải lớn hơn 0")
        return result


class ThresholdEntry(Strict):
    value: bool | Decimal | None = None
    relative: RelativeThreshold | None = None
    keys: list[Slug] | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)
    source: SourceRef

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: Any) -> bool | Decimal | None:
        if value is None or isinstance(value, bool):
            return value
        return to_decimal(value)

    @field_validator("keys")
    @classmethod
    def _keys(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError(
                    "danh sách keys không được rỗng (bỏ trường keys nếu áp dụng cho mọi vùng/nhóm)"
                )
            if len(set(value)) != len(value):
                raise ValueError("danh sách keys có mã trùng lặp")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ThresholdEntry:
        if (self.value is None) == (self.relative is None):
            raise SpecError((), "mỗi ngưỡng phải có đúng một trong hai trường value hoặc relative")
        return self

    @property
    def specificity(self) -> int:
        return (self.keys is not None) + (self.year is not None)


def _tie_message(
    i: int, a: ThresholdEntry, b: ThresholdEntry, entries: list[ThresholdEntry]
) -> str | None:
    """Why entry `b` ties with entry `i` (`a`) of `entries`, or None when they never tie: two
    entries tie when they have the same specificity and both apply to one key and year where no
    more specific entry applies."""
    if a.specificity != b.specificity:
        return None
    if a.keys is not None and b.keys is not None and not set(a.keys) & set(b.keys):
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    if (a.keys is None) != (b.keys is None):
        # One keyed by region/group only, the other by year only: they meet at those keys in
        # that year, unless a keys-and-year entry settles each of those keys.
        keyed, yearly = (a, b) if a.keys is not None else (b, a)
        open_keys = [
            key
            for key in keyed.keys or []
            if not any(e.keys and key in e.keys and e.year == yearly.year for e in entries)
        ]
        if not open_keys:
            return None
        return (
            f"trùng ngưỡng với thresholds[{i}] (vùng/nhóm {', '.join(open_keys)}, năm "
            f"{yearly.year}): một ngưỡng chỉ theo vùng/nhóm và một ngưỡng chỉ theo năm có cùng "
            "mức ưu tiên nên không xác định được ngưỡng nào áp dụng; hãy thêm ngưỡng ghi cả keys "
            "và year cho trường hợp này"
        )
    where = []
    if a.keys is not None:
        where.append("vùng/nhóm " + ", ".join(sorted(set(a.keys) & set(b.keys or []))))
    if a.year is not None:
        where.append(f"năm {a.year}")
    return (
        f"trùng ngưỡng với thresholds[{i}] ({', '.join(where) or 'áp dụng chung'}): "
        "không xác định được ngưỡng nào áp dụng"
    )


class Indicator(Strict):
    code: Code
    label: str | None = None
    name: Text
    type: IndicatorType
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    operator: Operator
    thresholds: list[ThresholdEntry] = Field(min_length=1)

    @field_validator("min", "max", mode="before")
    @classmethod
    def _bounds(cls, value: Any) -> Decimal | None:
        return None if value is None else to_decimal(value)

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.label is None:
            object.__setattr__(self, "label", self.code)
        if self.type == "percent":
            if self.min is None:
                object.__setattr__(self, "min", Decimal(0))
            if self.max is None:
                object.__setattr__(self, "max", Decimal(100))
            if not self.unit:
                object.__setattr__(self, "unit", "%")
        if self.type == "bool":
            if self.operator != "==":
                raise SpecError(("operator",), 'chỉ tiêu kiểu bool phải dùng operator "=="')
            if self.min is not None or self.max is not None:
                raise SpecError(("min",), "chỉ tiêu kiểu bool không có min/max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise SpecError(("min",), "min lớn hơn max")
        for i, entry in enumerate(self.thresholds):
            loc = ("thresholds", i)
            if self.type == "bool":
                if entry.relative is not None or not isinstance(entry.value, bool):
                    raise SpecError(
                        (*loc, "value"), "chỉ tiêu kiểu bool phải có ngưỡng true hoặc false"
                    )
            elif entry.value is not None:
                if isinstance(entry.value, bool):
                    raise SpecError((*loc, "value"), "chỉ tiêu kiểu số phải có ngưỡng là số")
                if self.type == "integer" and entry.value != entry.value.to_integral_value():
                    raise SpecError(
                        (*loc, "value"), "chỉ tiêu kiểu integer phải có ngưỡng là số nguyên"
                    )
        # Two entries that could tie in the selection would leave the threshold to the order of
        # the file.
        for i, a in enumerate(self.thresholds):
            for j in range(i + 1, len(self.thresholds)):
                message = _tie_message(i, a, self.thresholds[j], self.thresholds)
                if message is not None:
                    raise SpecError(("thresholds", j), message)
        return self


class Criterion(Strict):
    code: Code
    name: Text
    rule: Rule | None = None
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _rule_uses_own_indicators(self) -> Criterion:
        own = {indicator.code for indicator in self.indicators}
        if self.rule is not None:
            for loc, code in _rule_code_locs(self.rule, ("rule",)):
                if code not in own:
                    raise SpecError(
                        loc,
                        f'chỉ tiêu "{code}" không thuộc tiêu chí {self.code} '
                        f"(các chỉ tiêu: {', '.join(sorted(own))})",
                    )
        return self

    @property
    def effective_rule(self) -> Rule:
        if self.rule is not None:
            return self.rule
        return AllRule.model_construct(all=[indicator.code for indicator in self.indicators])


class Group(Strict):
    code: Slug
    name: Text
    criteria: list[Criterion] = Field(min_length=1)


class CriteriaSetSpec(Strict):
    code: Slug
    name: Text
    family: Slug
    level: Level
    requires: Slug | None = None
    threshold_by: Literal["region", "group"]
    keys: list[KeyDef] = Field(min_length=1)
    illustrative: bool
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    sources: dict[str, SourceDocument] = Field(min_length=1)
    revocation: Revocation | None = None
    groups: list[Group] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self) -> CriteriaSetSpec:
        if self.requires == self.code:
            raise SpecError(("requires",), "bộ tiêu chí không thể yêu cầu chính nó")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise SpecError(("valid_to",), "valid_to phải sau valid_from")
        key_codes = [key.code for key in self.keys]
        seen_keys: set[str] = set()
        for i, code in enumerate(key_codes):
            if code in seen_keys:
                raise SpecError(("keys", i, "code"), f'mã "{code}" bị trùng')
            seen_keys.add(code)
        all_codes = {indicator.code for _criterion, indicator in self.iter_indicators()}
        criterion_at: dict[str, tuple] = {}
        indicator_at: dict[str, tuple] = {}
        group_codes: set[str] = set()
        for g, group in enumerate(self.groups):
            if group.code in group_codes:
                raise SpecError(("groups", g, "code"), f'mã nhóm tiêu chí "{group.code}" bị trùng')
            group_codes.add(group.code)
            for c, criterion in enumerate(group.criteria):
                cloc = ("groups", g, "criteria", c)
                if criterion.code in criterion_at:
                    raise SpecError((*cloc, "code"), f'mã tiêu chí "{criterion.code}" bị trùng')
                criterion_at[criterion.code] = cloc
                for i, indicator in enumerate(criterion.indicators):
                    iloc = (*cloc, "indicators", i)
                    if indicator.code in indicator_at:
                        raise SpecError(
                            (*iloc, "code"), f'mã chỉ tiêu "{indicator.code}" bị trùng trong bộ'
                        )
                    indicator_at[indicator.code] = iloc
                    for t, entry in enumerate(indicator.thresholds):
                        tloc = (*iloc, "thresholds", t)
                        for k, key in enumerate(entry.keys or []):
                            if key not in seen_keys:
                                raise SpecError(
                                    (*tloc, "keys", k),
                                    f'mã "{key}" không có trong keys của bộ '
                                    f"({', '.join(key_codes)})",
                                )
                        if entry.source.ref not in self.sources:
                            raise SpecError(
                                (*tloc, "source", "ref"),
                                f'nguồn "{entry.source.ref}" không có trong sources',
                            )
                        if entry.relative is not None and entry.relative.set == self.code:
                            if entry.relative.indicator == indicator.code:
                                raise SpecError(
                                    (*tloc, "relative"), "ngưỡng không thể tham chiếu chính nó"
                                )
                            if entry.relative.indicator not in all_codes:
                                raise SpecError(
                                    (*tloc, "relative", "indicator"),
                                    f'chỉ tiêu "{entry.relative.indicator}" không có trong bộ',
                                )
        if self.revocation is not None:
            for k, code in enumerate(self.revocation.key_criteria):
                if code not in criterion_at:
                    raise SpecError(
                        ("revocation", "key_criteria", k), f'tiêu chí "{code}" không có trong bộ'
                    )
        return self

    # ------------------------------------------------------------ helpers

    def key_name(self, code: str) -> str:
        for key in self.keys:
            if key.code == code:
                return key.name
        return code

    def has_key(self, code: str) -> bool:
        return any(key.code == code for key in self.keys)

    def iter_criteria(self):
        """(group, criterion) pairs in file order."""
        for group in self.groups:
            for criterion in group.criteria:
                yield group, criterion

    def iter_indicators(self):
        """(criterion, indicator) pairs in file order."""
        for _group, criterion in self.iter_criteria():
            for indicator in criterion.indicators:
                yield criterion, indicator

    def indicator(self, code: str) -> Indicator | None:
        for _criterion, indicator in self.iter_indicators():
            if indicator.code == code:
                return indicator
        return None

    def criterion_codes(self) -> list[str]:
        return [criterion.code for _group, criterion in self.iter_criteria()]
