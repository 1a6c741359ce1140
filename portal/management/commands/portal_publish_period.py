from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessments.models import Period
from portal import services


class Command(BaseCommand):
    help = "Make a period's figures public on the portal (the portal shows no other period)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="period code, e.g. 2026")
        parser.add_argument("--user", help="user name recorded as the publisher")

    def handle(self, *args, period, user=None, **options):
        found = Period.objects.filter(code=period).first()
        if found is None:
            raise CommandError(f"no period {period!r}")
        who = get_user_model().objects.filter(username=user).first() if user else None
        if user and who is None:
            raise CommandError(f"no user {user!r}")
        services.publish_period(who, found)
        self.stdout.write(f"{found.name}: published on the portal")
