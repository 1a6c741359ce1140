from django.core.management.base import BaseCommand, CommandError

from assessments.reevaluate import reevaluate_family
from criteria.models import CriteriaSet


class Command(BaseCommand):
    help = ("Tính lại kết quả đánh giá các kỳ đã có số liệu theo phiên bản hiện hành của bộ tiêu chí "
            "(sau khi load_criteria tạo phiên bản mới).")

    def add_arguments(self, parser):
        parser.add_argument("--family", help="họ bộ tiêu chí (mặc định: mọi họ)")

    def handle(self, *args, family=None, **options):
        families = sorted(set(CriteriaSet.objects.values_list("family", flat=True)))
        if family:
            if family not in families:
                raise CommandError(f"Không có họ bộ tiêu chí “{family}”. Các họ hiện có: {', '.join(families)}")
            families = [family]
        for name in families:
            for period, units in reevaluate_family(name):
                self.stdout.write(f"{name}: {period.name}: đã tính lại {units} đơn vị")
