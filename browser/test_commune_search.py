"""Issue 10, item 8 in a real browser: the commune list is filtered and sorted in Vietnamese
order, "mu sung" finds "Mú Sung", at desktop and phone sizes, without horizontal overflow or
console errors."""

import pytest

from assessments import services
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Xã Vĩnh Yên", "Xã Vạn Hoà", "Xã Chiềng Ken", "Xã Cán Cấu", "Xã A Mú Sung", "Xã Đồng Tâm",
         "Xã Dền Sáng", "Xã Bản Xèo"]
ORDER = ["Xã A Mú Sung", "Xã Bản Xèo", "Xã Cán Cấu", "Xã Chiềng Ken", "Xã Dền Sáng", "Xã Đồng Tâm",
         "Xã Vạn Hoà", "Xã Vĩnh Yên"]


@pytest.fixture
def world(criteria_sets, settings, officer):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(len(NAMES), districts=2)
    for unit, name in zip(communes, NAMES, strict=True):
        unit.name = name
        unit.save()
    for unit, name in zip(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code"),
                          ["Huyện Bát Xát", "Huyện Sa Pa"], strict=True):
        unit.name = name
        unit.save()
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="x")
    return {"period": period, "communes": communes, "user": officer}


def names(page):
    return page.locator("#communes tbody tr td:first-child a").all_inner_texts()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_commune_list_searches_and_sorts_in_vietnamese(world, size, request):
    browser_page = request.getfixturevalue(size)
    browser_page.login(world["user"])
    browser_page.goto(f"/xa/?ky={world['period'].code}")
    page = browser_page.page
    assert [n.strip() for n in names(page)] == ORDER
    assert browser_page.scroll_width() <= page.viewport_size["width"]
    # Typing the name without its marks, then filtering.
    page.fill("form.filters input[name=q]", "mu sung")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert [n.strip() for n in names(page)] == ["Xã A Mú Sung"]
    assert page.locator("form.filters input[name=q]").input_value() == "mu sung"
    # A district's name, without marks: its communes, still in Vietnamese order.
    page.fill("form.filters input[name=q]", "bat xat")
    page.select_option("form.filters select[name=sap_xep]", "ten")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    in_bat_xat = {u.name for u in world["communes"][0::2]}
    assert [n.strip() for n in names(page)] == [n for n in ORDER if n in in_bat_xat]
    # Sorting by district: Bát Xát's communes, then Sa Pa's, each in Vietnamese order.
    page.fill("form.filters input[name=q]", "")
    page.select_option("form.filters select[name=sap_xep]", "huyen")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert [n.strip() for n in names(page)] == (
        [n for n in ORDER if n in in_bat_xat] + [n for n in ORDER if n not in in_bat_xat])
    assert browser_page.scroll_width() <= page.viewport_size["width"]
    assert not browser_page.errors, browser_page.errors
