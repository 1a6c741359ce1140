"""python manage.py export_values --period 2024 [--unit REF | --district REF | --province] --out FILE"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Xuất số liệu chỉ tiêu của một kỳ ra tệp Excel (mỗi xã một dòng)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="mã kỳ, ví dụ 2024")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--unit", default="", help="mã một xã")
        scope.add_argument("--district", default="", help="mã huyện: mọi xã của huyện")
        scope.add_argument("--province", action="store_true", help="mọi xã của tỉnh (mặc định)")
        parser.add_argument("--user", default="", help="chỉ xuất các xã người dùng này được xem")
        parser.add_argument("--out", required=True, help="tệp .xlsx sẽ ghi")

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        from assessments.excel.exporter import NothingToExport, export_workbook, units_for_export
        from assessments.models import Period

        period = Period.objects.filter(code=options["period"]).first()
        if period is None:
            raise CommandError(f"Không có kỳ “{options['period']}”.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        units = units_for_export(user, period, unit=options["unit"], district=options["district"])
        if not units:
            raise CommandError("Không có xã nào để xuất.")
        try:
            workbook = export_workbook(period, units, user=user)
        except NothingToExport as exc:
            raise CommandError(str(exc)) from exc
        workbook.save(options["out"])
        self.stdout.write(f"Đã xuất {len(units)} xã, kỳ {period.code}, vào {options['out']}.")
