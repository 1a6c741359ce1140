"""portal/cache.py: public pages served from the cache without a query, the same bytes and headers,
refreshed when the portal publishes; searches, office pages and forms never cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import services
from portal.models import PortalSettings
from portal.tests.helpers import build

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/129 Mobile Safari/537.36"


@pytest.fixture
def province(criteria_sets, settings, officer, tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    return build(officer)


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    return response, len(ctx.captured_queries)


def test_a_public_page_is_served_from_the_cache_with_its_headers(province, client):
    first, n_first = get(client, "/cong-khai/")
    second, n_second = get(client, "/cong-khai/")
    assert n_first > 5 and n_second == 0
    assert second.content == first.content and 'id="kpi-communes">3<' in second.content.decode()
    for header in ("Cache-Control", "Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Vary"):
        assert second[header] == first[header], header
    assert "public" in second["Cache-Control"] and not second.cookies
    # The period picker is cached per period; any other parameter goes to the view.
    assert get(client, "/cong-khai/?ky=2026")[1] > 0 and get(client, "/cong-khai/?ky=2026")[1] == 0
    assert get(client, "/cong-khai/?x=1")[1] > 0 and get(client, "/cong-khai/?x=1")[1] > 0
    assert get(client, "/cong-khai/van-ban/?q=abc")[1] > 0 and get(client, "/cong-khai/van-ban/?q=abc")[1] > 0


def test_the_cache_keeps_languages_apart(province, client):
    vi = client.get("/cong-khai/xa/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    en = client.get("/cong-khai/xa/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Xã" in vi and vi != en


def test_publishing_refreshes_the_cached_pages(province, client, officer):
    assert "Tin nóng" not in client.get("/cong-khai/tin-tuc/").content.decode()
    PortalSettings.objects.update_or_create(pk=1, defaults={"two_person_publish": False})
    article = services.save_draft(officer, title="Tin nóng", summary="", body="<p>x</p>")
    services.submit_for_review(officer, article)
    services.publish(officer, article)
    assert "Tin nóng" in client.get("/cong-khai/tin-tuc/").content.decode()


def test_forms_office_pages_and_beacons_are_never_cached(province, client, officer):
    commune = province[3][0]
    for url in (f"/cong-khai/xa/{commune.ref}/phan-anh/", "/cong-khai/v.gif"):
        get(client, url, HTTP_USER_AGENT=BROWSER)
        assert get(client, url, HTTP_USER_AGENT=BROWSER)[1] > 0, url
    client.force_login(officer)
    get(client, "/cong-khai/quan-ly/")
    response, n = get(client, "/cong-khai/quan-ly/")
    assert n > 0 and "no-store" in response["Cache-Control"]


def test_the_cache_can_be_turned_off(province, client, settings):
    settings.NTM_PORTAL_CACHE_SECONDS = 0
    get(client, "/cong-khai/xa/")
    assert get(client, "/cong-khai/xa/")[1] > 0
