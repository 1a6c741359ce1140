"""Issue 14, item 4 in a real browser on a phone: a resident reads a commune's public page (no
cookie set, no CSP violation), opens the feedback form, sends it, and the office's moderation
queue shows it."""

import pytest

from portal.models import Feedback, FeedbackStatus
from portal.tests.helpers import build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def commune(criteria_sets, settings, officer, tmp_path):
    from django.core.cache import cache

    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    cache.clear()
    yield build(officer)[3][0]
    cache.clear()


def test_a_resident_sends_feedback_from_a_phone(commune, phone, officer):
    response = phone.goto(f"/cong-khai/xa/{commune.ref}/")
    assert response.status == 200 and "public" in response.headers["cache-control"]
    assert phone.context.cookies() == []  # reading sets no cookie
    assert phone.scroll_width() <= 390
    phone.page.click("#feedback-link")
    assert phone.page.url.endswith(f"/cong-khai/xa/{commune.ref}/phan-anh/")
    assert [c["name"] for c in phone.context.cookies()] == ["csrftoken"]  # the form's page only
    assert phone.scroll_width() <= 390
    phone.page.fill("#id_name", "Lê Thị Cúc")
    phone.page.fill("#id_text", "Cống thoát nước đầu thôn 4 bị tắc, đề nghị nạo vét.")
    phone.page.click("#feedback-form button[type=submit]")
    assert "Phản ánh của bạn đã được gửi" in phone.page.text_content("#feedback-sent")
    item = Feedback.objects.get()
    assert (item.unit_id, item.name, item.status) == (commune.pk, "Lê Thị Cúc", FeedbackStatus.PENDING)
    assert not phone.errors, phone.errors  # no CSP violation, no script error
    phone.login(officer)
    phone.goto("/cong-khai/quan-ly/phan-anh/")
    assert "Cống thoát nước đầu thôn 4" in phone.page.text_content(f"#feedback-{item.pk}")
