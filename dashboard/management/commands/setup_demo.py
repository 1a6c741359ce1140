"""Everything `make run` needs after migrate: real units, criteria sets, the demo data, a login.

Safe to run again: each step reuses what exists and duplicates nothing.
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_users
from assessments import demo, demo_2026, demo_national
from assessments.models import Period
from assessments.queries import province_on
from assessments.reevaluate import reevaluate_family
from criteria.services import sync_sets
from finance import demo as finance_demo
from planning.demo import ensure_demo_plan, ensure_demo_plan_2026, ensure_demo_roadmaps
from portal.demo import ensure_demo_portal
from recognition import demo as recognition_demo
from reporting.services import ensure_default_schedules
from surveys import demo as surveys_demo
from units.loaders import load_province


class Command(BaseCommand):
    help = "Load the real administrative units and criteria sets, the demo data and demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--no-demo", action="store_true", help="no demo of the province (reference data only, plus --scale national)")
        parser.add_argument("--scale", choices=["province", "national"], default="province",
                            help="national: mọi tỉnh trên hai bản đồ và số liệu minh họa 2024, 2026 cả nước")
        parser.add_argument("--provinces", nargs="*", default=None,
                            help="với --scale national: chỉ các tỉnh cũ này (mã 2 chữ số) và tỉnh mới của chúng")

    def handle(self, *args, seed, no_demo, scale="province", provinces=None, **options):
        started = time.monotonic()
        for code in settings.NTM_LOAD_PROVINCES:
            report = load_province(code)
            self.stdout.write(report.summary_vi())
        changed = set()
        for result in sync_sets(settings.NTM_CRITERIA_DIR):
            state = "mới" if result.created else "không đổi"
            self.stdout.write(f"Bộ tiêu chí {result.set.code} v{result.version.number} ({state})")
            if result.previous_number is not None:
                changed.add(result.set.family)
        # A set that changed version: the periods evaluated with the old one are evaluated again.
        for family in sorted(changed):
            for period, units in reevaluate_family(family):
                self.stdout.write(f"  tính lại {period.name}: {units} xã ({family})")
        schedules = ensure_default_schedules()
        self.stdout.write(f"Lịch báo cáo: {', '.join(s.code for s in schedules)}")
        if scale == "national":  # every other province; the deployment's own is left to the demo below
            national = demo_national.generate(old_codes=provinces, progress=self.stdout.write)
            self.stdout.write(
                f"Dữ liệu minh họa cả nước: kỳ {national['old_period']} {national['old_communes']} xã, "
                f"kỳ {national['new_period']} {national['new_communes']} xã, "
                f"{national['recognitions']} quyết định công nhận.")
        if no_demo:
            return
        if not settings.NTM_PROVINCE_REFS.strip():
            # A national deployment has no province of its own to tell the province demo's story.
            self.stdout.write("NTM_PROVINCE_REFS trống (triển khai cả nước): không tạo dữ liệu minh họa của tỉnh.")
            return
        ensure_demo_plan()

        def progress(done, total):
            if done % 20 == 0 or done == total:
                self.stdout.write(f"  dữ liệu minh họa: {done}/{total} xã", ending="\r")
                self.stdout.flush()

        outcome = demo.generate(seed=seed, progress=progress)
        self.stdout.write("")
        if outcome.get("skipped"):
            self.stdout.write("Dữ liệu minh họa đã có, giữ nguyên.")
        else:
            self.stdout.write(
                f"Dữ liệu minh họa: {outcome['communes']} xã × {outcome['periods']} kỳ "
                f"({time.monotonic() - started:.1f} giây)."
            )
        ensure_demo_plan_2026()
        present = demo_2026.generate(seed=demo_2026.SEED, progress=progress)
        self.stdout.write("")
        if not present.get("skipped"):
            self.stdout.write(
                f"Dữ liệu minh họa 2026 (bản đồ mới): {present['communes']} xã × {present['periods']} kỳ, "
                f"{present['recognised']} xã có quyết định công nhận sau sắp xếp, "
                f"{present['unconfirmed']} xã chưa xác nhận nhóm."
            )
        province = province_on(datetime.date(2025, 6, 30))
        personas = ensure_demo_users(province, province_on(demo_2026.GROUPS_FROM))
        for code in ("2025", "2026"):
            roadmaps = ensure_demo_roadmaps(period=Period.objects.filter(code=code).first())
            if roadmaps.get("items"):
                self.stdout.write(f"Lộ trình minh họa ({code}): {roadmaps['items']} mục.")
        self.stdout.write(finance_demo.summary_vi(finance_demo.ensure_demo_finance()))
        self.stdout.write("Hồ sơ xét công nhận minh họa: {dossiers} hồ sơ, {revocations} hồ sơ thu hồi.".format(
            **recognition_demo.ensure_demo_dossiers()))
        self.stdout.write(surveys_demo.summary_vi(surveys_demo.ensure_demo_surveys()))
        self.stdout.write(f"Cổng công khai (/cong-khai/): công bố các kỳ {', '.join(ensure_demo_portal())}.")
        # The login comes last, where the person starting the demo looks for it.
        self.stdout.write(self.style.SUCCESS("Đăng nhập demo (http://127.0.0.1:8000), mỗi vai trò một tài khoản:"))
        for username, password, _created, role in personas:
            self.stdout.write(self.style.SUCCESS(f"  {username:<14} mật khẩu: {password}   ({role})"))
