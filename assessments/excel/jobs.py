"""Import jobs: state in the database, the work in one plain function.

`start_import` records the upload and, in the embedded mode (settings.NTM_BACKGROUND_INLINE,
default True), runs it at once; a Celery task only has to call `run_import_job(job_id)`.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.access import scope_for
from assessments.models import ImportJob

from .importer import import_workbook


def start_import(*, user, file_name: str, content: bytes, source: str = "", reason: str = "",
                 ip_address: str | None = None) -> ImportJob:
    job = ImportJob.objects.create(
        user=user, file_name=file_name[:255], content=content, source=source, reason=reason,
        ip_address=ip_address, created_at=timezone.now(),
    )
    if getattr(settings, "NTM_BACKGROUND_INLINE", True):
        run_import_job(job.pk)
        job.refresh_from_db()
    return job


def run_import_job(job_id: int) -> None:
    """Run one pending job (claimed with a conditional UPDATE, so it runs once)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), progress=1
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=min(int(percent), 99))

    try:
        result = import_workbook(
            io.BytesIO(bytes(job.content)), user=job.user, source=job.source, reason=job.reason,
            progress=progress, ip_address=job.ip_address,
        )
    except Exception as exc:  # an unexpected failure still ends the job
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, progress=100, finished_at=timezone.now(),
            problems=[{"sheet": "", "cell": "", "message": f"{type(exc).__name__}: {exc}"}],
        )
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED,
        progress=100, finished_at=timezone.now(), period_code=result.period_code,
        units_count=result.units, values_count=result.values, created_count=result.created,
        corrected_count=result.corrected, unchanged_count=result.unchanged,
        problems=[p.as_dict() for p in result.problems],
        warnings=[p.as_dict() for p in result.warnings],
    )


def jobs_visible_to(user):
    """A job is visible to its owner and to province administrators."""
    qs = ImportJob.objects.defer("content")
    if scope_for(user).manage_users:
        return qs
    return qs.filter(Q(user=user))
