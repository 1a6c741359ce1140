"""The public commune page shows the commune's capital and disbursement, read from the finance
app's own query (finance.queries.commune_finance), formatted 1.234.567 đ."""

import datetime
import re

import pytest

from finance import services as finance
from finance.tests.helpers import reference
from portal.tests.helpers import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(criteria_sets, settings, officer, tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    return build(officer)


def fund(communes):
    """Two projects in the first commune (1.250.000.000 đ and 734.567.890 đ allocated, 987.654.321 đ
    and 100.000.000 đ disbursed), one in the second."""
    ref = reference()
    line = finance.set_plan_line(
        province=communes[0].parent, year=2026, programme=ref["programme"], component=ref["component"],
        source=ref["central"], amount=5_000_000_000, decision_number="100/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 10))
    projects = finance.create_projects([
        finance.ProjectSpec(unit=unit, code=f"DA{i}", name=f"Đường thôn {i}", kind="road", owner="UBND xã",
                            total_investment=2_000_000_000)
        for i, unit in enumerate([communes[0], communes[0], communes[1]])
    ])
    amounts = [1_250_000_000, 734_567_890, 400_000_000]
    allocations = [finance.set_allocation(project=p, plan_line=line, amount=a, decision_number="101/QĐ-UBND",
                                          decision_date=datetime.date(2026, 1, 20))
                   for p, a in zip(projects, amounts, strict=True)]
    finance.record_disbursements([
        finance.DisbursementEntry(allocations[0], datetime.date(2026, 3, 1), 987_654_321),
        finance.DisbursementEntry(allocations[1], datetime.date(2026, 3, 1), 100_000_000),
        finance.DisbursementEntry(allocations[2], datetime.date(2026, 3, 1), 400_000_000),
    ])


def cell(html, name):
    return re.search(rf'id="money-{name}">([^<]*)<', html).group(1)


def test_the_commune_page_shows_capital_and_disbursement_totals(province, client):
    from portal.tests.test_public_pages import public_get

    _p2025, _p2026, _old, new = province
    html = public_get(client, f"/cong-khai/xa/{new[0].ref}/")
    assert 'id="money"' not in html  # no money yet: no section
    fund(new)
    # (Another URL: the page above stays in the page cache for its max-age, as in a proxy; finance
    # writes do not invalidate the portal's cache, see portal/cache.py.)
    html = public_get(client, f"/cong-khai/xa/{new[0].ref}/?ky=2026")
    assert "Vốn và giải ngân" in html
    assert cell(html, "projects") == "2"
    assert cell(html, "allocated") == "1.984.567.890 đ"
    assert cell(html, "disbursed") == "1.087.654.321 đ"
    assert cell(html, "rate") == "54,8%"
    other = public_get(client, f"/cong-khai/xa/{new[1].ref}/?ky=2026")
    assert (cell(other, "allocated"), cell(other, "disbursed"), cell(other, "rate")) == (
        "400.000.000 đ", "400.000.000 đ", "100,0%")
