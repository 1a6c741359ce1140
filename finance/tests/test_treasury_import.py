import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import ImportJob
from finance import treasury
from finance.models import Disbursement
from finance.tests.helpers import BILLION, make_finance_world
from finance.tests.test_pages import users

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 1)


def rows(w, amounts):
    return [(p.code, p.name, "mtqg-2026", "ha-tang", "nstw-dtpt", a) for p, a in zip(w["projects"], amounts, strict=True)]


def test_a_good_file_records_every_row(client):
    w = make_finance_world(n_projects=3, paid=[100, 200, 300])
    content = treasury.template_bytes(rows(w, [500, 600, 700]), year=2026, month=NOV)
    result = treasury.import_file(content)
    assert (result.created, result.changed) == (3, 0)
    nov = Disbursement.objects.filter(month=NOV).order_by("allocation__project__code")
    assert [(d.cumulative, d.amount) for d in nov] == [(500, 400), (600, 400), (700, 400)]


def test_one_bad_row_writes_nothing_and_is_named_by_sheet_cell_and_reason(client):
    w = make_finance_world(n_projects=3)
    data = rows(w, [500, 2 * BILLION, "nhiều"])
    data.append(("KHONG-CO", "?", "mtqg-2026", "ha-tang", "nstw-dtpt", 1))
    data.append((w["projects"][0].code, "?", "mtqg-2026", "ha-tang", "nsdp-xa", 1))
    content = treasury.template_bytes(data, year=2026, month=NOV)
    with pytest.raises(treasury.ImportRejected) as exc:
        treasury.import_file(content)
    text = "\n".join(exc.value.errors)
    assert "trang GiaiNgan, ô F8" in text and "nhiều" in text
    assert "trang GiaiNgan, ô A9" in text and "KHONG-CO" in text
    assert "trang GiaiNgan, ô C10" in text
    assert not Disbursement.objects.exists()
    # With the unknown rows fixed, the over-allocation is named with its figures, still nothing written.
    content = treasury.template_bytes(rows(w, [500, 2 * BILLION, 10]), year=2026, month=NOV)
    with pytest.raises(treasury.ImportRejected) as exc:
        treasury.import_file(content)
    assert "trang GiaiNgan, ô F7" in exc.value.errors[0] and "2.000.000.000 đ" in exc.value.errors[0]
    assert not Disbursement.objects.exists()


def test_the_import_page_lists_the_errors_and_the_template_downloads(client):
    w = make_finance_world(n_projects=2)
    w.update(users(w))
    client.force_login(w["admin"])
    template = client.get("/tai-chinh/nhap-kho-bac/mau.xlsx?nam=2026")
    assert template.status_code == 200 and 'filename="giai-ngan-2026.xlsx"' in template["Content-Disposition"]
    bad = treasury.template_bytes(rows(w, [10, -5]), year=2026, month=NOV)
    response = client.post("/tai-chinh/nhap-kho-bac/", {"file": SimpleUploadedFile("kb.xlsx", bad)})
    # The upload runs as an import job (inline here) and the user lands on its page.
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/xa/excel/lan-nhap/{job.pk}/"
    assert (job.kind, job.status, job.problems_total) == ("treasury", "failed", 1)
    assert job.problems[0]["sheet"] == "GiaiNgan" and job.problems[0]["cell"] == "F7"
    page = client.get(response["Location"]).content.decode()
    assert "ô F7" in page and "-5" in page
    marked = client.get(f"/xa/excel/lan-nhap/{job.pk}/ban-danh-dau/")
    assert marked.status_code == 200 and marked["Content-Disposition"].endswith('-loi.xlsx"')
    assert not Disbursement.objects.exists()
    good = treasury.template_bytes(rows(w, [10, 20]), year=2026, month=NOV)
    response = client.post("/tai-chinh/nhap-kho-bac/", {"file": SimpleUploadedFile("kb.xlsx", good)})
    assert response.status_code == 302 and Disbursement.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 số liệu tháng mới" in page and "/tai-chinh/nhap-kho-bac/" in page
    listing = client.get("/tai-chinh/nhap-kho-bac/").content.decode()
    table = listing[listing.index('id="treasury-jobs"'):]
    assert table[:table.index("</table>")].count("/xa/excel/lan-nhap/") == 2
    # The values import page does not list treasury jobs.
    assert "kb.xlsx" not in client.get("/xa/excel/tai-len/").content.decode()
    client.force_login(w["officer"])
    assert client.post("/tai-chinh/nhap-kho-bac/", {"file": SimpleUploadedFile("kb.xlsx", good)}).status_code == 403


def test_with_background_work_the_treasury_file_is_queued_for_the_worker(client, settings, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    from assessments import tasks

    w = make_finance_world(n_projects=2)
    w.update(users(w))
    settings.NTM_BACKGROUND_INLINE = False
    queued = []
    monkeypatch.setattr(tasks.run_import_job_task, "delay", queued.append)
    client.force_login(w["admin"])
    good = treasury.template_bytes(rows(w, [10, 20]), year=2026, month=NOV)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-chinh/nhap-kho-bac/", {"file": SimpleUploadedFile("kb.xlsx", good)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and queued == [job.pk] and job.status == "pending"
    assert not Disbursement.objects.exists()
    tasks.run_import_job_task(job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2) and Disbursement.objects.count() == 2


def _hostile_files(w):
    from assessments.tests.test_hardening_workbooks import bomb, rewrite, with_doctype

    good = treasury.template_bytes(rows(w, [10, 20]), year=2026, month=NOV)
    part = "xl/worksheets/sheet1.xml"
    return {
        "zip bomb": rewrite(good, {part: bomb}),
        "entities": rewrite(good, {part: with_doctype}),
        "a pdf named .xlsx": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "truncated": good[: len(good) // 2],
    }


@pytest.mark.parametrize(("kind", "reason"), [
    ("zip bomb", "khi giải nén có 300 MB"), ("entities", "DOCTYPE hoặc thực thể XML"),
    ("a pdf named .xlsx", "không phải là tệp nén zip"), ("truncated", "không phải là tệp nén zip")])
def test_a_hostile_file_is_refused_in_vietnamese_and_writes_nothing(kind, reason):
    w = make_finance_world(n_projects=2)
    with pytest.raises(treasury.ImportRejected) as exc:
        treasury.import_file(_hostile_files(w)[kind])
    assert exc.value.errors[0].startswith("Tệp không phải bảng tính Excel (.xlsx).") and reason in exc.value.errors[0]
    assert not Disbursement.objects.exists()


def test_formulas_codes_starting_with_equals_and_too_many_rows_are_named(monkeypatch):
    w = make_finance_world(n_projects=2)
    data = rows(w, [10, "=1+1"]) + [("=HYPERLINK(\"http://x\")", "?", "mtqg-2026", "ha-tang", "nstw-dtpt", 5)]
    with pytest.raises(treasury.ImportRejected) as exc:
        treasury.import_file(treasury.template_bytes(data, year=2026, month=NOV))
    text = "\n".join(exc.value.errors)
    # set_text writes "=..." as text, so it reaches the checks as text and is named, never evaluated.
    assert "ô F7" in text and "=1+1" in text
    assert "ô A8" in text and "=HYPERLINK" in text
    monkeypatch.setattr(treasury, "MAX_ROWS", 1)
    with pytest.raises(treasury.ImportRejected, match="nhiều hơn 1 dòng"):
        treasury.import_file(treasury.template_bytes(rows(w, [10, 20]), year=2026, month=NOV))
    assert not Disbursement.objects.exists()
