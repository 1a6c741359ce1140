"""In production an upload is queued for a Celery worker with a time limit, not run in the request."""

import pytest

from assessments.excel import jobs
from assessments.models import ImportJob

pytestmark = pytest.mark.django_db


def test_with_background_work_the_upload_is_queued_not_run(settings, officer, monkeypatch, django_capture_on_commit_callbacks):
    from assessments import tasks

    settings.NTM_BACKGROUND_INLINE = False
    queued = []
    monkeypatch.setattr(tasks.run_import_job_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_import(user=officer, file_name="a.xlsx", content=b"not a workbook")
    assert job.status == ImportJob.Status.PENDING and queued == [job.pk]
    assert tasks.run_import_job_task.soft_time_limit == settings.NTM_IMPORT_TIME_LIMIT


def test_a_job_over_its_time_limit_ends_failed_and_writes_nothing(settings, officer, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from assessments import tasks

    job = ImportJob.objects.create(user=officer, file_name="a.xlsx", created_at="2026-12-01T00:00:00Z")

    def slow(job_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "run_import_job", slow)
    tasks.run_import_job_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "Quá thời gian" in job.problems[0]["message"]
