"""Import jobs within quotas: problems kept per job, one unfinished job per user."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.excel import jobs
from assessments.excel import layout as L
from assessments.excel.importer import ImportResult, Problem
from assessments.models import ImportJob
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported

pytestmark = pytest.mark.django_db
world = support.world


def test_a_job_keeps_the_first_problems_and_counts_the_rest_by_reason(world, client, monkeypatch):
    many = ImportResult(problems=[
        Problem(L.DATA_SHEET, f"E{row}", f"chỉ tiêu 2.1 (Tỷ lệ): {row} lớn hơn giá trị tối đa cho phép là 100")
        for row in range(4, 1_000_004)
    ] + [Problem(L.DATA_SHEET, f"A{row}", f"mã xã không tồn tại “{row}”") for row in range(500)])
    monkeypatch.setattr(jobs, "import_workbook", lambda *args, **kwargs: many)
    job = jobs.start_import(user=world["officer"], file_name="x.xlsx", content=b"PK")
    job.refresh_from_db()
    assert job.status == "failed" and job.problems_total == 1_000_500
    assert len(job.problems) == jobs.MAX_PROBLEMS_KEPT + 2
    assert job.problems[0]["cell"] == "E4"
    summary = [p["message"] for p in job.problems[jobs.MAX_PROBLEMS_KEPT:]]
    assert summary[0].startswith("999800 lỗi khác không liệt kê: chỉ tiêu")
    assert summary[1].startswith("500 lỗi khác không liệt kê: mã xã")
    client.force_login(world["officer"])
    page = client.get(reverse("assessments:excel_job", args=[job.pk])).content.decode()
    assert "1000500 lỗi" in page.replace(".", "").replace("\xa0", "")
    assert page.count("<tr>") < jobs.MAX_PROBLEMS_KEPT + 10


def test_a_second_upload_while_one_is_running_is_refused(world, client):
    client.force_login(world["officer"])
    running = ImportJob.objects.create(user=world["officer"], file_name="a.xlsx", content=b"",
                                       status="running", created_at=timezone.now())
    buffer = io.BytesIO()
    exported(world).save(buffer)
    buffer.seek(0)
    buffer.name = "so-lieu.xlsx"
    response = client.post(reverse("assessments:excel_import"), {"file": buffer, "source": "x"})
    assert response.status_code == 200
    assert "đang có một lần nhập" in response.context["form"].non_field_errors()[0]
    assert ImportJob.objects.count() == 1
    # A job unfinished for longer than STALE_AFTER (a dead worker) does not block.
    ImportJob.objects.filter(pk=running.pk).update(created_at=timezone.now() - jobs.STALE_AFTER * 2)
    buffer.seek(0)
    response = client.post(reverse("assessments:excel_import"), {"file": buffer, "source": "x"})
    assert response.status_code == 302 and ImportJob.objects.count() == 2


def test_another_users_running_job_does_not_block(world, client):
    ImportJob.objects.create(user=world["commune_officer"], file_name="a.xlsx", content=b"",
                             status="running", created_at=timezone.now())
    job = jobs.start_import(user=world["officer"], file_name="x.xlsx", content=b"not a zip")
    assert job.status == "failed"


def test_the_uploaded_file_is_kept_outside_the_database_and_purged_after_the_retention(world, client, settings):
    import datetime

    from django.core.management import call_command

    client.force_login(world["officer"])
    wb = exported(world)
    wb[L.DATA_SHEET]["D4"] = "=1+1"  # a problem, so that the job offers a marked copy
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "so-lieu.xlsx"
    client.post(reverse("assessments:excel_import"), {"file": buffer, "source": "x"})
    job = ImportJob.objects.get()
    assert job.status == "failed" and bytes(job.content) == b""
    path = settings.NTM_IMPORT_DIR / job.upload.name
    assert path.read_bytes() == buffer.getvalue() and job.file_name == "so-lieu.xlsx"
    marked = reverse("assessments:excel_job_marked", args=[job.pk])
    assert client.get(marked).status_code == 200

    call_command("purge_import_files", stdout=io.StringIO())  # ended just now: kept
    assert path.exists()
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    assert "Đã xoá 1 tệp" in out.getvalue() and not path.exists()
    job.refresh_from_db()
    assert not job.upload and job.problems_count >= 1
    assert client.get(marked).status_code == 404
    assert client.get(reverse("assessments:excel_job", args=[job.pk])).status_code == 200


def test_a_job_stored_in_the_database_before_still_runs(world):
    job = ImportJob.objects.create(user=world["officer"], file_name="a.xlsx", content=b"not a zip",
                                   created_at=timezone.now())
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.workbook() == b"not a zip"
