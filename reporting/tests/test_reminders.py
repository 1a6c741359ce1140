"""Reminder emails: before the due date and after it, once each, never to a reporter that submitted."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from audit.models import AuditRecord
from reporting import services
from reporting.models import ReminderKind, ReminderLog
from reporting.services import send_due_reminders
from reporting.tests.helpers import FULL, build_world, local, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.NTM_PROVINCE_REFS = "10"
    settings.NTM_REMINDER_DAYS_BEFORE = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = build_world()
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False):
        services.submit(user=w["users"]["d0"], period=w["october"], reporter=reporter(w, "d0"), sections=FULL)
    mail.outbox.clear()
    return w


def _october(world, kind=None):
    rows = ReminderLog.objects.filter(period=world["october"])
    return rows.filter(kind=kind) if kind else rows


def test_nothing_is_sent_earlier_than_the_configured_days(world):
    send_due_reminders(datetime.date(2024, 10, 21))
    assert not _october(world).exists()


def test_a_reminder_goes_before_the_due_date_once(world):
    sent = send_due_reminders(datetime.date(2024, 10, 22))
    october = [row for row in sent if row.period == world["october"]]
    assert {row.email for row in october} == {"d1@example.vn", "d2@example.vn", "new@example.vn"}
    assert {row.kind for row in october} == {ReminderKind.BEFORE}
    assert all(row.unit == row.recipient.profile.organisation.unit for row in october)
    assert {m.to[0] for m in mail.outbox} >= {"d1@example.vn", "d2@example.vn", "new@example.vn"}
    assert "d0@example.vn" not in {m.to[0] for m in mail.outbox}, "d0 already submitted"
    assert "closed@example.vn" not in {m.to[0] for m in mail.outbox}, "not expected"
    count = len(mail.outbox)
    send_due_reminders(datetime.date(2024, 10, 23))
    send_due_reminders(datetime.date(2024, 10, 25))
    assert len(mail.outbox) == count
    assert _october(world).count() == 3


def test_an_overdue_reminder_goes_the_day_after_once(world):
    send_due_reminders(datetime.date(2024, 10, 22))
    with time_machine.travel(local(2024, 10, 25, 16, 0), tick=False):
        services.submit(user=world["users"]["d1"], period=world["october"], reporter=reporter(world, "d1"), sections=FULL)
    mail.outbox.clear()
    send_due_reminders(datetime.date(2024, 10, 26))
    overdue = _october(world, ReminderKind.OVERDUE)
    assert {row.email for row in overdue} == {"d2@example.vn", "new@example.vn"}
    assert {m.to[0] for m in mail.outbox if "d" in m.to[0] or "new" in m.to[0]} >= {"d2@example.vn"}
    send_due_reminders(datetime.date(2024, 10, 27))
    assert _october(world, ReminderKind.OVERDUE).count() == 2
    assert _october(world).count() == 5


def test_each_reminder_is_audited(world):
    before = AuditRecord.objects.filter(action="reporting.reminder.send").count()
    sent = send_due_reminders(datetime.date(2024, 10, 22))
    assert AuditRecord.objects.filter(action="reporting.reminder.send").count() == before + len(sent)


def test_no_reminder_after_the_lock_date(world):
    send_due_reminders(datetime.date(2024, 11, 6))
    assert not _october(world).exists()


def test_the_command_runs_the_same_function(world):
    call_command("send_reminders", "--date", "2024-10-22", stdout=open("/dev/null", "w"))
    assert _october(world).count() == 3
    call_command("send_reminders", "--date", "2024-10-22", stdout=open("/dev/null", "w"))
    assert _october(world).count() == 3


def test_the_celery_task_wraps_the_same_function(world):
    pytest.importorskip("celery")
    from config.celery import app
    from reporting.tasks import send_due_reminders_task

    assert app.conf.beat_schedule["send-due-reminders"]["task"] == send_due_reminders_task.name
    with time_machine.travel(local(2024, 10, 22, 7, 0), tick=False):
        assert send_due_reminders_task.run() >= 3
    assert _october(world).count() == 3
