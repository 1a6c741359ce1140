"""Celery task for production (beat: config/celery.py); the embedded mode runs
`manage.py purge_idempotency_keys` from cron instead."""

from celery import shared_task


@shared_task(name="api.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    from api.services import purge_idempotency_keys as purge

    return purge()
