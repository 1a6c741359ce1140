"""Celery task for production (beat: config/celery.py); the embedded mode runs
`manage.py verify_portal` from cron instead."""

from celery import shared_task


@shared_task(name="portal.verify_portal")
def verify_portal() -> int:
    from portal.verify import alert, verify

    problems = verify()
    alert(problems)
    return len(problems)
