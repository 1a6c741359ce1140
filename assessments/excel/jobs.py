"""Import jobs: state in the database, the work in one plain function.

`start_import` records the upload and, in the embedded mode (settings.NTM_BACKGROUND_INLINE,
default True), runs it at once; a Celery task only has to call `run_import_job(job_id)`.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import scope_for, users_q
from assessments.models import ImportJob

from .importer import Problem, import_workbook

# Problems stored on a job (and so shown on its page and marked in the copy): the first ones,
# then one line per reason with the number of the others. A workbook with 10^6 bad cells
# otherwise stored a 128 MB JSON.
MAX_PROBLEMS_KEPT = 200
# Unfinished jobs a user may have at once; a job unfinished for longer is deemed dead.
MAX_UNFINISHED_JOBS = 1
STALE_AFTER = datetime.timedelta(minutes=30)

_DETAILS = re.compile(r"“[^”]*”|-?[0-9][0-9.,]*")


class ImportBusy(Exception):
    """The user already has an import waiting or running."""


def _reason(message: str) -> str:
    """A problem's message without its particulars (values, codes, numbers): its reason."""
    return _DETAILS.sub("…", message)


def kept_problems(problems: list[Problem]) -> list[dict[str, str]]:
    """The problems to store: the first MAX_PROBLEMS_KEPT, then the rest counted by reason."""
    kept = [p.as_dict() for p in problems[:MAX_PROBLEMS_KEPT]]
    rest = Counter(_reason(p.message) for p in problems[MAX_PROBLEMS_KEPT:])
    for reason, count in rest.most_common():
        kept.append({"sheet": "", "cell": "", "message": _(
            "%(count)s more problems not listed: %(reason)s") % {"count": count, "reason": reason}})
    return kept


def unfinished_jobs(user):
    return ImportJob.objects.filter(
        user=user, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    )


# Other apps' imports run as jobs too (same page, progress, time limit and worker): a runner takes
# the job and a progress callback and returns the job fields to store, with "ok" (True: done).
RUNNERS: dict[str, Callable[[ImportJob, Callable[[int], None]], dict]] = {}


def register_runner(kind: str, runner: Callable[[ImportJob, Callable[[int], None]], dict]) -> None:
    RUNNERS[kind] = runner


def start_import(*, user, file_name: str, content: bytes, source: str = "", reason: str = "",
                 ip_address: str | None = None, kind: str = "values") -> ImportJob:
    """Record an upload and run it (inline mode). ImportBusy when the user already has
    MAX_UNFINISHED_JOBS imports waiting or running."""
    if kind != "values" and kind not in RUNNERS:
        raise ValueError(f"no import runner for {kind!r}")
    if unfinished_jobs(user).count() >= MAX_UNFINISHED_JOBS:
        raise ImportBusy(_("You already have an import waiting or running: wait until it ends "
                           "before uploading another workbook."))
    job = ImportJob.objects.create(
        user=user, kind=kind, file_name=file_name[:255], upload=ContentFile(content, name="upload.xlsx"),
        source=source, reason=reason, ip_address=ip_address, created_at=timezone.now(),
    )
    if settings.NTM_BACKGROUND_INLINE:
        run_import_job(job.pk)
        job.refresh_from_db()
    else:
        # Production: a Celery worker runs it, with a time limit (assessments.tasks).
        from assessments.tasks import run_import_job_task

        transaction.on_commit(lambda: run_import_job_task.delay(job.pk))
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

    runner = RUNNERS.get(job.kind, _run_values)
    try:
        outcome = runner(job, progress)
    except Exception as exc:  # an unexpected failure still ends the job
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, progress=100, finished_at=timezone.now(),
            problems=[{"sheet": "", "cell": "", "message": f"{type(exc).__name__}: {str(exc)[:500]}"}],
            problems_total=1,
        )
        raise
    ok = outcome.pop("ok")
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE if ok else ImportJob.Status.FAILED, progress=100,
        finished_at=timezone.now(), **outcome,
    )


def _run_values(job: ImportJob, progress) -> dict:
    """The indicator values workbook (assessments.excel.importer)."""
    result = import_workbook(
        io.BytesIO(job.workbook() or b""), user=job.user, source=job.source, reason=job.reason,
        progress=progress, ip_address=job.ip_address,
    )
    return {
        "ok": result.ok, "period_code": result.period_code, "units_count": result.units,
        "values_count": result.values, "created_count": result.created, "corrected_count": result.corrected,
        "unchanged_count": result.unchanged, "problems": kept_problems(result.problems),
        "problems_total": len(result.problems), "warnings": kept_problems(result.warnings),
    }


def jobs_visible_to(user):
    """A job is visible to its owner and to the administrators of the owner's province (every
    administrator when national, accounts.access.users_q)."""
    qs = ImportJob.objects.defer("content")
    scope = scope_for(user)
    if scope.manage_users:
        return qs if scope.readable is None else qs.filter(Q(user=user) | users_q(user, "user__"))
    return qs.filter(Q(user=user))


def purge_files(days: int | None = None, *, now=None) -> int:
    """Delete the uploaded workbooks of jobs ended more than `days` days ago (setting
    NTM_IMPORT_RETENTION_DAYS, default 30); the jobs stay, with their counts and problems.
    Returns the number of jobs whose file was deleted."""
    if days is None:
        days = getattr(settings, "NTM_IMPORT_RETENTION_DAYS", 30)
    limit = (now or timezone.now()) - datetime.timedelta(days=days)
    old = (ImportJob.objects.defer("content", "problems", "warnings")
           .filter(Q(finished_at__lt=limit) | Q(finished_at__isnull=True, created_at__lt=limit))
           .exclude(upload="", content=b""))
    purged = 0
    for job in old.iterator():
        if job.upload:
            job.upload.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(upload="", content=b"")
        purged += 1
    return purged
