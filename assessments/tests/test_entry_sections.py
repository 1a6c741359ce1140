"""Issue 10: the data-entry form is split by criterion (folds), says what is left, gives numbers a
decimal keypad, and after a refused save says so at the top and opens the criterion in error."""

import re

import pytest

from assessments.tests.test_commune_pages import setup  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_form_has_one_fold_per_criterion_and_a_summary(client, officer, setup):  # noqa: F811
    period, communes = setup
    client.force_login(officer)
    page = client.get(f"/xa/{communes[2].ref}/nhap/{period.code}/").content.decode()
    folds = re.findall(r'<details class="fold criterion" id="(tc-[\w-]+)"( open)?>', page)
    assert len(folds) >= 19 and len({f[0] for f in folds}) == len(folds)
    summary = page[page.index('id="entry-summary"'):page.index("</nav>", page.index('id="entry-summary"'))]
    assert all(f'href="#{anchor}"' in summary for anchor, _ in folds)
    assert 'inputmode="decimal"' in page and 'type="number"' not in page
    assert sum(1 for _, opened in folds if opened) <= 1


def test_a_refused_save_opens_the_criterion_in_error_and_says_so_on_top(client, officer, setup):  # noqa: F811
    period, communes = setup
    client.force_login(officer)
    page = client.post(f"/xa/{communes[0].ref}/nhap/{period.code}/",
                       {"v_10_1": "50", "v_2_1": "150", "source": "x", "reason": "sửa"}).content.decode()
    assert page.index('id="error-summary"') < page.index('id="entry-summary"')
    opened = re.findall(r'<details class="fold criterion" id="(tc-[\w-]+)" open>', page)
    assert opened == ["tc-ntm-2"]
