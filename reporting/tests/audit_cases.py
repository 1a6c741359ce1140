"""Reporting cases of assessments/tests/test_every_write_is_audited.py added after its own
_reporting_cases: `w` is that test's world; `user` a province admin."""

import datetime

NAMES = {"reporting.services.send_period_reminders"}


def cases(w, user):
    from django.utils import timezone

    from reporting import services as reporting

    today = timezone.localdate()

    def remind():
        schedule = reporting.create_schedule(
            code="nhac", name="Nhắc", reporter_level="commune", frequency="monthly", due_day=25, lock_day=5,
            valid_from=today - datetime.timedelta(days=40), user=user)
        reporting.generate_periods(schedule, today, today, user=user)
        return reporting.send_period_reminders(user=user, period=schedule.periods.get(), today=today)

    return {"reporting.services.send_period_reminders": remind}
