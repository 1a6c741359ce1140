"""Issue 10, item 8: the commune list searches without diacritics and sorts in Vietnamese order,
in the database (so pages are right), on SQLite and PostgreSQL alike."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.listing import CommuneFilters, filtered_communes
from assessments.queries import period_context, province_on
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from units.models import AttributeName, Unit, UnitAttribute

pytestmark = pytest.mark.django_db

NAMES = ["Xã Vĩnh Yên", "Xã Vạn Hoà", "Xã Chiềng Ken", "Xã Cán Cấu", "Xã A Mú Sung", "Xã Đồng Tâm",
         "Xã Dền Sáng", "Xã Bản Xèo"]
ORDER = ["Xã A Mú Sung", "Xã Bản Xèo", "Xã Cán Cấu", "Xã Chiềng Ken", "Xã Dền Sáng", "Xã Đồng Tâm",
         "Xã Vạn Hoà", "Xã Vĩnh Yên"]


def rename(units, names):
    for unit, name in zip(units, names, strict=False):
        unit.name = name
        unit.save(update_fields=["name"])


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(len(NAMES), districts=2)
    rename(communes, NAMES)
    districts = list(Unit.objects.filter(kind="district").order_by("code"))
    rename(districts, ["Huyện Bát Xát", "Huyện Sa Pa"])
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="x")
    return period, communes


def names_on(html):
    return re.findall(r'<td><a href="/xa/[^"]+/\?ky=[^"]+">([^<]+)</a></td>', html)


def test_the_list_sorts_names_in_vietnamese_order(client, officer, world):
    period, _ = world
    client.force_login(officer)
    html = client.get(f"/xa/?ky={period.code}").content.decode()
    assert names_on(html) == ORDER


def test_mu_sung_finds_mu_sung_without_diacritics_or_case(client, officer, world):
    period, _ = world
    client.force_login(officer)
    for query in ("mu sung", "MÚ SUNG", "Mú Sung", "a mu"):
        html = client.get(f"/xa/?ky={period.code}&q={query}").content.decode()
        assert names_on(html) == ["Xã A Mú Sung"], query
    assert names_on(client.get(f"/xa/?ky={period.code}&q=dong").content.decode()) == ["Xã Đồng Tâm"]
    assert names_on(client.get(f"/xa/?ky={period.code}&q=đồng").content.decode()) == ["Xã Đồng Tâm"]


def test_the_district_name_is_searched_too(client, officer, world):
    period, communes = world
    client.force_login(officer)
    html = client.get(f"/xa/?ky={period.code}&q=bat xat").content.decode()
    # make_province alternates districts: communes 0, 2, 4, 6 are in Bát Xát.
    expected = [u.name for u in communes[0::2]]
    assert sorted(names_on(html)) == sorted(expected) and len(expected) == 4
    assert names_on(html) == [n for n in ORDER if n in expected]


def test_sorting_by_district_then_name_follows_vietnamese_order(client, officer, world):
    period, communes = world
    client.force_login(officer)
    html = client.get(f"/xa/?ky={period.code}&sap_xep=huyen").content.decode()
    first, second = [u.name for u in communes[0::2]], [u.name for u in communes[1::2]]
    assert names_on(html) == [n for n in ORDER if n in first] + [n for n in ORDER if n in second]


def test_pages_follow_the_vietnamese_order(client, officer, criteria_sets, settings):
    """30 communes over two pages: the database sorts, so page 2 continues page 1."""
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(30)
    names = [f"Xã {first} {i:02d}" for i, first in
             enumerate(["Ân", "An", "Ăn", "Ba", "Bà", "Đa", "Da"] * 5)][:30]
    rename(communes, names)
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="x")
    client.force_login(officer)
    page1 = names_on(client.get(f"/xa/?ky={period.code}").content.decode())
    page2 = names_on(client.get(f"/xa/?ky={period.code}&trang=2").content.decode())
    assert len(page1) == 25 and len(page2) == 5
    from units.collation import sort_key

    assert page1 + page2 == sorted(names, key=lambda n: (sort_key(n), n))
    assert page1[0].startswith("Xã An ") and page2[-1].startswith("Xã Đa ")


def test_the_filter_function_is_the_lists_and_costs_the_same_for_few_and_many(officer, world):
    period, _ = world
    ctx = period_context(period)
    filters = CommuneFilters.from_params({"q": "mu sung", "sap_xep": "nonsense"})
    assert filters.sort == "ten"
    rows = list(filtered_communes(officer, ctx, province_on(period.as_of), filters))
    assert [u.name for u in rows] == ["Xã A Mú Sung"]


def test_the_list_costs_the_same_queries_for_few_and_many_communes(client, officer, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(3)
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="x")
    client.force_login(officer)
    url = f"/xa/?ky={period.code}&q=xa&sap_xep=huyen"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = []
    for i in range(22):
        unit = Unit.objects.create(ref=f"95{i:03d}", code=f"95{i:03d}", kind="commune", name=f"Xã Thêm {i:02d}",
                                   parent=communes[0].parent, valid_to=communes[0].valid_to)
        UnitAttribute.objects.create(unit=unit, name=AttributeName.IN_PROGRAMME, value="1")
        UnitAttribute.objects.create(unit=unit, name=AttributeName.REGION, value="tdmnpb")
        more.append(unit)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(more)}, source="x")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(names_on(html)) == 25
    assert len(few.captured_queries) == len(many.captured_queries)


def test_keys_follow_every_save_of_a_name(db):
    unit = Unit.objects.create(ref="X1", code="X1", kind="commune", name="Xã Nậm Chạc")
    assert unit.search_name == "xa nam chac"
    unit.name = "Xã Cốc Mỳ"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert unit.search_name == "xa coc my" and unit.sort_name.startswith("163116")
