"""Personas and audit records for the audit and user-management tests, built with the
services the application uses."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts import services
from accounts.models import OrganisationKind, Role
from audit import services as audit
from conftest import make_province

PASSWORD = "x-Strong-Pass-2025"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class World:
    province: object
    districts: list
    communes: list
    admin: object
    officer: object
    agency: object
    district: object
    commune: object
    viewer: object
    nobody: object


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3, year: int = 2025):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HCM)


def make_world(django_user_model) -> World:
    province, communes = make_province(4)
    districts = list(province.children.filter(kind="district").order_by("code"))
    office = services.ensure_organisation(code="vp", name="Văn phòng Điều phối",
                                          kind=OrganisationKind.PROVINCE_OFFICE, unit=province)
    agency = services.ensure_organisation(code="so-nn", name="Sở Nông nghiệp",
                                          kind=OrganisationKind.AGENCY, unit=province)
    district_org = services.ensure_organisation(code="huyen-0", name="Huyện Số 0",
                                                kind=OrganisationKind.DISTRICT, unit=districts[0])
    commune_org = services.ensure_organisation(code="xa-0", name="Xã Thử 000",
                                               kind=OrganisationKind.COMMUNE, unit=communes[0])

    def user(username, organisation, role, full_name="Người Dùng Thử"):
        return services.create_user(by=None, username=username, full_name=full_name, email="",
                                    organisation=organisation, role=role, password=PASSWORD)

    return World(
        province=province, districts=districts, communes=communes,
        admin=user("quan.tri", office, Role.PROVINCE_ADMIN, "Nguyễn Văn Quản"),
        officer=user("can.bo", office, Role.PROVINCE_OFFICER),
        agency=user("so.nn", agency, Role.AGENCY_OFFICER),
        district=user("huyen.0", district_org, Role.DISTRICT_OFFICER),
        commune=user("xa.0", commune_org, Role.COMMUNE_OFFICER, "Lê Thị Xã"),
        viewer=user("xem", office, Role.VIEWER),
        nobody=django_user_model.objects.create_user("khong.vai.tro", password=PASSWORD),
    )


def value_records(world: World, n: int, *, unit=None, day: int = 10, user=None):
    """n values.record audit rows, one minute apart, on a unit (the first commune by default)."""
    unit = unit or world.communes[0]
    user = user or world.commune
    rows = []
    for i in range(n):
        rows += audit.record_many(
            [dict(action="values.record", object_type="unit_period_values",
                  object_id=f"{unit.ref}/2024", user=user, unit=unit, ip_address="10.0.0.7",
                  before={"10.1": 30 + i}, after={"10.1": 41.5 + i}, reason="Điều tra lại")],
            at=at(day, 9, i % 60),
        )
    return rows


def shown_ids(response) -> list[int]:
    """The audit record ids of the table rows, in page order."""
    html = response.content.decode()
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)">', html)]
