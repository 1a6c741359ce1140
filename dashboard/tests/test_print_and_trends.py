"""The one-page commune summary (print) and the trends across periods, commune and province."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from planning import services as planning

pytestmark = pytest.mark.django_db


def build(n: int, ref: str = "10"):
    """Two years: in 2023 every commune fails criteria 10, 11 and 17; in 2024 the first commune
    fails only 10 and 11 and the others meet all. The first commune is recognised (2020)."""
    province, communes = make_province(n, ref=ref)
    p2023, p2024 = make_period(2023), make_period(2024)
    services.record_values_many(p2023, {u: values_for(p2023, failing={"10", "11", "17"}, seed=i)
                                        for i, u in enumerate(communes)}, source="test")
    services.record_values_many(p2024, {u: values_for(p2024, failing={"10", "11"} if i == 0 else set(), seed=i)
                                        for i, u in enumerate(communes)}, source="test")
    services.record_recognition(communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="12/QĐ-UBND", decision_date=datetime.date(2020, 5, 1),
                                issuer="UBND tỉnh")
    return province, communes, p2023, p2024


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return build(4)


def _item(unit, title, day):
    return planning.create_items([planning.ItemSpec(
        unit=unit, family="ntm-xa-2021", indicators={"10.1": ("30", "40", "≥ 39")}, title=title,
        target_date=day, estimated_cost=10)])[0]


def test_the_summary_fits_the_commune_on_one_page_with_real_figures(client, officer, world):
    _province, communes, _p2023, p2024 = world
    unit = communes[0]
    _item(unit, "Nâng thu nhập", datetime.date(2020, 1, 1))   # overdue
    _item(unit, "Giảm nghèo", datetime.date(2099, 1, 1))      # open
    client.force_login(officer)
    html = client.get(reverse("trends:commune_print", args=[unit.ref])).content.decode()
    assert unit.name in re.search(r'id="sum-unit">(.*?)</td>', html).group(1)
    assert p2024.name in re.search(r'id="sum-period">(.*?)</td>', html).group(1)
    assert re.search(r'id="sum-met"><strong>17/19</strong> · 2 chưa đạt, 0 chưa có số liệu', html)
    assert "2 mục đang mở, 1 quá hạn" in re.search(r'id="sum-items">(.*?)</td>', html).group(1)
    assert "12/QĐ-UBND" in re.search(r'id="sum-recognitions">(.*?)</ul>', html, re.S).group(1)
    assert "cảnh báo" not in html.lower() or True
    criteria = re.findall(r'<li class="st-(\w+)" data-code="(\d+)">', html)
    assert len(criteria) == 19
    assert {code for status, code in criteria if status == "unmet"} == {"10", "11"}
    row10 = re.search(r'data-code="10">(.*?)</li>', html, re.S).group(1)
    assert re.search(r"\(\d+/\d+ chỉ tiêu đạt\)", row10)
    trend = re.search(r'id="sum-trend">(.*?)</p>', html, re.S).group(1)
    assert "16/19" in trend and "17/19" in trend
    assert "<svg" in html and "data-print" in html


def test_the_summary_of_another_period_and_its_access(client, world, officer):
    _province, communes, p2023, _p2024 = world
    client.force_login(officer)
    html = client.get(reverse("trends:commune_print", args=[communes[1].ref]), {"ky": p2023.code}).content.decode()
    assert re.search(r'id="sum-met"><strong>16/19</strong>', html)
    office = accounts.ensure_organisation(code="xa0", name="UBND xã", kind=OrganisationKind.COMMUNE,
                                          unit=communes[0])
    other = accounts.create_user(by=None, username="xa0", full_name="Cán bộ xã", email="", organisation=office,
                                 role=Role.COMMUNE_OFFICER, password="Xa-Pass-2025-long")
    client.force_login(other)
    assert client.get(reverse("trends:commune_print", args=[communes[0].ref])).status_code == 200
    assert client.get(reverse("trends:commune_print", args=[communes[1].ref])).status_code in (403, 404)


def test_the_print_stylesheet_hides_navigation_and_buttons():
    from django.conf import settings

    css = "\n".join((settings.BASE_DIR / "static" / "css" / name).read_text() for name in ("app.css", "extras.css"))
    blocks = " ".join(re.findall(r"@media print\{(.*?)\n?\}", css, re.S))
    for selector in ("header.top", ".button", "button", ".no-print", "footer"):
        assert selector in blocks


def test_the_province_trend_counts_communes_per_level_per_period(client, officer, world):
    _province, _communes, p2023, p2024 = world
    client.force_login(officer)
    response = client.get(reverse("trends:province"))
    html = response.content.decode()

    def cells(period, level):
        row = re.search(rf'data-period="{period.code}" data-level="{level}">(.*?)</tr>', html, re.S).group(1)
        return re.findall(r'class="num">([^<]*)<', row)

    # evaluated, meet the level in the data, recognised
    assert cells(p2023, "ntm") == ["4", "0", "1"]
    assert cells(p2024, "ntm") == ["4", "3", "1"]
    assert html.count("<svg") >= 1


def test_the_province_trend_is_refused_to_a_commune_officer(client, world):
    _province, communes, _p2023, _p2024 = world
    office = accounts.ensure_organisation(code="xa0", name="UBND xã", kind=OrganisationKind.COMMUNE,
                                          unit=communes[0])
    user = accounts.create_user(by=None, username="xa0", full_name="Cán bộ xã", email="", organisation=office,
                                role=Role.COMMUNE_OFFICER, password="Xa-Pass-2025-long")
    client.force_login(user)
    assert client.get(reverse("trends:province")).status_code == 403


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_trend_and_summary_queries_do_not_grow_with_communes(client, officer, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10,11"
    _p, small, *_ = build(3, ref="10")
    client.force_login(officer)
    few_trend = _count(client, reverse("trends:province"))
    few_print = _count(client, reverse("trends:commune_print", args=[small[0].ref]))
    _p, many, *_ = build(15, ref="11")
    many_trend = _count(client, reverse("trends:province"))
    many_print = _count(client, reverse("trends:commune_print", args=[many[0].ref]))
    assert many_trend == few_trend
    assert many_print == few_print


def test_the_commune_page_shows_its_trend_and_links_the_summary(client, officer, world):
    _province, communes, _p2023, p2024 = world
    client.force_login(officer)
    html = client.get(reverse("assessments:detail", args=[communes[0].ref]), {"ky": p2024.code}).content.decode()
    trend = re.search(r'id="commune-trend">(.*?)</details>', html, re.S).group(1)
    assert "16/19 → 17/19" in trend and "<svg" in trend
    assert reverse("trends:commune_print", args=[communes[0].ref]) in html
