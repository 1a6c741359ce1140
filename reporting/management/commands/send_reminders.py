"""Send the due and overdue report reminders of today (or of --date).

Embedded mode: run it once a day from cron (e.g. `0 7 * * * cd /srv/ntm && .venv/bin/python
manage.py send_reminders`) or by hand; running it twice sends nothing twice. In production the
Celery beat schedule (config/celery.py) runs the same function.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.services import send_due_reminders


class Command(BaseCommand):
    help = "Email reporters whose report is due soon or overdue (each reminder once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (YYYY-MM-DD); default: today")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from exc
        sent = send_due_reminders(today)
        self.stdout.write(f"Đã gửi {len(sent)} thư nhắc báo cáo ({today:%d/%m/%Y}).")
