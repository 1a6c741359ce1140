"""Delete uploaded workbooks kept longer than the retention period (NTM_IMPORT_RETENTION_DAYS)."""

from django.core.management.base import BaseCommand

from assessments.excel.jobs import purge_files


class Command(BaseCommand):
    help = "Xoá các tệp Excel đã tải lên quá thời hạn lưu (mặc định 30 ngày sau khi nhập xong)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Số ngày lưu tệp sau khi lần nhập kết thúc (mặc định NTM_IMPORT_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        purged = purge_files(days)
        self.stdout.write(f"Đã xoá {purged} tệp đã tải lên.")
