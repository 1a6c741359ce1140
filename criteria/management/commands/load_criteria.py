from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from criteria.loader import CriteriaFileError
from criteria.services import sync_sets


class Command(BaseCommand):
    help = "Nạp các tệp bộ tiêu chí (YAML) vào cơ sở dữ liệu; tạo phiên bản mới khi nội dung đổi."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(settings.NTM_CRITERIA_DIR),
            help="thư mục chứa tệp bộ tiêu chí (mặc định NTM_CRITERIA_DIR)",
        )

    def handle(self, *args, **options):
        directory = Path(options["dir"])
        try:
            results = sync_sets(directory)
        except CriteriaFileError as exc:
            raise CommandError(f"Tệp bộ tiêu chí không hợp lệ, chưa nạp gì:\n{exc}") from None
        if not results:
            self.stdout.write(f"Không có tệp bộ tiêu chí nào trong {directory}.")
        for result in results:
            code = result.set.code
            number = result.version.number
            if result.created:
                self.stdout.write(self.style.SUCCESS(f"{code}: tạo phiên bản {number}"))
                if result.previous_number is not None:
                    self.stdout.write(f"  các kỳ đã đánh giá theo phiên bản {result.previous_number}: chạy "
                                      f"`manage.py reevaluate --family {result.set.family}` để tính lại")
            elif result.restored:
                self.stdout.write(
                    self.style.WARNING(
                        f"{code}: quay lại phiên bản {number} (nội dung tệp giống phiên bản "
                        f"{number}; trước đó dùng phiên bản {result.previous_number})"
                    )
                )
            else:
                self.stdout.write(f"{code}: không đổi (phiên bản {number})")
