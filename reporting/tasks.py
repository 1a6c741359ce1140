"""Celery tasks (production): thin wrappers around plain, tested functions.

Imported only by a Celery worker (config/celery.py autodiscovers it); the embedded mode never
imports this module, so it needs neither Celery nor Redis.
"""

from celery import shared_task
from django.utils import timezone

from reporting.services import send_due_reminders


@shared_task(name="reporting.send_due_reminders")
def send_due_reminders_task() -> int:
    return len(send_due_reminders(timezone.localdate()))
