"""Delete the idempotency keys older than NTM_API_IDEMPOTENCY_HOURS (24 by default).

    manage.py purge_idempotency_keys

Production runs it daily on Celery beat (config/celery.py); the embedded mode from cron.
"""

from django.core.management.base import BaseCommand

from api.services import purge_idempotency_keys


class Command(BaseCommand):
    help = "Delete the expired idempotency keys of the API."

    def handle(self, *args, **options):
        deleted = purge_idempotency_keys()
        self.stdout.write(f"{deleted}")
