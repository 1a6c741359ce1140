"""The Excel pages: download, upload, job page with progress, marked copy, access."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.excel import layout as L
from assessments.models import ImportJob, IndicatorValue
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import PASSWORD, exported, meta_columns, row_of

pytestmark = pytest.mark.django_db
world = support.world


def upload(client, wb, **data):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "so-lieu.xlsx"
    return client.post(reverse("assessments:excel_import"), {"file": buffer, "source": "báo cáo", **data})


def test_the_export_downloads_a_workbook_of_the_visible_communes(world, client):
    client.login(username="xa0", password=PASSWORD)
    response = client.get(reverse("assessments:excel_export"), {"ky": "2024"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(response.content))[L.DATA_SHEET]
    assert ws.max_row == L.FIRST_DATA_ROW and ws["A4"].value == world["communes"][0].ref


def test_an_upload_creates_a_job_and_the_job_page_shows_the_counts(world, client):
    client.force_login(world["officer"])
    wb = exported(world)
    wb[L.DATA_SHEET][f"{meta_columns(wb)['12.1']}{row_of(wb, world['communes'][1].ref)}"] = 93
    response = upload(client, wb, reason="cập nhật")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:excel_job", args=[job.pk])
    assert (job.status, job.progress, job.corrected_count, job.created_count) == ("done", 100, 1, 0)
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' not in page
    assert "htmx-2.min.js" in page and "style=" not in page


def test_a_running_job_polls_its_status(world, client):
    client.force_login(world["officer"])
    job = ImportJob.objects.create(user=world["officer"], file_name="a.xlsx", content=b"", progress=40,
                                   status="running", created_at="2025-01-01T00:00:00+07:00")
    page = client.get(reverse("assessments:excel_job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page


def test_a_failed_job_lists_the_problems_and_the_marked_copy_has_the_red_cell(world, client):
    client.force_login(world["officer"])
    wb = exported(world)
    cell = f"{meta_columns(wb)['2.1']}{row_of(wb, world['communes'][2].ref)}"
    wb[L.DATA_SHEET][cell] = 250
    before = IndicatorValue.objects.count()
    response = upload(client, wb)
    job = ImportJob.objects.get()
    assert job.status == "failed" and IndicatorValue.objects.count() == before
    page = client.get(response["Location"]).content.decode()
    assert f"Số liệu!{cell}" in page
    marked = client.get(reverse("assessments:excel_job_marked", args=[job.pk]))
    assert marked.status_code == 200
    target = load_workbook(io.BytesIO(marked.content))[L.DATA_SHEET][cell]
    assert target.fill.fgColor.rgb.endswith("FF9999")
    assert "250" in target.comment.text


def test_a_job_is_hidden_from_other_users(world, client):
    job = ImportJob.objects.create(user=world["officer"], file_name="a.xlsx", content=b"",
                                   created_at="2025-01-01T00:00:00+07:00")
    client.login(username="xa0", password=PASSWORD)
    assert client.get(reverse("assessments:excel_job", args=[job.pk])).status_code == 404


def test_users_without_write_rights_cannot_upload(world, client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("assessments:excel_import")).status_code == 403


def test_the_commune_list_links_to_the_excel_pages(world, client):
    client.force_login(world["officer"])
    page = client.get(reverse("assessments:list"), {"ky": "2024"}).content.decode()
    assert reverse("assessments:excel_export") in page and reverse("assessments:excel_import") in page
