"""A period page: the "send reminder" button (the reminder service, audited, counted in the
message) and the status filters."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from audit.models import AuditRecord
from reporting import services
from reporting.models import ReminderKind, ReminderLog
from reporting.tests.helpers import FULL, PASSWORD, build_world, local, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.NTM_PROVINCE_REFS = "10"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = build_world()
    october = w["october"]
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False):
        services.submit(user=w["users"]["d0"], period=october, reporter=reporter(w, "d0"), sections=FULL)
    with time_machine.travel(local(2024, 10, 26, 9, 0), tick=False):
        services.submit(user=w["users"]["d1"], period=october, reporter=reporter(w, "d1"), sections=FULL)
        submission = services.submit(user=w["users"]["d2"], period=october, reporter=reporter(w, "d2"),
                                     sections=FULL)
        services.return_submission(user=w["users"]["officer"], submission=submission, comment="Thiếu số liệu")
    mail.outbox.clear()
    return w


def _login(client, world, key):
    client.login(username=world["users"][key].username, password=PASSWORD)


def test_the_button_reminds_those_who_have_not_submitted_and_says_how_many(client, world):
    _login(client, world, "officer")
    url = reverse("reporting:period_remind", args=[world["october"].pk])
    with time_machine.travel(local(2024, 10, 27, 9, 0), tick=False):
        page = client.get(reverse("reporting:period", args=[world["october"].pk])).content.decode()
        assert 'id="send-reminder"' in page and "data-confirm=" in page
        response = client.post(url, follow=True)
    # "new" never submitted; d2's report was returned: both are reminded, d0 and d1 are not.
    assert sorted(m.to[0] for m in mail.outbox) == ["d2@example.vn", "new@example.vn"]
    assert "Đã gửi 2 thư nhắc." in response.content.decode()
    assert set(ReminderLog.objects.filter(period=world["october"]).values_list("kind", flat=True)) == {
        ReminderKind.OVERDUE}
    request = AuditRecord.objects.get(action="reporting.reminder.request")
    assert request.after["sent"] == 2 and request.user == world["users"]["officer"]
    assert AuditRecord.objects.filter(action="reporting.reminder.send").count() == 2
    with time_machine.travel(local(2024, 10, 28, 9, 0), tick=False):
        again = client.post(url, follow=True).content.decode()
    assert len(mail.outbox) == 2
    assert "Đã gửi 0 thư nhắc." in again
    assert "2 người nhận đã được nhắc cho kỳ này (không gửi lại)." in again


def test_reporters_and_readers_cannot_send_reminders(client, world):
    for key in ("d0", "agency"):
        client.logout()
        _login(client, world, key)
        response = client.post(reverse("reporting:period_remind", args=[world["october"].pk]))
        assert response.status_code == 403
    assert mail.outbox == []
    assert not AuditRecord.objects.filter(action="reporting.reminder.request").exists()


def test_no_reminder_once_the_period_is_locked(client, world):
    _login(client, world, "officer")
    with time_machine.travel(local(2024, 11, 10, 9, 0), tick=False):
        page = client.get(reverse("reporting:period", args=[world["october"].pk])).content.decode()
        response = client.post(reverse("reporting:period_remind", args=[world["october"].pk]), follow=True)
    assert 'id="send-reminder"' not in page
    assert "Kỳ báo cáo đã khóa" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("status, names", [
    ("", ["Huyện Mới Lập", "Huyện Số 0", "Huyện Số 1", "Huyện Số 2"]),
    ("da-nop", ["Huyện Số 0", "Huyện Số 1", "Huyện Số 2"]),
    ("tre-han", ["Huyện Số 1", "Huyện Số 2"]),
    ("tra-lai", ["Huyện Số 2"]),
    ("chua-nop", ["Huyện Mới Lập"]),
])
def test_the_status_filters_show_only_matching_reporters(client, world, status, names):
    _login(client, world, "officer")
    with time_machine.travel(local(2024, 10, 27, 9, 0), tick=False):
        response = client.get(reverse("reporting:period", args=[world["october"].pk]), {"trang_thai": status})
    rows = response.context["rows"]
    assert sorted(r.reporter.name for r in rows) == names
    page = response.content.decode()
    assert "Trễ hạn (2)" in page and "Bị trả lại (1)" in page and "Chưa nộp (1)" in page


def test_the_service_counts_reporters_without_an_address(world):
    user = world["users"]["new"]
    user.email = ""
    user.save(update_fields=["email"])
    outcome = services.send_period_reminders(user=world["users"]["officer"], period=world["october"],
                                             today=datetime.date(2024, 10, 27))
    assert (outcome.sent, outcome.without_email) == (1, ["Huyện Mới Lập"])
