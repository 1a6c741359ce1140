"""python manage.py import_values FILE.xlsx [--user USERNAME] [--source TEXT] [--reason TEXT]"""

import gc
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation


class Command(BaseCommand):
    help = "Nhập số liệu chỉ tiêu từ tệp Excel (trọn vẹn hoặc không ghi gì)."
    # A data command: skip the system checks (URLs, templates...) to start fast.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx xuất từ hệ thống")
        parser.add_argument("--user", default="", help="tên đăng nhập của người nhập (quyền của người đó)")
        parser.add_argument("--source", default="", help="nguồn số liệu")
        parser.add_argument("--reason", default="", help="lý do (bắt buộc khi sửa giá trị đã ghi)")

    def handle(self, *args, **options):
        _load_openpyxl_without_numpy()
        # Imported here: `manage.py help` and other commands stay light.
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from assessments.excel.importer import import_workbook

        translation.activate(settings.LANGUAGE_CODE)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        try:
            handle = open(options["file"], "rb")
        except OSError as exc:
            raise CommandError(f"Không mở được tệp {options['file']}: {exc}") from exc
        with handle:
            result = import_workbook(handle, user=user, source=options["source"] or options["file"],
                                     reason=options["reason"])
        # The process ends next: spare the interpreter's final garbage collection the ~10^5
        # objects loaded for the import (Django, pydantic, openpyxl): ~70 ms of the command's time
        # (`make bench`). Nothing of them needs finalising: the file and the transaction are closed.
        gc.freeze()
        for warning in result.warnings:
            self.stderr.write(f"Cảnh báo — {warning}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Không ghi gì: {len(result.problems)} lỗi cần sửa.")
        self.stdout.write(
            f"Đã nhập kỳ {result.period_code}: {result.units} xã, {result.values} giá trị — "
            f"{result.created} mới, {result.corrected} sửa, {result.unchanged} không đổi."
        )


def _load_openpyxl_without_numpy() -> None:
    """openpyxl imports numpy when it is installed (it is, for the roadmap optimiser), ~130 ms,
    only to accept numpy numbers as cell values when writing. This process only reads: load
    openpyxl with numpy hidden, unless either is already loaded."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # makes `import numpy` raise ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]
