"""The permission matrix's province (accounts/tests/test_permission_matrix.py `world`) with
something behind every API endpoint: money (a plan, projects in A, B and C, disbursement, a
debt), the portal (a published article, a draft, a document, a published period), a roadmap item
of A, and a monthly commune report of N submitted for March 2026 (April still open). Built with
the apps' own services. Dates are meant for a clock at TODAY."""

import datetime
from zoneinfo import ZoneInfo

from finance import services as finance
from finance.models import Component, Programme, Source
from planning import services as planning
from portal import services as portal
from portal.models import PortalSettings
from reporting import services as reporting
from reporting.models import ReporterLevel, ReportingPeriod
from reporting.reporters import Reporter

TODAY = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
FAMILY = "ntm-xa-2021"
PDF = b"%PDF-1.4\n1 0 obj\n%%EOF"


def extend(world) -> dict:
    units, users = world["units"], world["users"]
    admin = users["admin"]
    province = units["A"].parent.parent
    # Money: the 2024 plan of the province, one project in A, B and C, March paid in A, a debt in A.
    finance.sync_reference()
    line = finance.set_plan_line(
        province=province, year=2024, programme=Programme.objects.get(code="ntm-2021"),
        component=Component.objects.get(programme__code="ntm-2021", code="ha-tang"),
        source=Source.objects.get(code="nstw-dtpt"), amount=9_000_000_000, decision_number="100/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 10))
    projects = finance.create_projects([
        finance.ProjectSpec(unit=units[key], code=f"DA-{key}", name=f"Đường thôn {key}", kind="road",
                            owner="UBND xã", total_investment=2_000_000_000)
        for key in "ABC"])
    allocations = [finance.set_allocation(project=p, plan_line=line, amount=1_000_000_000,
                                          decision_number="101/QĐ-UBND", decision_date=datetime.date(2024, 1, 20))
                   for p in projects]
    finance.record_disbursements([finance.DisbursementEntry(allocations[0], datetime.date(2024, 3, 1),
                                                            400_000_000)])
    debt = finance.record_debt(projects[0], amount=300_000_000, since=datetime.date(2023, 12, 31), note="Nợ cũ")
    finance.record_debt(projects[2], amount=50_000_000, since=datetime.date(2023, 12, 31))
    # The portal: one article published, one draft, one document.
    PortalSettings.objects.update_or_create(pk=1, defaults={"two_person_publish": False})
    published = portal.save_draft(admin, title="Xã A đạt chuẩn", summary="Tin vui", body="<p>Công bố</p>")
    portal.submit_for_review(admin, published)
    portal.publish(admin, published)
    draft = portal.save_draft(admin, title="Bản nháp bí mật", summary="", body="<p>Chưa công bố</p>")
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = portal.add_document(admin, title="Kế hoạch 2024", number="12/KH-UBND",
                                   issued_on=datetime.date(2024, 1, 5), kind="plan",
                                   upload=SimpleUploadedFile("kh.pdf", PDF))
    portal.publish_period(admin, world["period"])
    # A roadmap item of A.
    item = planning.create_items([planning.ItemSpec(
        unit=units["A"], family=FAMILY, indicators={"10.1": ("10", "30", "≥ 39")}, title="Đường",
        target_date=datetime.date(2026, 12, 31), estimated_cost=10)], user=admin)[0]
    # The monthly report of N: March submitted, April open.
    schedule = reporting.create_schedule(
        code="xa-thang", name="Báo cáo tháng (xã)", reporter_level=ReporterLevel.COMMUNE, frequency="monthly",
        due_day=25, lock_day=5, valid_from=datetime.date(2025, 7, 1))
    reporting.generate_periods(schedule, datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    march = ReportingPeriod.objects.get(schedule=schedule, start=datetime.date(2026, 3, 1))
    april = ReportingPeriod.objects.get(schedule=schedule, start=datetime.date(2026, 4, 1))
    sections = {key: "Nội dung báo cáo" for key in schedule.sections}
    submission = reporting.submit(user=users["commune_n"], period=march, reporter=Reporter(unit=units["N"]),
                                  sections=sections)
    return {"line": line, "projects": projects, "debt": debt, "article": published, "draft": draft,
            "document": document, "item": item, "schedule": schedule, "march": march, "april": april,
            "sections": sections, "submission": submission, "reporter_n": f"u{units['N'].pk}"}
