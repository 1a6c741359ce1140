"""The watch page flags the QĐ 18/2022 revocation rule. The set has 19 criteria, so the
boundaries are bracketed: 5/19 (26%) and 6/19 (32%) around 30%, 9/19 (47%) and 10/19 (53%)
around 50%, with and without a key criterion (10, 17, 19)."""

import datetime
import re

import pytest

from assessments import services as assessments
from assessments.tests.helpers import make_period, values_for
from planning.tests.helpers import make_world

pytestmark = pytest.mark.django_db

PLAIN = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "11"]
CASES = {
    # commune index: (failing criteria, revocable)
    0: (set(PLAIN[:4]) | {"10"}, False),   # 5/19 with income: under 30%
    1: (set(PLAIN[:5]) | {"10"}, True),    # 6/19 with income: 30% to 50% with a key criterion
    2: (set(PLAIN[:6]), False),            # 6/19 without a key criterion
    3: (set(PLAIN[:9]), False),            # 9/19 without a key criterion: under 50%
    4: (set(PLAIN[:10]), True),            # 10/19: 50% or more
    5: (set(PLAIN[:8]) | {"17"}, True),    # 9/19 with environment
}


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(7, failing={i: f for i, (f, _r) in CASES.items()})
    for unit in w["communes"][:6]:
        assessments.record_recognition(unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                       decision_number=f"{unit.ref}/QĐ", decision_date=datetime.date(2020, 5, 1),
                                       issuer="UBND tỉnh")
    return w


def rows(html):
    return dict(re.findall(r'data-unit="(\w+)" data-revocable="(\d)"', html))


def test_the_watch_page_flags_the_revocation_rule_on_its_boundaries(world, client):
    client.force_login(world["officer"])
    html = client.get("/ke-hoach/theo-doi/").content.decode()
    flags = rows(html)
    communes = world["communes"]
    for i, (_failing, revocable) in CASES.items():
        assert flags[communes[i].ref] == ("1" if revocable else "0"), i
    # A commune meeting every criterion, or failing but not recognised, is not listed.
    assert communes[6].ref not in flags
    assert "6/19 tiêu chí chưa đạt" in html


def test_it_says_since_when_each_criterion_fails(criteria_sets, settings, client):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(2, failing={0: {"10"}})
    unit = w["communes"][0]
    assessments.record_recognition(unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                   decision_number="1/QĐ", decision_date=datetime.date(2020, 5, 1), issuer="UBND")
    p2022, p2023, p2025 = make_period(2022), make_period(2023), make_period(2025)
    assessments.record_values_many(p2022, {unit: values_for(p2022, failing={"10"})}, source="x")
    assessments.record_values_many(p2023, {unit: values_for(p2023)}, source="x")
    assessments.record_values_many(p2025, {unit: values_for(p2025, failing={"10", "3"})}, source="x")
    client.force_login(w["officer"])
    html = client.get("/ke-hoach/theo-doi/").content.decode()
    row = html[html.index(f'data-unit="{unit.ref}"'):]
    row = row[:row.index("</tr>")]
    # 10 fails since 2024 (2022's failure was interrupted by 2023), 3 since 2025.
    assert re.search(r"10\. [^<]*— .*?2024", row)
    assert re.search(r"3\. [^<]*— .*?2025", row)
