"""Create the directive's reporting schedules and their periods (safe to run again)."""

import datetime

from django.core.management.base import BaseCommand

from reporting.services import ensure_default_schedules


class Command(BaseCommand):
    help = "Create the default reporting schedules (monthly NTM reports, quarterly agency reports) and periods."

    def add_arguments(self, parser):
        parser.add_argument("--until", help="generate periods up to this day (YYYY-MM-DD); default: end of this year")

    def handle(self, *args, until=None, **options):
        day = datetime.date.fromisoformat(until) if until else None
        for schedule in ensure_default_schedules(until=day):
            self.stdout.write(f"{schedule.code}: {schedule.periods.count()} kỳ báo cáo")
