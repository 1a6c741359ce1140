"""Celery for production: `celery -A config.celery worker --beat` (or worker and beat apart).

Nothing imports this module in the embedded mode (config/__init__.py does not load it), so the
site runs without Celery or Redis; there, run `manage.py send_reminders` from cron instead.
Broker: CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ntm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Once a day in the morning (Asia/Ho_Chi_Minh); the function never sends a reminder twice,
    # so an extra run is harmless.
    "send-due-reminders": {
        "task": "reporting.send_due_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The public portal compared with what was published (portal/verify.py), every 15 minutes.
    "verify-portal": {
        "task": "portal.verify_portal",
        "schedule": crontab(minute="*/15"),
    },
    # Expired API idempotency keys (older than NTM_API_IDEMPOTENCY_HOURS), once a night.
    "purge-idempotency-keys": {
        "task": "api.purge_idempotency_keys",
        "schedule": crontab(hour=3, minute=30),
    },
}
