"""Issue 10, item 11: "Export to Excel" on the commune list exports exactly the communes the list
shows with the same filters (search without diacritics, district, level, criteria range, at
risk) and in the same order, all pages together."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.excel import layout as L
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from units.models import Unit

pytestmark = pytest.mark.django_db

NAMES = ["Xã Vĩnh Yên", "Xã Vạn Hoà", "Xã Chiềng Ken", "Xã Cán Cấu", "Xã A Mú Sung", "Xã Đồng Tâm",
         "Xã Dền Sáng", "Xã Bản Xèo", "Xã Mường Hum", "Xã Sín Chéng"]


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(len(NAMES), districts=2)
    for unit, name in zip(communes, NAMES, strict=True):
        unit.name = name
        unit.save(update_fields=["name"])
    period = make_period(2024)
    failing = {0: {"10"}, 1: {"10", "11"}, 2: {"10", "11", "17"}, 4: {"2"}, 6: {"5", "6"}}
    services.record_values_many(
        period, {u: values_for(period, failing=failing.get(i, set()), seed=i) for i, u in enumerate(communes)},
        source="x")
    import datetime
    services.record_recognition(communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="1/QĐ", decision_date=datetime.date(2020, 1, 1), issuer="UBND")
    return period, communes


def listed(client, params):
    """Communes on every page of the list, in order."""
    names, page = [], 1
    while True:
        html = client.get(reverse("assessments:list"), {**params, "trang": page}).content.decode()
        names += re.findall(r'<td><a href="/xa/[^"]+/\?ky=[^"]+">([^<]+)</a></td>', html)
        if f"trang={page + 1}" not in html:
            return names, html
        page += 1


def exported(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    ws = load_workbook(io.BytesIO(response.content))[L.DATA_SHEET]
    refs = [ws.cell(row=r, column=1).value for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)]
    names = dict(Unit.objects.filter(ref__in=refs).values_list("ref", "name"))
    return [names[r] for r in refs if r], response


@pytest.mark.parametrize("params", [
    {"q": "mu sung"},
    {"tc_max": "18", "sap_xep": "tc"},
    {"tc_min": "17", "tc_max": "18"},
    {"muc": "dat-ntm"},
    {"muc": "chua-cn", "sap_xep": "-tc"},
    {"rui_ro": "1"},
    {"q": "xa", "sap_xep": "ten"},
])
def test_the_export_link_exports_what_the_list_shows(client, officer, world, params):
    period, _ = world
    client.force_login(officer)
    names, html = listed(client, {"ky": period.code, **params})
    assert names, params
    link = re.search(r'id="export-filtered" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    for key, value in params.items():
        assert f"{key}={value.replace(' ', '+')}" in link
    rows, response = exported(client, link)
    assert rows == names
    assert response["Content-Disposition"].endswith('-loc.xlsx"')


def test_a_district_filter_and_the_scope_of_the_user(client, world):
    from accounts import services as accounts
    from accounts.models import OrganisationKind, Role

    period, communes = world
    district = communes[0].parent
    org = accounts.ensure_organisation(code="h0", name="UBND huyện", kind=OrganisationKind.DISTRICT, unit=district)
    accounts.create_user(by=None, username="h0", full_name="Huyện", email="", organisation=org,
                         role=Role.DISTRICT_OFFICER, password="Huyen-Pass-2025!")
    client.login(username="h0", password="Huyen-Pass-2025!")
    names, _html = listed(client, {"ky": period.code, "tc_max": "19"})
    rows, _response = exported(client, reverse("assessments:excel_export") + f"?ky={period.code}&tc_max=19")
    assert rows == names
    assert set(rows) == {u.name for u in communes if u.parent_id == district.pk}


def test_without_filters_the_whole_province_as_before(client, officer, world):
    period, communes = world
    client.force_login(officer)
    rows, response = exported(client, reverse("assessments:excel_export") + f"?ky={period.code}")
    assert sorted(rows) == sorted(u.name for u in communes)
    assert response["Content-Disposition"].endswith('-tinh.xlsx"')


def test_a_search_without_diacritics_exports_one_commune(client, officer, world):
    period, _ = world
    client.force_login(officer)
    rows, _response = exported(client, reverse("assessments:excel_export") + f"?ky={period.code}&q=mu+sung")
    assert rows == ["Xã A Mú Sung"]
