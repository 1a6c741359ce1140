"""Every role against every page that reads or writes scoped data: an allowed and a refused case.

The province: two districts, four communes (A and B in district 0, C and D in district 1), and a
new commune N formed on 1/7/2025 from C and D. Roles: province administrator, province officer,
agency officer (answers for criterion 3), district officer (district 0), commune officers of A,
of B and of N, a viewer of the province.
"""

import datetime

import pytest

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services
from assessments.models import IndicatorValue
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from units.models import Unit, UnitKind, UnitLineage

pytestmark = pytest.mark.django_db
PASSWORD = "Matrix-Pass-2025!"

ROLES = ["admin", "officer", "agency", "district", "commune_a", "commune_b", "commune_n", "viewer"]


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    province, communes = make_province(4, districts=2)
    a, c, b, d = communes  # make_province alternates districts: 0, 1, 0, 1
    new = Unit.objects.create(ref="N-20250701", code="N", kind=UnitKind.COMMUNE, name="Xã Mới",
                              parent=None, valid_from=datetime.date(2025, 7, 1))
    for old in (c, d):
        UnitLineage.objects.create(predecessor=old, successor=new, date=datetime.date(2025, 7, 1))
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="x")
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE, unit=province)
    agency = accounts.ensure_organisation(code="so", name="Sở", kind=OrganisationKind.AGENCY, unit=province)
    accounts.assign_criteria(organisation=agency, criteria=[("ntm-xa-2021-minh-hoa", "3")])
    district = accounts.ensure_organisation(code="h0", name="H0", kind=OrganisationKind.DISTRICT, unit=a.parent)
    org_a = accounts.ensure_organisation(code="xa-a", name="A", kind=OrganisationKind.COMMUNE, unit=a)
    org_b = accounts.ensure_organisation(code="xa-b", name="B", kind=OrganisationKind.COMMUNE, unit=b)
    org_n = accounts.ensure_organisation(code="xa-n", name="N", kind=OrganisationKind.COMMUNE, unit=new)
    spec = {
        "admin": (office, Role.PROVINCE_ADMIN, None),
        "officer": (office, Role.PROVINCE_OFFICER, None),
        "agency": (agency, Role.AGENCY_OFFICER, None),
        "district": (district, Role.DISTRICT_OFFICER, None),
        "commune_a": (org_a, Role.COMMUNE_OFFICER, None),
        "commune_b": (org_b, Role.COMMUNE_OFFICER, None),
        "commune_n": (org_n, Role.COMMUNE_OFFICER, None),
        "viewer": (office, Role.VIEWER, province),
    }
    users = {
        name: accounts.create_user(by=None, username=name, full_name=name, email="", organisation=org,
                                   role=role, password=PASSWORD, scope_unit=scope)
        for name, (org, role, scope) in spec.items()
    }
    return {"users": users, "units": {"A": a, "B": b, "C": c, "D": d, "N": new}, "period": period}


def as_user(client, world, role):
    client.force_login(world["users"][role])
    return client


DASHBOARD = {"admin": 200, "officer": 200, "agency": 200, "viewer": 200,
             "district": 302, "commune_a": 302, "commune_b": 302, "commune_n": 302}


@pytest.mark.parametrize("role", ROLES)
def test_the_province_dashboard_is_for_province_wide_roles(client, world, role):
    response = as_user(client, world, role).get("/tinh/")
    assert response.status_code == DASHBOARD[role]
    if DASHBOARD[role] == 302:
        assert response.url == "/"  # their own home


HOME = {"admin": "province", "officer": "province", "viewer": "province", "agency": "work",
        "district": "work", "commune_a": "work", "commune_b": "work", "commune_n": "work"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_own_home(client, world, role):
    response = as_user(client, world, role).get("/")
    assert response.status_code == 200
    template = "dashboard/province.html" if HOME[role] == "province" else "dashboard/work.html"
    assert template in [t.name for t in response.templates]
    assert as_user(client, world, role).get("/tai-khoan/").url == "/"


LIST = {
    "admin": "ABCD", "officer": "ABCD", "agency": "ABCD", "viewer": "ABCD",
    "district": "AB", "commune_a": "A", "commune_b": "B", "commune_n": "CD",
}


@pytest.mark.parametrize("role", ROLES)
def test_the_commune_list_shows_only_the_communes_in_scope(client, world, role):
    response = as_user(client, world, role).get("/xa/")
    assert response.status_code == 200
    shown = {s.unit.pk for s in response.context["statuses"]}
    expected = {world["units"][key].pk for key in LIST[role]}
    assert shown == expected


# (role, commune) -> status of the commune page
READ = {
    ("admin", "C"): 200, ("officer", "C"): 200, ("agency", "C"): 200, ("viewer", "C"): 200,
    ("district", "A"): 200, ("district", "C"): 403,
    ("commune_a", "A"): 200, ("commune_a", "B"): 403,
    ("commune_b", "B"): 200, ("commune_b", "A"): 403,
    ("commune_n", "C"): 200, ("commune_n", "A"): 403,
}


@pytest.mark.parametrize("role, commune", sorted(READ))
def test_a_commune_page_is_readable_only_in_scope(client, world, role, commune):
    response = as_user(client, world, role).get(f"/xa/{world['units'][commune].ref}/")
    assert response.status_code == READ[(role, commune)]


# (role, commune, indicator) -> (status, written)
WRITE = {
    ("admin", "C", "10.1"): (302, True),
    ("officer", "A", "10.1"): (403, False),
    ("agency", "A", "3.1"): (302, True),
    ("agency", "A", "10.1"): (302, False),  # not the agency's criterion: the field is ignored
    # The district was abolished on 1/7/2025: today its officer reads, and writes nothing
    # (test_a_district_officer_wrote_while_the_district_existed covers the time before).
    ("district", "A", "10.1"): (403, False),
    ("district", "C", "10.1"): (403, False),
    ("commune_a", "A", "10.1"): (302, True),
    ("commune_a", "B", "10.1"): (403, False),
    ("commune_b", "B", "10.1"): (302, True),
    ("commune_b", "A", "10.1"): (403, False),
    ("commune_n", "C", "10.1"): (403, False),  # predecessors are read-only history
    ("viewer", "A", "10.1"): (403, False),
}


@pytest.mark.parametrize("role, commune, indicator", sorted(WRITE))
def test_values_are_written_only_by_roles_allowed_to(client, world, role, commune, indicator):
    unit = world["units"][commune]
    period = world["period"]
    field = "v_" + indicator.replace(".", "_")
    response = as_user(client, world, role).post(
        f"/xa/{unit.ref}/nhap/{period.code}/",
        {field: "77", "source": "kiểm tra quyền", "reason": "kiểm tra quyền"},
    )
    status, written = WRITE[(role, commune, indicator)]
    assert response.status_code == status
    stored = IndicatorValue.objects.current().get(unit=unit, period=period, indicator=indicator)
    assert (stored.number == 77) is written


@pytest.mark.parametrize("role", ["officer", "viewer", "commune_n"])
def test_read_only_roles_get_no_entry_form(client, world, role):
    unit = world["units"]["C"]
    response = as_user(client, world, role).get(f"/xa/{unit.ref}/nhap/{world['period'].code}/")
    assert response.status_code == 403


def test_an_agency_officer_sees_only_its_criteria_enabled(client, world):
    unit = world["units"]["A"]
    response = as_user(client, world, "agency").get(f"/xa/{unit.ref}/nhap/{world['period'].code}/")
    form = response.context["form"]
    enabled = {name for name, field in form.fields.items() if name.startswith("v_") and not field.disabled}
    assert enabled == {"v_3_1", "v_3_2"}


def test_a_deactivated_user_loses_every_right(client, world):
    user = world["users"]["admin"]
    user.is_active = False
    user.save()
    response = client.get("/")
    assert response.status_code == 302
    assert not client.login(username="admin", password=PASSWORD)


RECOGNISE = {"admin": 302, "officer": 403, "agency": 403, "district": 403, "commune_a": 403,
             "commune_b": 403, "commune_n": 403, "viewer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_record_recognition_decisions(client, world, role):
    from assessments.models import Recognition

    unit = world["units"]["A"] if role != "commune_b" else world["units"]["B"]
    response = as_user(client, world, role).post(f"/xa/{unit.ref}/cong-nhan/", {
        "level_code": "ntm", "decision_number": "1/QĐ-UBND", "decision_date": "01/02/2024", "issuer": "UBND"})
    assert response.status_code == RECOGNISE[role]
    assert Recognition.objects.filter(unit=unit).exists() is (RECOGNISE[role] == 302)


def test_a_district_officer_wrote_while_the_district_existed(client, world):
    import time_machine

    unit, period = world["units"]["A"], world["period"]
    with time_machine.travel(datetime.datetime(2025, 5, 2, 9, tzinfo=datetime.UTC), tick=False):
        response = as_user(client, world, "district").post(
            f"/xa/{unit.ref}/nhap/{period.code}/", {"v_10_1": "77", "source": "s", "reason": "r"})
    assert response.status_code == 302
    assert IndicatorValue.objects.current().get(unit=unit, period=period, indicator="10.1").number == 77
    # Reading the history stays open today.
    assert as_user(client, world, "district").get(f"/xa/{unit.ref}/").status_code == 200
