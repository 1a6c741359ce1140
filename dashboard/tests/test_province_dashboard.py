import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from planning.models import Phase
from planning.services import set_phase_targets

pytestmark = pytest.mark.django_db


def kpi(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">([^<]*)<', html)
    assert match, f"kpi {name} not on the page"
    return match.group(1)


def build(n: int, ref: str = "10"):
    """n communes: the first third recognised (one of them failing 6 criteria including income),
    the rest failing criteria 10 and 11, one commune meeting all without recognition."""
    province, communes = make_province(n, ref=ref)
    period = make_period(2024)
    batch = {}
    recognised = communes[: max(n // 3, 1)]
    for i, unit in enumerate(communes):
        if unit is recognised[0]:
            failing = {"10", "2", "5", "6", "12", "13"}  # 6/19 = 31.6% including income
        elif unit in recognised or i == len(communes) - 1:
            failing = set()
        else:
            failing = {"10", "11"}
        batch[unit] = values_for(period, failing=failing, seed=i)
    services.record_values_many(period, batch, source="test")
    for unit in recognised:
        services.record_recognition(unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                    decision_number="1/QĐ-UBND", decision_date=datetime.date(2020, 5, 1),
                                    issuer="UBND tỉnh")
    phase, _created = Phase.objects.get_or_create(
        code="2021-2025",
        defaults=dict(name="2021-2025", start_year=2021, end_year=2025, family="ntm-xa-2021",
                      target_min_criteria=10),
    )
    set_phase_targets(phase, {("ntm", 2024): 20, ("nang-cao", 2024): 4})
    return period, communes, recognised


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer)
    return client


def test_the_dashboard_shows_the_figures_of_the_data(logged_in, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    period, communes, recognised = build(9)
    html = logged_in.get("/").content.decode()
    assert kpi(html, "communes") == "9"
    assert kpi(html, "recognised-ntm") == "3"
    assert kpi(html, "revocable") == "1"
    # 3 recognised (13 + 19 + 19) and 6 others (17 x 5, 19 x 1): (13 + 38 + 85 + 19) / 9 = 17.22
    assert kpi(html, "avg") == "17,22"
    assert "17,00" in html  # (13 + 19 + 19) / 3 among the recognised
    # Plan row: 3 recognised of a target of 20 in 2024 = 15%.
    plan = re.search(r'<table class="data" id="plan">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"2024</td><td class=\"num\">20</td>\s*<td class=\"num\">3</td><td class=\"num\">15%", plan)
    # Pass rate of criterion 10: met by 2 recognised + the last commune = 3 of 9 = 33.3%.
    row = re.search(r'<tr data-criterion="10">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', row) == ["3", "6", "0", "33,3%"]
    # The commune meeting every criterion without recognition is flagged.
    assert communes[-1].name in re.search(r'id="meets-unrecognised">(.*?)</ul>', html, re.S).group(1)
    at_risk = re.search(r'id="at-risk">(.*?)</table>', html, re.S).group(1)
    assert recognised[0].name in at_risk


def test_the_dashboard_costs_the_same_queries_for_3_and_30_communes(client, officer, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    build(3)
    client.force_login(officer)
    client.get("/")  # warm caches (criteria specs are cached per version)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    settings.NTM_PROVINCE_REFS = "20"
    build(30, ref="20")
    client.get("/")
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    assert kpi(response.content.decode(), "communes") == "30"
    assert len(small.captured_queries) == len(large.captured_queries) <= 17  # +1: construction debt (finance)


def test_the_dashboard_says_when_there_is_nothing_yet(logged_in, criteria_sets):
    response = logged_in.get("/")
    assert response.status_code == 200
    assert response.context["period"] is None


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/tai-khoan/dang-nhap/")
