"""Evaluate one unit's values against the set files on disk and print the result as JSON."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from criteria import engine
from criteria.loader import CriteriaFileError, load_directory


class Command(BaseCommand):
    help = (
        "Đánh giá một bộ số liệu (tệp JSON {mã chỉ tiêu: giá trị}) theo bộ tiêu chí trên đĩa, "
        "in kết quả dạng JSON. Mặc định đánh giá bộ đã chọn và các bộ mà nó yêu cầu; "
        "--family đánh giá cả họ bộ tiêu chí."
    )

    def add_arguments(self, parser):
        parser.add_argument("--set", required=True, dest="set_code", help="mã bộ tiêu chí")
        parser.add_argument(
            "--region",
            "--group",
            required=True,
            dest="key",
            help="mã vùng (hoặc nhóm xã) của đơn vị, ví dụ tdmnpb",
        )
        parser.add_argument("--date", help="ngày đánh giá YYYY-MM-DD (mặc định hôm nay)")
        parser.add_argument("--values", required=True, help="tệp JSON {mã chỉ tiêu: giá trị}")
        parser.add_argument(
            "--family", action="store_true", help="đánh giá mọi bộ cùng họ với bộ đã chọn"
        )
        parser.add_argument(
            "--dir", default=str(settings.NTM_CRITERIA_DIR), help="thư mục chứa tệp bộ tiêu chí"
        )
        parser.add_argument(
            "--outside-validity", action="store_true",
            help="vẫn đánh giá khi ngày nằm ngoài thời gian hiệu lực của bộ (kết quả được đánh dấu)",
        )

    def handle(self, *args, **options):
        try:
            specs = load_directory(options["dir"])
        except CriteriaFileError as exc:
            raise CommandError(f"Tệp bộ tiêu chí không hợp lệ:\n{exc}") from None
        catalog = {spec.code: spec for spec in specs}
        code = options["set_code"]
        spec = catalog.get(code)
        if spec is None:
            known = ", ".join(sorted(catalog)) or "(không có)"
            raise CommandError(f'Không có bộ tiêu chí "{code}". Các bộ hiện có: {known}')
        key = options["key"]
        if not spec.has_key(key):
            known = ", ".join(f"{k.code} ({k.name})" for k in spec.keys)
            what = "vùng" if spec.threshold_by == "region" else "nhóm"
            raise CommandError(
                f'Mã {what} "{key}" không có trong bộ {code}. Các mã hợp lệ: {known}'
            )
        on_date = self._date(options.get("date"))
        outside = self._outside_validity(spec, on_date)
        if outside and not options["outside_validity"]:
            raise CommandError(outside + " Dùng --outside-validity để vẫn đánh giá (kết quả được đánh dấu).")
        values = self._values(options["values"])

        if options["family"]:
            selected = {c: s for c, s in catalog.items() if s.family == spec.family}
        else:
            selected = {}
            current = spec
            while current is not None and current.code not in selected:
                selected[current.code] = current
                current = catalog.get(current.requires) if current.requires else None
        context = engine.Context(key=key, on_date=on_date)
        family = engine.evaluate_sets(catalog, selected, context, values)
        known_codes = {ind.code for s in selected.values() for _c, ind in s.iter_indicators()}
        output = {
            "set": code,
            "family": spec.family,
            "key": key,
            "key_name": spec.key_name(key),
            "date": on_date.isoformat(),
            "illustrative": any(s.illustrative for s in selected.values()),
            "outside_validity": outside or None,
            "highest_level": family.highest_level,
            "highest_rank": family.highest_rank,
            "levels": family.levels,
            "unknown_values": sorted(c for c in values if c not in known_codes),
            "results": {},
        }
        for set_code, result in family.results.items():
            data = result.to_dict()
            s = selected[set_code]
            if s.revocation is not None:
                check = engine.revocation_check(result, s.revocation.key_criteria)
                data["revocation"] = {
                    "unmet": check.unmet,
                    "total": check.total,
                    "share": check.share,
                    "key_failing": check.key_failing,
                    "rule_met": check.rule_met,
                    "explanation": check.explanation,
                }
            output["results"][set_code] = data
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    @staticmethod
    def _outside_validity(spec, on_date: datetime.date) -> str:
        """A sentence when the date is outside the set's valid_from/valid_to, else ""."""
        if spec.valid_from and on_date < spec.valid_from:
            return (f"Ngày {on_date:%d/%m/%Y} trước ngày bộ {spec.code} có hiệu lực "
                    f"({spec.valid_from:%d/%m/%Y}).")
        if spec.valid_to and on_date > spec.valid_to:
            return (f"Ngày {on_date:%d/%m/%Y} sau ngày bộ {spec.code} hết hiệu lực "
                    f"({spec.valid_to:%d/%m/%Y}).")
        return ""

    @staticmethod
    def _date(text):
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f'Ngày "{text}" không hợp lệ: cần dạng YYYY-MM-DD') from None

    @staticmethod
    def _values(path_text):
        path = Path(path_text)
        try:
            # Infinity and NaN become Decimals too, so the engine reports them as invalid values.
            data = json.loads(
                path.read_text(encoding="utf-8"), parse_float=Decimal, parse_constant=Decimal
            )
        except FileNotFoundError:
            raise CommandError(f"Không tìm thấy tệp số liệu {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp số liệu {path}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp số liệu {path.name} không phải JSON hợp lệ (dòng {exc.lineno}): {exc.msg}"
            ) from None
        if not isinstance(data, dict):
            raise CommandError(
                f"Tệp số liệu {path.name} phải là một đối tượng JSON {{mã: giá trị}}"
            )
        for code, value in data.items():
            if value is not None and not isinstance(value, bool | int | Decimal | str):
                raise CommandError(
                    f'Giá trị của chỉ tiêu "{code}" phải là số, true/false hoặc null'
                )
        return data
