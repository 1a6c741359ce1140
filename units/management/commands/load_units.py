from django.core.management.base import BaseCommand, CommandError

from units.data_files import old_provinces
from units.loaders import UnknownProvince, load_province, normalise_code


class Command(BaseCommand):
    help = (
        "Nạp bản đồ hành chính trước 01/07/2025 của các tỉnh (mã cũ, vd. 10 = Lào Cai), tỉnh mới "
        "đã sáp nhập chúng và liên kết kế thừa giữa đơn vị cũ và mới."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="mã tỉnh cũ (2 chữ số), vd. 10 15")
        parser.add_argument(
            "--all", action="store_true",
            help="cả nước: 63 tỉnh cũ (trước 01/07/2025) và 34 tỉnh mới, với liên kết kế thừa",
        )
        parser.add_argument(
            "--show-unmatched", action="store_true", help="liệt kê các tên trong ghi chú chưa khớp"
        )

    def handle(self, *args, codes, show_unmatched=False, **options):
        if options.get("all"):
            codes = sorted(old_provinces())
        if not codes:
            raise CommandError("Cần ít nhất một mã tỉnh cũ, hoặc --all cho cả nước.")
        # A new province fed by several old ones is matched once per feeder: count names once.
        unmatched: set[tuple[str, str]] = set()
        try:
            codes = [normalise_code(c) for c in codes]
        except UnknownProvince as exc:
            raise CommandError(str(exc)) from exc
        for code in codes:
            report = load_province(code)
            self.stdout.write(report.summary_vi())
            self.stdout.write(
                f"  cập nhật {report.updated_total} đơn vị, {report.lineage_updated} liên kết; "
                f"thuộc tính: {report.attributes_created} mới, {report.attributes_updated} cập nhật"
            )
            if report.lineage_waiting:
                waiting = ", ".join(
                    f"{old_provinces()[c]['name']} (mã {c})"
                    for c in sorted(report.waiting_provinces)
                )
                self.stdout.write(
                    f"  {report.lineage_waiting} liên kết kế thừa chờ nạp tỉnh cũ: {waiting}"
                )
            unmatched.update((u.new_code, u.text) for u in report.unmatched)
            if report.unmatched:
                self.stdout.write(
                    f"  {len(report.unmatched)} tên đơn vị cũ trong ghi chú chưa khớp (không tự đoán)"
                )
                if show_unmatched:
                    for u in report.unmatched:
                        self.stdout.write(f"    {u.new_code} {u.new_name}: “{u.text}” — {u.reason}")
            if report.orphan_notes:
                self.stdout.write(
                    f"  {len(report.orphan_notes)} ghi chú có mã không có trên bản đồ mới: "
                    + ", ".join(report.orphan_notes)
                )
        if len(codes) > 1:
            self.stdout.write(
                f"Tổng: {len(codes)} tỉnh cũ; {len(unmatched)} tên đơn vị cũ trong ghi chú chưa khớp."
            )
