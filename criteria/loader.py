"""Load criteria set files (YAML) into validated `CriteriaSetSpec` objects.

Every problem raises `CriteriaFileError` naming the file, the path inside it and a Vietnamese
reason, e.g. `ntm-xa.yaml: groups[2].criteria[0].indicators[1].operator: giá trị phải là một
trong ">=", "<=", "=="`. No Django here: the loader is used by the engine's command-line checks
as well as by `criteria.services.sync_sets`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from criteria import extends
from criteria.schema import RULE_TAG_PREFIX, CriteriaSetSpec, Indicator, SpecError
from criteria.thresholds import MAX_RELATIVE_DEPTH, select_entry

SET_FILE_SUFFIXES = (".yaml", ".yml")


class CriteriaFileError(Exception):
    """A criteria file that cannot be used. `problems` lists every (location, reason) found;
    `location` and `reason` are the first one."""

    def __init__(
        self,
        file: str,
        location: str,
        reason: str,
        problems: Sequence[tuple[str, str]] | None = None,
    ):
        self.file = file
        self.location = location
        self.reason = reason
        self.problems = list(problems) if problems else [(location, reason)]
        super().__init__(str(self))

    @staticmethod
    def _line(file: str, location: str, reason: str) -> str:
        return f"{file}: {location}: {reason}" if location else f"{file}: {reason}"

    def __str__(self) -> str:
        lines = [self._line(self.file, location, reason) for location, reason in self.problems]
        return "\n".join(lines)


# ---------------------------------------------------------------- YAML


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last one)."""


class _KeyNotText(yaml.constructor.ConstructorError):
    """A mapping key YAML read as something other than text (`off:` is False in YAML 1.1)."""


def _key_kind(key: Any) -> str:
    if isinstance(key, bool):
        return f"giá trị đúng/sai ({str(key).lower()})"
    if isinstance(key, int | float):
        return "số"
    if key is None:
        return "giá trị rỗng (null)"
    return "một giá trị không phải chữ"


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            raise _KeyNotText(
                None,
                None,
                f'khóa {written} được YAML đọc thành {_key_kind(key)}, không phải chữ; hãy đặt '
                f'khóa trong dấu nháy: "{written}":',
                key_node.start_mark,
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f'khóa "{key}" xuất hiện hai lần trong cùng một bảng',
                key_node.start_mark,
            )
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse_yaml(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "không đọc được"
        if isinstance(exc, _KeyNotText):
            raise CriteriaFileError(name, location, problem) from None
        raise CriteriaFileError(name, location, f"lỗi cú pháp YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise CriteriaFileError(name, "", f"lỗi cú pháp YAML: {exc}") from None


# ---------------------------------------------------------------- pydantic errors


def format_location(loc: Iterable[str | int]) -> str:
    """('groups', 2, 'criteria', 0, 'code') -> 'groups[2].criteria[0].code'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith(RULE_TAG_PREFIX):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _quoted_choices(expected: str) -> str:
    choices = re.findall(r"'([^']*)'", expected)
    return ", ".join(f'"{choice}"' for choice in choices) if choices else expected


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "thiếu trường bắt buộc"
    if kind == "extra_forbidden":
        return "trường không được phép (có thể gõ sai tên trường)"
    if kind == "literal_error":
        return f"giá trị phải là một trong {_quoted_choices(str(ctx.get('expected', '')))}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "phải là số nguyên"
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "phải là số"
    if kind in ("bool_parsing", "bool_type"):
        return "phải là true hoặc false"
    if kind == "string_type":
        received = error.get("input")
        if isinstance(received, int | float) and not isinstance(received, bool):
            return (
                f"phải là chuỗi ký tự: YAML đọc {received} thành số; hãy đặt mã trong dấu nháy, "
                f'ví dụ "{received}" (mã như 10.10 cần nháy để không thành 10.1)'
            )
        return 'phải là chuỗi ký tự (mã số như "10.1" cần đặt trong dấu nháy)'
    if kind == "string_pattern_mismatch":
        return "sai định dạng mã (chỉ dùng chữ không dấu, chữ số và các dấu - _ .)"
    if kind == "string_too_short":
        return "không được để trống"
    if kind == "string_too_long":
        return f"dài quá {ctx.get('max_length')} ký tự"
    if kind == "too_short":
        return f"phải có ít nhất {ctx.get('min_length')} phần tử"
    if kind in ("list_type", "tuple_type"):
        return "phải là một danh sách"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "phải là một bảng (các cặp khóa: giá trị)"
    if kind in (
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    ):
        return "phải là ngày dạng YYYY-MM-DD"
    if kind == "greater_than_equal":
        return f"phải lớn hơn hoặc bằng {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"phải nhỏ hơn hoặc bằng {ctx.get('le')}"
    if kind == "greater_than":
        return f"phải lớn hơn {ctx.get('gt')}"
    if kind == "value_error":
        exc = ctx.get("error")
        if isinstance(exc, SpecError):
            return exc.message
        if isinstance(exc, Exception):
            return str(exc)
    msg = str(error.get("msg", ""))
    return msg.removeprefix("Value error, ")


def _location(error: dict[str, Any]) -> str:
    loc = tuple(error.get("loc", ()))
    exc = (error.get("ctx") or {}).get("error")
    if error["type"] == "value_error" and isinstance(exc, SpecError):
        loc = loc + tuple(exc.loc)
    return format_location(loc)


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for error in exc.errors():
        item = (_location(error), _reason(error))
        if item not in problems:
            problems.append(item)
    return problems


# ---------------------------------------------------------------- public API


def load_data(data: Any, name: str) -> CriteriaSetSpec:
    """Validate already-parsed content (a dict from YAML or stored JSON)."""
    if not isinstance(data, dict):
        raise CriteriaFileError(name, "", "nội dung tệp phải là một bảng (các cặp khóa: giá trị)")
    try:
        return CriteriaSetSpec.model_validate(data)
    except ValidationError as exc:
        problems = _validation_problems(exc)
        location, reason = problems[0]
        raise CriteriaFileError(name, location, reason, problems) from None


def load_text(text: str, name: str = "<văn bản>") -> CriteriaSetSpec:
    return load_data(_parse_yaml(text, name), name)


def load_file(path: str | Path) -> CriteriaSetSpec:
    path = Path(path)
    return load_data(_read(path), path.name)


def set_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise CriteriaFileError(str(directory), "", "không tìm thấy thư mục bộ tiêu chí")
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in SET_FILE_SUFFIXES)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CriteriaFileError(
            path.name, "", f"không đọc được tệp: {exc.strerror or exc}"
        ) from None
    except UnicodeDecodeError:
        raise CriteriaFileError(path.name, "", "tệp phải được lưu bằng mã hóa UTF-8") from None
    return _parse_yaml(text, path.name)


def load_directory_with_paths(directory: str | Path) -> list[tuple[Path, CriteriaSetSpec]]:
    """Every set file of `directory`, validated one by one and then against each other. A file
    that `extends` another set is completed from it first (criteria.extends)."""
    raw = [(path, _read(path)) for path in set_files(directory)]
    by_code = {data["code"]: data for _p, data in raw
               if isinstance(data, dict) and isinstance(data.get("code"), str)}
    loaded = []
    for path, data in raw:
        try:
            data = extends.resolve(data, by_code)
        except extends.ExtendsError as exc:
            raise CriteriaFileError(path.name, exc.location, exc.message) from None
        loaded.append((path, load_data(data, path.name)))
    check_catalog(loaded)
    return loaded


def load_directory(directory: str | Path) -> list[CriteriaSetSpec]:
    return [spec for _path, spec in load_directory_with_paths(directory)]


def check_catalog(loaded: Sequence[tuple[Path | str, CriteriaSetSpec]]) -> None:
    """Cross-file checks: unique set codes; `requires` and relative thresholds point at sets of
    the same family that exist (and, for `requires`, have a lower rank)."""
    by_code: dict[str, tuple[str, CriteriaSetSpec]] = {}
    for path, spec in loaded:
        name = Path(path).name
        if spec.code in by_code:
            raise CriteriaFileError(
                name, "code", f'mã bộ "{spec.code}" trùng với tệp {by_code[spec.code][0]}'
            )
        by_code[spec.code] = (name, spec)

    for name, spec in by_code.values():
        if spec.requires is not None:
            required = by_code.get(spec.requires)
            if required is None:
                raise CriteriaFileError(name, "requires", f'không có bộ tiêu chí "{spec.requires}"')
            required_spec = required[1]
            if required_spec.family != spec.family:
                raise CriteriaFileError(
                    name,
                    "requires",
                    f'bộ "{spec.requires}" thuộc họ "{required_spec.family}", '
                    f'không cùng họ "{spec.family}"',
                )
            if required_spec.level.rank >= spec.level.rank:
                raise CriteriaFileError(
                    name,
                    "requires",
                    f'bộ "{spec.requires}" phải có cấp (rank) thấp hơn bộ này',
                )
        for g, group in enumerate(spec.groups):
            for c, criterion in enumerate(group.criteria):
                for i, indicator in enumerate(criterion.indicators):
                    for t, entry in enumerate(indicator.thresholds):
                        if entry.relative is None:
                            continue
                        loc = f"groups[{g}].criteria[{c}].indicators[{i}].thresholds[{t}].relative"
                        target = by_code.get(entry.relative.set)
                        if target is None:
                            raise CriteriaFileError(
                                name, f"{loc}.set", f'không có bộ tiêu chí "{entry.relative.set}"'
                            )
                        target_spec = target[1]
                        if target_spec.family != spec.family:
                            raise CriteriaFileError(
                                name,
                                f"{loc}.set",
                                f'bộ "{entry.relative.set}" không cùng họ "{spec.family}"',
                            )
                        base = target_spec.indicator(entry.relative.indicator)
                        if base is None:
                            raise CriteriaFileError(
                                name,
                                f"{loc}.indicator",
                                f'bộ "{entry.relative.set}" không có chỉ tiêu '
                                f'"{entry.relative.indicator}"',
                            )
                        if base.type == "bool":
                            raise CriteriaFileError(
                                name,
                                f"{loc}.indicator",
                                "ngưỡng tương đối phải tham chiếu một chỉ tiêu kiểu số",
                            )
    _check_relative_chains(by_code)


def _entry_location(spec: CriteriaSetSpec, indicator: Indicator, entry_index: int) -> str:
    for g, group in enumerate(spec.groups):
        for c, criterion in enumerate(group.criteria):
            for i, candidate in enumerate(criterion.indicators):
                if candidate is indicator:
                    return (
                        f"groups[{g}].criteria[{c}].indicators[{i}].thresholds[{entry_index}]"
                        ".relative"
                    )
    return ""


def _check_relative_chains(by_code: dict[str, tuple[str, CriteriaSetSpec]]) -> None:
    """Relative thresholds must end at a value for every key and year: a cycle (A's threshold
    relative to B's, B's relative to A's) or a chain longer than the engine follows would only
    ever read as missing data. Checked for each key of the sets (and none) and each year the
    entries name (and any other year), with the engine's own selection."""
    specs = [spec for _name, spec in by_code.values()]
    relative = [
        (spec, indicator)
        for spec in specs
        for _criterion, indicator in spec.iter_indicators()
        if any(entry.relative is not None for entry in indicator.thresholds)
    ]
    if not relative:
        return
    keys = list(dict.fromkeys(key.code for spec in specs for key in spec.keys)) + [""]
    years = sorted(
        {
            entry.year
            for spec in specs
            for _criterion, indicator in spec.iter_indicators()
            for entry in indicator.thresholds
            if entry.year is not None
        }
    ) + [0]  # 0: a year no entry names

    def label(spec: CriteriaSetSpec, indicator: Indicator) -> str:
        return f'bộ "{spec.code}" chỉ tiêu "{indicator.code}"'

    for key in keys:
        for year in years:
            for spec, indicator in relative:
                chain: list[tuple[CriteriaSetSpec, Indicator]] = [(spec, indicator)]
                first_entry = select_entry(indicator, key, year)
                current, entry = indicator, first_entry
                while entry is not None and entry.relative is not None:
                    next_spec = by_code[entry.relative.set][1]
                    nxt = next_spec.indicator(entry.relative.indicator)
                    assert nxt is not None  # checked above
                    step = (next_spec, nxt)
                    closes = any(s is next_spec and i is nxt for s, i in chain)
                    chain.append(step)
                    if closes or len(chain) > MAX_RELATIVE_DEPTH + 1:
                        where = "vùng/nhóm " + (key or "không xác định")
                        where += f", năm {year}" if year else ", các năm không có ngưỡng riêng"
                        path = " → ".join(label(s, i) for s, i in chain)
                        reason = (
                            f"ngưỡng tương đối tạo vòng lặp: {path} ({where}); "
                            "ngưỡng này không bao giờ xác định được"
                            if closes
                            else f"chuỗi ngưỡng tương đối dài quá {MAX_RELATIVE_DEPTH} bước: "
                            f"{path} ({where})"
                        )
                        index = next(
                            n for n, e in enumerate(indicator.thresholds) if e is first_entry
                        )
                        raise CriteriaFileError(
                            by_code[spec.code][0],
                            _entry_location(spec, indicator, index),
                            reason,
                        )
                    current = nxt
                    entry = select_entry(current, key, year)
