"""Issue 10, item 1: every date picker shows the stored date and saves it unchanged."""

import datetime

import pytest

from planning.models import ProgressNote
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(3)


def test_an_item_keeps_its_untouched_date_when_its_cost_is_edited(world, desktop):
    item = make_item(world["communes"][1], ["3.1"], target_date=datetime.date(2027, 2, 7))
    desktop.login(world["commune1"])
    desktop.goto(f"/ke-hoach/muc/{item.pk}/")
    page = desktop.page
    edit = page.locator("form[action$='/edit/']")
    assert edit.locator("input[name=target_date]").input_value() == "2027-02-07"
    edit.locator("input[name=estimated_cost]").fill("2500000000")
    with page.expect_navigation():
        edit.locator("button[type=submit]").click()
    item.refresh_from_db()
    assert item.estimated_cost == 2_500_000_000
    assert item.target_date == datetime.date(2027, 2, 7)
    # The page shown after saving offers the same date again.
    assert page.locator("form[action$='/edit/'] input[name=target_date]").input_value() == "2027-02-07"
    assert not [e for e in desktop.errors if "format" in e], desktop.errors


def test_a_progress_note_is_saved_with_its_preset_date(world, desktop):
    item = make_item(world["communes"][1], ["3.1"])
    desktop.login(world["commune1"])
    desktop.goto(f"/ke-hoach/muc/{item.pk}/")
    page = desktop.page
    note = page.locator("form[action$='/note/']")
    preset = note.locator("input[name=date]").input_value()
    assert preset  # today, in ISO, not left empty
    datetime.date.fromisoformat(preset)
    note.locator("textarea[name=text], input[name=text]").fill("Đã khởi công")
    with page.expect_navigation():
        note.locator("button[type=submit]").click()
    saved = ProgressNote.objects.get(item=item)
    assert saved.date.isoformat() == preset
    assert not desktop.errors, desktop.errors
