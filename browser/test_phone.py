"""Issue 10, items 3 and 4 in a real browser: no main page is wider than a 390 px phone, the menu
folds, the entry form is split by criterion with what is left, numbers get a decimal keypad, and
a report is submitted (confirmed, complete) and withdrawn."""

import pytest
import time_machine

from planning.tests.helpers import make_item
from reporting.models import State, Submission
from reporting.tests.helpers import FULL, build_world, local, with_values

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=True):
        w = build_world()
        w["period"] = with_values(w)
        w["item"] = make_item(w["communes"][0], ["3.1"])
        yield w


def _pages(world):
    ref, code = world["communes"][0].ref, world["period"].code
    return {
        "dashboard": "/",
        "commune list": "/xa/",
        "commune page": f"/xa/{ref}/?ky={code}",
        "entry form": f"/xa/{ref}/nhap/{code}/",
        "roadmaps": "/ke-hoach/",
        "roadmap item": f"/ke-hoach/muc/{world['item'].pk}/",
        "reports": "/bao-cao/",
    }


def test_no_main_page_is_wider_than_a_phone(world, phone):
    phone.login(world["users"]["admin"])
    widths = {}
    for name, url in _pages(world).items():
        response = phone.goto(url)
        assert response.status == 200, (name, url)
        widths[name] = phone.scroll_width()
    phone.login(world["users"]["d0"])
    phone.goto(f"/bao-cao/nop/{world['october'].pk}/u{world['units']['d0'].pk}/")
    widths["report form"] = phone.scroll_width()
    assert all(w <= 390 for w in widths.values()), widths
    assert not phone.errors, phone.errors


def test_the_menu_folds_behind_a_button_on_a_phone(world, phone, desktop):
    phone.login(world["users"]["admin"])
    phone.goto("/")
    page = phone.page
    logout = page.locator("header.top .logout button")
    assert not page.locator("#main-nav").is_visible() and not logout.is_visible()
    page.click("header.top .menu-toggle")
    assert page.locator("#main-nav").is_visible() and logout.is_visible()
    assert page.get_attribute("header.top .menu-toggle", "aria-expanded") == "true"
    assert phone.scroll_width() <= 390
    desktop.login(world["users"]["admin"])
    desktop.goto("/")
    assert desktop.page.locator("#main-nav").is_visible()
    assert not desktop.page.locator("header.top .menu-toggle").is_visible()


def test_the_entry_form_is_split_by_criterion_and_counts_what_is_left(world, phone):
    phone.login(world["users"]["admin"])
    phone.goto(_pages(world)["entry form"])
    page = phone.page
    folds = page.locator("details.criterion")
    assert folds.count() >= 10
    assert page.locator("details.criterion[open]").count() <= 1
    numbers = page.locator("details.criterion input.value")
    assert numbers.count() > 0
    assert numbers.evaluate_all("els => els.every(e => e.inputMode === 'decimal')")
    # Opening a criterion from the summary, emptying a field: its count follows.
    anchor = page.locator("details.criterion:has(input.value:not([disabled]))").first.get_attribute("id")
    page.click(f'#entry-summary a[href="#{anchor}"]')
    fold = page.locator(f"details#{anchor}")
    assert fold.evaluate("d => d.open")
    field = fold.locator("input.value:not([disabled])").first
    field.fill("")
    left = page.locator(f'#entry-summary [data-left-for="{anchor}"]')
    assert "1" in left.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('textarea')).fontFamily") == \
        page.evaluate("getComputedStyle(document.body).fontFamily")
    assert phone.scroll_width() <= 390
    assert not phone.errors, phone.errors


def test_a_report_is_submitted_complete_and_confirmed_then_withdrawn(world, desktop):
    desktop.login(world["users"]["d0"])
    url = f"/bao-cao/nop/{world['october'].pk}/u{world['units']['d0'].pk}/"
    desktop.goto(url)
    page = desktop.page
    assert page.locator("#report-rules").is_visible()
    page.fill("[name=ket_qua]", FULL["ket_qua"])
    with page.expect_navigation():
        page.click("#submit-report")
    assert Submission.objects.get().state == State.DRAFT  # incomplete, unconfirmed: kept as a draft
    assert page.locator(".msg-error").is_visible()
    assert page.locator("[name=ket_qua]").input_value() == FULL["ket_qua"]
    for key, text in FULL.items():
        page.fill(f"[name={key}]", text)
    page.check("#confirm-submit")
    with page.expect_navigation():
        page.click("#submit-report")
    assert Submission.objects.get().state == State.SUBMITTED
    with page.expect_navigation():
        page.click("#withdraw-report")
    assert Submission.objects.get().state == State.DRAFT
    assert not desktop.errors, desktop.errors
