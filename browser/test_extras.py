"""Issue 10, item 11 in a real browser: the printable summary (print button, print stylesheet,
phone width), the notification bell's count, the "send reminder" confirmation, a money input."""

import re

import pytest
import time_machine
from django.core import mail

from reporting import services
from reporting.tests.helpers import FULL, build_world, local, reporter, with_values

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=True):
        w = build_world()
        w["period"] = with_values(w)
        submission = services.submit(user=w["users"]["d2"], period=w["october"], reporter=reporter(w, "d2"),
                                     sections=FULL)
        services.return_submission(user=w["users"]["officer"], submission=submission, comment="Bổ sung số liệu")
        yield w


def test_the_summary_prints_without_menu_or_buttons_and_fits_a_phone(world, phone, desktop):
    ref, code = world["communes"][0].ref, world["period"].code
    desktop.login(world["users"]["admin"])
    desktop.goto(f"/xa/{ref}/?ky={code}")
    desktop.page.click("#print-summary")
    page = desktop.page
    page.wait_for_load_state()
    page.locator("button[data-print]").wait_for(state="visible")
    assert page.locator("#sum-criteria li").count() == 19
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("button[data-print]").is_visible()
    assert page.locator("#sum-met").is_visible()
    pdf = page.pdf(format="A4", margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary prints on one A4 page"
    phone.login(world["users"]["admin"])
    phone.goto(f"/ban-in/xa/{ref}/?ky={code}")
    assert phone.scroll_width() <= 390
    assert not desktop.errors and not phone.errors, desktop.errors + phone.errors


def test_the_bell_counts_a_returned_report(world, desktop):
    desktop.login(world["users"]["d2"])
    desktop.goto("/bao-cao/")
    badge = desktop.page.locator("#bell .bell-count")
    badge.wait_for(state="visible")
    assert int(badge.inner_text()) >= 1
    desktop.page.click("#bell")
    assert "Bổ sung số liệu" in desktop.page.locator("#notices").inner_text()
    assert not desktop.errors, desktop.errors


def test_send_reminder_asks_first_and_says_how_many(world, desktop):
    desktop.login(world["users"]["officer"])
    desktop.goto(f"/bao-cao/ky/{world['october'].pk}/")
    page = desktop.page
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#send-reminder")
    assert mail.outbox == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#send-reminder")
    page.wait_for_selector(".msg-success")
    assert "thư nhắc" in page.locator(".msg-success").inner_text()
    assert len(mail.outbox) >= 1
    assert not desktop.errors, desktop.errors


def test_a_money_input_groups_thousands_and_the_budget_takes_12_comma_5(world, desktop):
    desktop.login(world["users"]["admin"])
    desktop.goto("/ke-hoach/dau-tu/")
    page = desktop.page
    page.fill("input[name=budget]", "1234,5")
    page.locator("input[name=budget]").blur()
    assert page.input_value("input[name=budget]") == "1.234,5"
    page.fill("input[name=budget]", "12,5")
    page.locator("input[name=budget]").press("Enter")
    page.wait_for_load_state()
    assert page.input_value("input[name=budget]") == "12,5"
    assert "12.500.000.000" in page.locator("#selection-cost").inner_text()
    assert not desktop.errors, desktop.errors
