"""A small province for the reporting tests, built with the services the app uses.

Three districts exist all along October 2024; a fourth closed on 10/10/2024 (before the due date:
not expected) and a fifth was created on 12/10/2024 (before the due date: expected). Monthly
district schedule due on the 25th, locking on the 5th of the next month.
"""

import datetime
from zoneinfo import ZoneInfo

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services as assessments
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from reporting import services
from reporting.models import ReporterLevel, ReportingPeriod
from reporting.reporters import Reporter
from units.models import Unit, UnitKind

# Every section of the default form filled in: a report is submitted only complete.
FULL = {"ket_qua": "Hoàn thành", "kho_khan": "Thiếu vốn", "de_xuat": "Bổ sung vốn"}

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "Report-Pass-2025!"
OCTOBER = datetime.date(2024, 10, 1)


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def build_world():
    province, communes = make_province(6, districts=3)
    Unit.objects.filter(pk=province.pk).update(name="Tỉnh Lào Cai")
    province.refresh_from_db()
    d0, d1, d2 = Unit.objects.filter(parent=province, kind=UnitKind.DISTRICT).order_by("code")
    closed = Unit.objects.create(ref="10XD", code="10X", kind=UnitKind.DISTRICT, name="Huyện Đã Nhập",
                                 parent=province, valid_to=datetime.date(2024, 10, 10))
    new = Unit.objects.create(ref="10ND-20241012", code="10N", kind=UnitKind.DISTRICT, name="Huyện Mới Lập",
                              parent=province, valid_from=datetime.date(2024, 10, 12),
                              valid_to=datetime.date(2025, 6, 30))
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE, unit=province)
    agency = accounts.ensure_organisation(code="so-nn", name="Sở Nông nghiệp", kind=OrganisationKind.AGENCY,
                                          unit=province)
    accounts.assign_criteria(organisation=agency, criteria=[("ntm-xa-2021-minh-hoa", "3"),
                                                            ("ntm-xa-2021-minh-hoa", "13")])
    users = {
        "admin": _user("admin", office, Role.PROVINCE_ADMIN),
        "officer": _user("officer", office, Role.PROVINCE_OFFICER),
        "agency": _user("agency", agency, Role.AGENCY_OFFICER),
    }
    for key, unit in (("d0", d0), ("d1", d1), ("d2", d2), ("closed", closed), ("new", new)):
        org = accounts.ensure_organisation(code=f"h-{key}", name=f"UBND {unit.name}",
                                           kind=OrganisationKind.DISTRICT, unit=unit)
        users[key] = _user(key, org, Role.DISTRICT_OFFICER)
    a, b = communes[0], communes[1]
    for key, unit in (("xa_a", a), ("xa_b", b)):
        org = accounts.ensure_organisation(code=key, name=f"UBND {unit.name}", kind=OrganisationKind.COMMUNE,
                                           unit=unit)
        users[key] = _user(key, org, Role.COMMUNE_OFFICER)
    monthly = services.create_schedule(
        code="ntm-thang-huyen", name="Báo cáo tháng NTM (huyện)", reporter_level=ReporterLevel.DISTRICT,
        frequency="monthly", due_day=25, lock_day=5, valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2025, 6, 30))
    communal = services.create_schedule(
        code="ntm-thang-xa", name="Báo cáo tháng NTM (xã)", reporter_level=ReporterLevel.COMMUNE,
        frequency="monthly", due_day=25, lock_day=5, valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2025, 6, 30))
    quarterly = services.create_schedule(
        code="quy-so", name="Báo cáo quý sở ngành", reporter_level=ReporterLevel.AGENCY, frequency="quarterly",
        due_day=15, lock_day=5, valid_from=datetime.date(2024, 1, 1))
    for schedule in (monthly, communal, quarterly):
        services.generate_periods(schedule, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    return {
        "province": province, "communes": communes, "units": {"d0": d0, "d1": d1, "d2": d2, "closed": closed,
                                                              "new": new, "xa_a": a, "xa_b": b},
        "users": users, "agency": agency, "monthly": monthly, "communal": communal, "quarterly": quarterly,
        "october": ReportingPeriod.objects.get(schedule=monthly, start=OCTOBER),
        "october_xa": ReportingPeriod.objects.get(schedule=communal, start=OCTOBER),
        "q4": ReportingPeriod.objects.get(schedule=quarterly, start=datetime.date(2024, 10, 1)),
    }


def _user(username, organisation, role):
    return accounts.create_user(by=None, username=username, full_name=f"Cán bộ {username}",
                                email=f"{username}@example.vn", organisation=organisation, role=role,
                                password=PASSWORD)


def reporter(world, key) -> Reporter:
    return Reporter(unit=world["units"][key])


def with_values(world):
    """Evaluations for 2024 (one commune recognised and failing criterion 3) and a phase plan."""
    from planning import services as planning
    from planning.models import Phase

    period = make_period(2024)
    communes = world["communes"]
    values = {u: values_for(period, seed=i, failing={"3"} if i in (0, 3) else set()) for i, u in enumerate(communes)}
    assessments.record_values_many(period, values, source="test")
    for unit in communes[:2]:
        assessments.record_recognition(unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                       decision_number=f"{unit.code}/QĐ", decision_date=datetime.date(2023, 5, 1),
                                       issuer="UBND tỉnh")
    phase = Phase.objects.create(code="gd", name="2021-2025", start_year=2021, end_year=2025, family="ntm-xa-2021")
    planning.set_phase_targets(phase, {("ntm", 2024): 4, ("ntm", 2025): 5})
    return period
