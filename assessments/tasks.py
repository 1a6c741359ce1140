"""Celery tasks (production): imports run off the request, with a time limit.

Imported only by a Celery worker (config/celery.py autodiscovers it) and, when
NTM_BACKGROUND_INLINE is off, by assessments.excel.jobs to enqueue; the embedded mode never
imports it, so it needs neither Celery nor Redis.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from assessments.excel.jobs import run_import_job
from assessments.models import ImportJob

LIMIT = settings.NTM_IMPORT_TIME_LIMIT


@shared_task(name="assessments.run_import_job", soft_time_limit=LIMIT, time_limit=LIMIT + 30)
def run_import_job_task(job_id: int) -> None:
    try:
        run_import_job(job_id)
    except SoftTimeLimitExceeded:
        # The import's transaction is rolled back: nothing was written.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, progress=100, finished_at=timezone.now(),
            problems=[{"sheet": "", "cell": "",
                       "message": f"Quá thời gian xử lý ({LIMIT} giây): không ghi số liệu nào."}],
            problems_total=1,
        )
