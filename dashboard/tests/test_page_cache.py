"""The rendered parts of the dashboard, the commune list and the commune page kept under the data
version (dashboard.fragments): a value saved shows on the next request, each user keeps their own
rights, menu and CSRF token, and a page from the cache costs the same few queries anywhere."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts
from accounts.models import OrganisationKind, Profile, Role
from assessments import services
from assessments.tests.helpers import values_for
from dashboard.tests.test_national import build_country, kpi, result_count
from units.models import Unit

pytestmark = pytest.mark.django_db

COUNTRY = "/?ky=2024&pham-vi=ca-nuoc"
LIST = "/xa/?ky=2024&pham-vi=ca-nuoc"


@pytest.fixture
def country(settings, criteria_sets):
    period = build_country(settings)
    settings.NTM_DASHBOARD_CACHE = True
    cache.clear()
    yield period
    cache.clear()


def met_in_the_data(html: str, criterion: str) -> str:
    """The "met" cell of a criterion in the dashboard's pass-rate table."""
    row = re.search(rf'<tr data-criterion="{criterion}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'class="num">([^<]*)<', row)[0]


def list_rows(html: str) -> dict[str, str]:
    """Commune ref -> its "criteria met" cell on a commune list page."""
    return dict(re.findall(r'<tr>\s*<td><a href="/xa/([^/]+)/\?ky=2024">.*?<td class="num">([^<]*)</td>', html, re.S))


def commune_met(html: str) -> str:
    return re.search(r'id="criteria-met">([^<]*)<', html).group(1)


def make_it_pass(ref: str, period) -> None:
    unit = Unit.objects.get(ref=ref)
    services.record_values(unit, period, values_for(period, failing=set(), seed=7), reason="sửa", source="test")


def cached_get(client, url):
    """The page twice: the second answer comes from the cache (its query count is returned)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_the_dashboard_shows_a_saved_value_at_once(client, officer, country):
    client.force_login(officer)
    html, _queries = cached_get(client, COUNTRY)
    assert met_in_the_data(html, "10") == "3"  # the first commune of each province
    make_it_pass("902001", country)
    assert met_in_the_data(client.get(COUNTRY).content.decode(), "10") == "4"


def test_the_commune_list_shows_a_saved_value_at_once(client, officer, country):
    client.force_login(officer)
    html, _queries = cached_get(client, LIST)
    before = list_rows(html)["902001"]
    met, total = before.split("/")
    assert int(met) == int(total) - 2  # fails criteria 10 and 11
    make_it_pass("902001", country)
    assert list_rows(client.get(LIST).content.decode())["902001"] == f"{total}/{total}"


def test_a_middle_page_of_the_list_shows_a_saved_value_at_once(client, officer, country, monkeypatch):
    monkeypatch.setattr("assessments.views.PAGE_SIZE", 5)  # 12 communes: three pages
    client.force_login(officer)
    url = LIST + "&trang=2"
    html, _queries = cached_get(client, url)
    assert "Trang 2/3" in html
    rows = list_rows(html)
    assert len(rows) == 5
    ref, cell = next((r, c) for r, c in rows.items() if c.split("/")[0] != c.split("/")[1])
    total = cell.split("/")[1]
    make_it_pass(ref, country)
    assert list_rows(client.get(url).content.decode())[ref] == f"{total}/{total}"


def test_the_commune_page_shows_a_saved_value_at_once(client, officer, country):
    client.force_login(officer)
    url = "/xa/902001/?ky=2024"
    html, _queries = cached_get(client, url)
    met, total = commune_met(html).split("/")
    assert int(met) == int(total) - 2
    make_it_pass("902001", country)
    assert commune_met(client.get(url).content.decode()) == f"{total}/{total}"


def test_a_page_from_the_cache_costs_the_same_queries_anywhere(client, officer, country):
    client.force_login(officer)
    counts = {url: cached_get(client, url)[1] for url in (
        COUNTRY, "/?ky=2024&pham-vi=tinh-01", LIST, "/xa/?ky=2024&pham-vi=tinh-01", "/xa/?ky=2024&pham-vi=tinh-01&trang=2",
        "/xa/902001/?ky=2024", "/xa/910003/?ky=2024")}
    # The session, the user, their second-factor devices, the data version; the commune page
    # also reads the commune (the access check).
    assert list(counts.values()) == [4, 4, 4, 4, 4, 5, 5]


def province_officer(django_user_model, username="tinh"):
    office = accounts.ensure_organisation(code="vp", name="Văn phòng điều phối",
                                          kind=OrganisationKind.PROVINCE_OFFICE, unit=Unit.objects.get(ref="10"))
    user = django_user_model.objects.create_user(username, password="x-Strong-Pass-2025")
    Profile.objects.create(user=user, organisation=office, role=Role.PROVINCE_OFFICER)
    return user


def test_each_user_keeps_their_rights_menu_and_token(client, officer, country, django_user_model):
    reader = province_officer(django_user_model)
    client.force_login(officer)
    mine = client.get("/xa/910001/?ky=2024").content.decode()
    assert 'href="/xa/910001/nhap/2024/"' in mine  # a superuser may enter values
    users = f'href="{reverse("users:list")}"'
    assert users in mine  # the menu for their rights
    other = Client()
    other.force_login(reader)
    theirs = other.get("/xa/910001/?ky=2024").content.decode()
    # The same figures, without the entry link a province officer may not follow.
    assert commune_met(theirs) == commune_met(mine)
    assert "/xa/910001/nhap/2024/" not in theirs and users not in theirs
    assert ">tinh</a>" in theirs and ">officer</a>" in mine  # each one's own name in the header
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1) for html in (mine, theirs)]
    assert tokens[0] != tokens[1]
    # The area picker and the whole country stay the superuser's: the officer sees the province.
    assert kpi(client.get(COUNTRY).content.decode(), "communes") == "12"
    html = other.get(COUNTRY).content.decode()
    assert kpi(html, "communes") == "4" and 'id="area-picker"' not in html
    assert result_count(client.get(LIST).content.decode()) == "12 xã"
    assert result_count(other.get(LIST).content.decode()) == "4 xã"


def test_a_district_officer_sees_only_their_communes_from_the_cache(client, officer, country, django_user_model):
    client.force_login(officer)
    assert result_count(client.get("/xa/?ky=2024").content.decode()) == "4 xã"
    district = Unit.objects.get(ref="100D")
    office = accounts.ensure_organisation(code="h0", name="Phòng huyện", kind=OrganisationKind.DISTRICT,
                                          unit=district)
    user = django_user_model.objects.create_user("huyen", password="x-Strong-Pass-2025")
    Profile.objects.create(user=user, organisation=office, role=Role.DISTRICT_OFFICER, scope_unit=district)
    other = Client()
    other.force_login(user)
    html = other.get("/xa/?ky=2024").content.decode()
    assert result_count(html) == "2 xã"
    assert set(list_rows(html)) == {"910000", "910002"}


def test_every_user_gets_from_the_cache_the_page_rendered_for_them(client, officer, country, settings,
                                                                      django_user_model):
    """Whoever filled the cache, each user gets what the page renders for them without it."""
    personas = [officer, province_officer(django_user_model)]
    hosted = accounts.ensure_organisation(code="vp01", name="Văn phòng tỉnh khác",
                                          kind=OrganisationKind.PROVINCE_OFFICE, unit=Unit.objects.get(ref="01"))
    for username, organisation, role, unit in (
            ("tinh01", hosted, Role.PROVINCE_OFFICER, None),
            ("huyen", accounts.ensure_organisation(code="h1", name="Phòng huyện", kind=OrganisationKind.DISTRICT,
                                                    unit=Unit.objects.get(ref="101D")), Role.DISTRICT_OFFICER, "101D"),
            ("xa", accounts.ensure_organisation(code="x1", name="UBND xã", kind=OrganisationKind.COMMUNE,
                                                 unit=Unit.objects.get(ref="910001")), Role.COMMUNE_OFFICER, "910001")):
        user = django_user_model.objects.create_user(username, password="x-Strong-Pass-2025")
        Profile.objects.create(user=user, organisation=organisation, role=role,
                               scope_unit=Unit.objects.get(ref=unit) if unit else None)
        personas.append(user)
    urls = ["/", COUNTRY, "/xa/?ky=2024", LIST, LIST + "&trang=1&sap_xep=-tc", "/xa/910001/?ky=2024",
            "/xa/910001/", "/xa/901002/?ky=2024"]

    def pages():
        out = {}
        for user in personas:
            browser = Client()
            browser.force_login(user)
            for url in urls:
                response = browser.get(url)
                html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
                out[(user.username, url)] = (response.status_code, html)
        return out

    cached = pages()  # each persona after the others: the cache holds what they rendered
    settings.NTM_DASHBOARD_CACHE = False
    fresh = pages()
    assert cached.keys() == fresh.keys()
    for key in fresh:
        assert cached[key] == fresh[key], key
    # The personas see different things, so the comparison means something.
    assert len({cached[(u.username, "/xa/?ky=2024")][1] for u in personas}) >= 4
