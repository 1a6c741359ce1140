"""Issue 10, items 5-7 in a real browser: the audit trail and the targets pages fit a 390 px phone
(and the audit trail a 1366 px desktop, even with a very long value), without console errors; a
refused grid of targets focuses its first bad cell."""

import pytest

from audit import services as audit
from planning import services
from planning.models import Phase
from planning.tests.helpers import make_world

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "0123456789abcdef" * 150  # one "word" of 2,400 characters, no break opportunity


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(3)
    phase = Phase.objects.create(code="2021-2025", name="Giai đoạn 2021-2025", start_year=2021, end_year=2025,
                                 family="ntm-xa-2021")
    services.set_targets_grid(phase, {("ntm", 2024): 2, ("nang-cao", 2025): 1}, {2024: (15, "16.5")},
                              user=w["admin"])
    services.set_commune_target(w["communes"][0], "nang-cao", 2025, user=w["admin"])
    audit.record(action="plan.item.note", object_type="roadmap_item", object_id="1", user=w["admin"],
                 unit=w["communes"][0], after={"text": LONG, "date": "2025-03-01"}, reason=LONG)
    audit.record(action="reporting.submission.submit", object_type="submission", object_id="2",
                 user=w["admin"], unit=w["communes"][1], before={"state": "not_started"},
                 after={"state": "submitted"})
    return w


def test_the_audit_trail_fits_a_phone_and_a_desktop(world, phone, desktop):
    for page, width in ((phone, 390), (desktop, 1366)):
        page.login(world["admin"])
        assert page.goto("/nhat-ky/").status == 200
        assert page.page.locator("#audit").is_visible()
        assert page.scroll_width() <= width, (width, page.scroll_width())
        assert "Chưa bắt đầu → Đã nộp" in page.page.content()
        assert not page.errors, page.errors


def test_the_targets_pages_fit_a_phone(world, phone):
    phone.login(world["admin"])
    for url in ("/ke-hoach/muc-tieu/", "/ke-hoach/muc-tieu/sua/"):
        assert phone.goto(url).status == 200, url
        assert phone.scroll_width() <= 390, (url, phone.scroll_width())
    assert phone.page.locator("select#id_c-commune option", has_text="Xã Thử 000").count() == 1
    assert not phone.errors, phone.errors


def test_a_refused_grid_focuses_its_first_bad_cell(world, phone):
    phone.login(world["admin"])
    phone.goto("/ke-hoach/muc-tieu/sua/")
    page = phone.page
    page.fill('input[name="n-ntm-2022"]', "4")
    page.fill('input[name="n-ntm-2023"]', "ba")
    page.click("#target-grid button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.name") == "n-ntm-2023"
    assert "Năm 2023, Nông thôn mới: “ba”" in page.locator("#error-summary").inner_text()
    assert phone.scroll_width() <= 390
    # The refused post answers 400 (as every refused form here); nothing else may complain.
    assert [e for e in phone.errors if "status of 400" not in e] == [], phone.errors
