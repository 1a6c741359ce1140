"""A province's users stay in their province when the database holds several (accounts.bounds).

The deployment's province is old province 10 until 30/06/2025 and new province 77 from 1/7/2025
(NTM_PROVINCE_REFS "10,77-20250701"); new 77 absorbed old 10 and old 15 (lineage of their
communes), so 10 and 15 are its history. Old province 02 is another province in the same
database, with values, evaluations, a recognition and a project of its own.
"""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts import access
from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from api import tokens
from assessments import services
from assessments.excel import layout as L
from assessments.models import Evaluation, IndicatorValue
from assessments.tests.helpers import make_period, values_for
from conftest import PRE_TO, make_new_province, make_province
from units.models import AttributeName, Unit, UnitAttribute, UnitKind

pytestmark = pytest.mark.django_db
PASSWORD = "Bound-Pass-2025!"
BOUNDED = ["admin", "officer", "agency", "viewer"]
HOME_REFS = "10,77-20250701"


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = HOME_REFS
    settings.NTM_API_RATE_LIMIT = 0
    old, old_communes = make_province(4, ref="10")
    _feeder, feeder_communes = make_province(2, ref="15")
    new, new_communes = make_new_province(
        2, ref="77", predecessors={0: old_communes[:2], 1: [*old_communes[2:], *feeder_communes]})
    other, other_communes = make_province(2, ref="02")
    for i, unit in enumerate(other_communes):
        unit.name = f"Xã Khác {i}"
        unit.save(update_fields=["name"])
    period = make_period(2024)
    services.record_values_many(
        period, {u: values_for(period, seed=i)
                 for i, u in enumerate(old_communes + feeder_communes + other_communes)}, source="x")
    import datetime

    services.record_recognition(other_communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="9/QĐ", decision_date=datetime.date(2020, 1, 1), issuer="UBND")
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE, unit=new)
    agency = accounts.ensure_organisation(code="so", name="Sở", kind=OrganisationKind.AGENCY, unit=old)
    accounts.assign_criteria(organisation=agency, criteria=[("ntm-xa-2021-minh-hoa", "10")])
    national = accounts.ensure_organisation(code="tw", name="TW", kind=OrganisationKind.PROVINCE_OFFICE, unit=None)
    other_office = accounts.ensure_organisation(code="vp-02", name="VP 02", kind=OrganisationKind.PROVINCE_OFFICE,
                                                unit=other)
    spec = {
        "admin": (office, Role.PROVINCE_ADMIN, None),
        "officer": (office, Role.PROVINCE_OFFICER, None),
        "agency": (agency, Role.AGENCY_OFFICER, None),
        "viewer": (office, Role.VIEWER, old),  # scoped to the old province: reaches 77 and 15 by lineage
        "national": (national, Role.PROVINCE_OFFICER, None),
        "other_admin": (other_office, Role.PROVINCE_ADMIN, None),
    }
    users = {name: accounts.create_user(by=None, username=f"u_{name}", full_name=name, email="", organisation=org,
                                        role=role, password=PASSWORD, scope_unit=scope)
             for name, (org, role, scope) in spec.items()}
    return {"users": users, "period": period, "old": old_communes, "feeder": feeder_communes, "new": new_communes,
            "other": other_communes, "province": {"old": old, "new": new, "other": other}}


def login(client, world, who):
    client.force_login(world["users"][who])
    return client


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(user, 'test')[1]}"}


def refs(units):
    return {u.ref for u in units}


def home_refs(world):
    return refs(world["old"] + world["feeder"] + world["new"])


@pytest.mark.parametrize("who", BOUNDED)
def test_the_other_provinces_pages_are_refused_and_the_history_stays_readable(client, world, who):
    login(client, world, who)
    period = world["period"]
    for unit in world["other"]:
        assert client.get(f"/xa/{unit.ref}/").status_code == 403
        assert client.get(f"/xa/{unit.ref}/nhap/{period.code}/").status_code == 403
        assert client.get(f"/ban-in/xa/{unit.ref}/").status_code == 403
    # Today's communes, and the old communes of both provinces 77 absorbed (two lineage hops
    # away for the viewer scoped to old 10 and for the agency of old 10).
    for unit in world["new"] + world["old"] + world["feeder"]:
        assert client.get(f"/xa/{unit.ref}/").status_code == 200, unit.ref
    html = client.get(f"/xa/{world['feeder'][0].ref}/?ky={period.code}").content.decode()
    assert world["feeder"][0].name in html


@pytest.mark.parametrize("who", BOUNDED)
def test_a_forged_post_of_values_writes_nothing_in_the_other_province(client, world, who):
    period, unit = world["period"], world["other"][0]
    before = IndicatorValue.objects.current().get(unit=unit, period=period, indicator="10.1").number
    response = login(client, world, who).post(
        f"/xa/{unit.ref}/nhap/{period.code}/", {"v_10_1": "77", "source": "giả mạo", "reason": "giả mạo"})
    assert response.status_code == 403
    assert before != 77
    assert IndicatorValue.objects.current().get(unit=unit, period=period, indicator="10.1").number == before
    assert IndicatorValue.objects.filter(unit=unit, source="giả mạo").count() == 0
    # The same post in the province writes, for the roles that write (the control).
    home = world["old"][0]
    response = client.post(f"/xa/{home.ref}/nhap/{period.code}/",
                           {"v_10_1": "77", "source": "thật", "reason": "sửa"})
    written = IndicatorValue.objects.current().get(unit=home, period=period, indicator="10.1").number == 77
    assert written is (who in ("admin", "agency"))


@pytest.mark.parametrize("who", BOUNDED)
def test_the_commune_list_and_its_export_hold_only_the_province(client, world, who):
    login(client, world, who)
    period = world["period"]
    for params in (f"?ky={period.code}", f"?ky={period.code}&pham-vi=tinh-02", f"?ky={period.code}&pham-vi=ca-nuoc"):
        response = client.get("/xa/" + params)
        assert response.status_code == 200
        assert {s.unit.ref for s in response.context["statuses"]} == refs(world["old"])
        html = response.content.decode()
        assert not any(f"/xa/{u.ref}/" in html for u in world["other"])
    response = client.get(f"/xa/excel/xuat/?ky={period.code}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))[L.DATA_SHEET]
    exported = {ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)} - {None}
    assert exported == refs(world["old"])
    assert client.get(f"/xa/excel/xuat/?ky={period.code}&xa={world['other'][0].ref}").status_code == 404


def test_in_a_national_deployment_the_bound_alone_keeps_the_export_in_the_province(client, world, settings):
    settings.NTM_PROVINCE_REFS = ""  # every province is the deployment's: only the bound filters
    period = world["period"]
    login(client, world, "admin")
    ws = load_workbook(io.BytesIO(client.get(f"/xa/excel/xuat/?ky={period.code}").content))[L.DATA_SHEET]
    exported = {ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)} - {None}
    assert exported == refs(world["old"] + world["feeder"])
    login(client, world, "national")
    ws = load_workbook(io.BytesIO(client.get(f"/xa/excel/xuat/?ky={period.code}").content))[L.DATA_SHEET]
    exported = {ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)} - {None}
    assert exported == refs(world["old"] + world["feeder"] + world["other"])


@pytest.mark.parametrize("who", BOUNDED)
def test_the_api_lists_leave_the_other_province_out_and_its_details_are_refused(client, world, who):
    auth = bearer(world["users"][who])
    period, other = world["period"], world["other"]
    units = client.get("/api/units", {"page_size": 1000}, **auth).json()["results"]
    listed = {u["ref"] for u in units}
    assert home_refs(world) <= listed
    assert not listed & refs(other)
    assert {"10", "15", "77-20250701"} <= listed and "02" not in listed
    for url in ("/api/values", "/api/evaluations"):
        rows = client.get(url, {"period": period.code, "page_size": 1000}, **auth).json()["results"]
        assert {r["unit"] for r in rows} == refs(world["old"] + world["feeder"]), url
    assert client.get("/api/values/history", {"unit": other[0].ref}, **auth).json()["results"] == []
    assert client.get("/api/recognitions", **auth).json() == []
    assert client.get(f"/api/units/{other[0].ref}", **auth).status_code == 403
    assert client.get(f"/api/evaluations/{other[0].ref}/{period.code}", **auth).status_code == 403
    assert client.get(f"/api/evaluations/{world['feeder'][0].ref}/{period.code}", **auth).status_code == 200
    dhis2 = client.get("/api/dhis2/dataValueSets", {"period": period.code}, **auth).json()["dataValues"]
    assert dhis2 and not {v["orgUnit"] for v in dhis2} & refs(other)


def test_a_forged_api_write_changes_nothing(client, world):
    period, unit = world["period"], world["other"][0]
    before = IndicatorValue.objects.current().get(unit=unit, period=period, indicator="10.1").number
    response = client.post(f"/api/values/{unit.ref}/{period.code}", {"values": {"10.1": 77}, "reason": "x"},
                           content_type="application/json", **bearer(world["users"]["admin"]))
    assert response.status_code == 403
    assert IndicatorValue.objects.current().get(unit=unit, period=period, indicator="10.1").number == before


@pytest.mark.parametrize("who", ["national", "superuser"])
def test_national_users_read_both_provinces(client, world, who, officer):
    user = officer if who == "superuser" else world["users"][who]
    client.force_login(user)
    period = world["period"]
    for unit in world["other"] + world["old"] + world["new"]:
        assert client.get(f"/xa/{unit.ref}/").status_code == 200
    response = client.get(f"/xa/?ky={period.code}&pham-vi=tinh-02")
    assert {s.unit.ref for s in response.context["statuses"]} == refs(world["other"])
    listed = {u["ref"] for u in client.get("/api/units", {"page_size": 1000}, **bearer(user)).json()["results"]}
    assert home_refs(world) | refs(world["other"]) <= listed
    rows = client.get("/api/evaluations", {"period": period.code, "page_size": 1000}, **bearer(user)).json()
    assert {r["unit"] for r in rows["results"]} == refs(world["old"] + world["feeder"] + world["other"])


def test_money_and_recognitions_of_the_other_province_stay_out_of_reach(client, world):
    from finance import services as finance

    finance.sync_reference()
    project = finance.create_projects([finance.ProjectSpec(unit=world["other"][0], code="KHAC-0001", name="Đường xã")])[0]
    ours = finance.create_projects([finance.ProjectSpec(unit=world["old"][0], code="NHA-0001", name="Nhà văn hóa")])[0]
    login(client, world, "admin")
    assert client.get(f"/tai-chinh/cong-trinh/{project.pk}/").status_code == 403
    assert client.get(f"/tai-chinh/cong-trinh/{ours.pk}/").status_code == 200
    html = client.get("/tai-chinh/cong-trinh/").content.decode()
    assert f"/tai-chinh/cong-trinh/{ours.pk}/" in html and "NHA-0001" in html
    assert f"/tai-chinh/cong-trinh/{project.pk}/" not in html and "KHAC-0001" not in html
    codes = {p["code"] for p in client.get("/api/finance/projects", **bearer(world["users"]["admin"])).json()["results"]}
    assert codes == {"NHA-0001"}


def test_dossiers_roadmaps_and_notifications_of_the_other_province_stay_out(client, world):
    import datetime

    from notifications.queries import notices_for
    from planning.tests.helpers import make_item
    from recognition import services as recognition

    period = world["period"]
    other, home = world["other"][1], world["old"][3]
    services.record_values_many(period, {u: values_for(period, failing={"3"}, seed=5) for u in (other, home)},
                                source="x", reason="criterion 3 fails")
    items = {u.pk: make_item(u, ["3.1"], target_date=datetime.date(2024, 10, 1)) for u in (other, home)}
    dossier = recognition.register_dossier(world["other"][0], period, "ntm", registered_on=datetime.date(2025, 1, 6))
    login(client, world, "admin")
    assert client.get(f"/cong-nhan/{dossier.pk}/").status_code == 403
    assert f"/cong-nhan/{dossier.pk}/" not in client.get("/cong-nhan/").content.decode()
    assert client.get(f"/ke-hoach/muc/{items[other.pk].pk}/").status_code == 403
    assert client.get(f"/ke-hoach/muc/{items[home.pk].pk}/").status_code == 200
    rows = client.get("/api/roadmap-items", **bearer(world["users"]["admin"])).json()["results"]
    assert [r["unit"] for r in rows] == [home.ref]
    today = datetime.date(2024, 11, 1)
    (notice,) = [n for n in notices_for(world["users"]["admin"], today) if n.kind == "items_overdue"]
    assert notice.text.startswith("1 ")
    (notice,) = [n for n in notices_for(world["users"]["national"], today) if n.kind == "items_overdue"]
    assert notice.text.startswith("2 ")


def test_users_of_another_province_are_not_managed_and_no_national_account_is_made(client, world):
    login(client, world, "admin")
    html = client.get("/nguoi-dung/").content.decode()
    assert "u_officer" in html and "u_other_admin" not in html and "u_national" not in html
    for who in ("other_admin", "national"):
        pk = world["users"][who].pk
        assert client.get(f"/nguoi-dung/{pk}/").status_code == 403
        assert client.post(f"/nguoi-dung/{pk}/mat-khau/", {"password1": "Taken-Over-2025!",
                                                            "password2": "Taken-Over-2025!"}).status_code == 403
    # An account in a national organisation would read every province: not offered, not made.
    response = client.post("/nguoi-dung/them/", {
        "username": "leo.thang", "full_name": "Leo Thang", "email": "", "organisation": "tw",
        "role": Role.PROVINCE_ADMIN, "scope_unit": "", "password1": "Strong-Pass-2026!x",
        "password2": "Strong-Pass-2026!x"})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not type(world["users"]["admin"]).objects.filter(username="leo.thang").exists()


def test_the_audit_trail_of_the_other_province_is_not_shown(client, world):
    from audit.models import AuditRecord

    other = world["other"][0]
    assert AuditRecord.objects.filter(unit=other).exists()
    login(client, world, "admin")
    html = client.get("/nhat-ky/").content.decode()
    assert other.name not in html and world["old"][0].name in html


def test_a_hosted_neighbour_works_in_its_own_communes_and_not_on_the_hosts_pages(client, world):
    login(client, world, "other_admin")
    other, period = world["other"][0], world["period"]
    assert client.get(f"/xa/{other.ref}/").status_code == 200
    assert client.get(f"/xa/{world['old'][0].ref}/").status_code == 403
    # The province pages show the host's province: not theirs.
    assert client.get("/tinh/").status_code == 302
    assert client.get("/ke-hoach/muc-tieu/").status_code == 403
    assert client.get("/bao-cao/").status_code == 403
    response = client.post(f"/xa/{other.ref}/nhap/{period.code}/", {"v_10_1": "55", "source": "s", "reason": "r"})
    assert response.status_code == 302
    assert IndicatorValue.objects.current().get(unit=other, period=period, indicator="10.1").number == 55


def _scope_queries(user) -> int:
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        access.scope_for(fresh)
    return len(ctx.captured_queries)


def _add_communes(province_district, n):
    attrs = []
    for i in range(n):
        unit = Unit.objects.create(ref=f"95{i:04d}", code=f"95{i:04d}", kind=UnitKind.COMMUNE, name=f"Xã Thêm {i}",
                                   parent=province_district, valid_to=PRE_TO)
        attrs.append(UnitAttribute(unit=unit, name=AttributeName.IN_PROGRAMME, value="1"))
    UnitAttribute.objects.bulk_create(attrs)


def test_the_bound_costs_a_few_queries_once_and_none_while_cached(world):
    admin, viewer = world["users"]["admin"], world["users"]["viewer"]
    cache.clear()
    cold = _scope_queries(admin)
    # The profile (with the unit and lineage versions), two lineage hops (77 -> 10 and 15, then
    # back to 77: nothing new), the unit ids and the deployment's provinces.
    assert cold == 5
    # The viewer scoped to old 10 needs a third hop (10 -> 77 -> 15 -> nothing new).
    assert _scope_queries(viewer) == 6
    assert _scope_queries(admin) == _scope_queries(viewer) == 1  # the profile query only
    # Many more communes: the same number of queries to compute, and none once cached.
    _add_communes(world["old"][0].parent, 40)
    assert _scope_queries(admin) == cold
    assert _scope_queries(admin) == 1
    assert len(access.scope_for(type(admin).objects.get(pk=admin.pk)).readable) == len(
        home_refs(world)) + 40 + 3 + 2 * 2 + 2  # communes, provinces, districts, wards


def test_loading_units_renews_the_cached_bound(client, world):
    login(client, world, "admin")
    assert client.get(f"/xa/{world['new'][0].ref}/").status_code == 200  # the bound is cached
    unit = Unit.objects.create(ref="779999-20250701", code="779999", kind=UnitKind.COMMUNE, name="Xã Mới Nạp",
                               parent=world["province"]["new"], valid_from=world["province"]["new"].valid_from)
    assert client.get(f"/xa/{unit.ref}/").status_code == 200
    assert Evaluation.objects.filter(unit__in=world["other"]).exists()
