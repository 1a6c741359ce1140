"""The audit trail in Vietnamese: actions, object types, fields and their values on the page and in
the export (issue 10, item 5), and the audit app importing no app above it."""

import ast
import datetime
import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit import labels, queries
from audit import services as audit
from audit.tests.helpers import at, make_world

pytestmark = pytest.mark.django_db

URL = "/nhat-ky/"
EXPORT = "/nhat-ky/xuat.xlsx"


@pytest.fixture
def world(django_user_model):
    return make_world(django_user_model)


def _mixed_records(world):
    c0 = world.communes[0]
    audit.record_many([dict(action="reporting.submission.submit", object_type="submission", object_id="5",
                            user=world.commune, unit=c0, before={"state": "not_started"},
                            after={"state": "submitted", "submitted_at": "2025-03-04T02:05:00+00:00"})],
                      at=at(4, 9, 5))
    audit.record_many([dict(action="plan.task.create", object_type="plan_task", object_id="9",
                            user=world.officer, unit=c0,
                            after={"title": "Làm đường", "owner": "agency", "due": "2025-06-30"})],
                      at=at(5, 10, 0))
    audit.record_many([dict(action="plan.visit.create", object_type="field_visit", object_id="3",
                            user=world.agency, unit=c0, after={"agency": "so-nn", "date": "2025-03-06"})],
                      at=at(6, 11, 0))
    audit.record_many([dict(action="plan.targets", object_type="phase", object_id="2021-2025",
                            user=world.admin, before={"nang-cao:2025": 9}, after={"nang-cao:2025": 11})],
                      at=at(7, 8, 0))
    audit.record_many([dict(action="finance.allocation", object_type="allocation", object_id="1",
                            user=world.admin, unit=c0, after={"amount": 1234567890, "share": 12.5})],
                      at=at(8, 8, 0))


def test_the_labels_read_codes_in_vietnamese():
    assert labels.action_label("plan.task.create") == "Tạo nhiệm vụ"
    assert labels.object_type_label("field_visit") == "Chuyến công tác"
    assert labels.field_label("submission", "state") == "Trạng thái"
    assert labels.value_text("submission", "state", "not_started") == "Chưa bắt đầu"
    assert labels.value_text("submission", "state", "submitted") == "Đã nộp"
    assert labels.field_label("phase", "nang-cao:2025") == "Nông thôn mới nâng cao 2025"
    assert labels.value_text("x", "level", "kieu-mau") == "Nông thôn mới kiểu mẫu"
    assert labels.value_text("x", "amount", 1234567890) == "1.234.567.890"
    assert labels.value_text("x", "share", 12.5) == "12,5"
    assert labels.value_text("x", "year", 2025) == "2025"
    assert labels.value_text("x", "at", "2025-03-04T02:05:00+00:00") == "04/03/2025 09:05"  # Vietnam time
    assert labels.value_text("x", "date", "2025-03-06") == "06/03/2025"
    assert labels.value_text("x", "done", True) == "✓"
    assert labels.action_label("bulk.magic") == "bulk.magic"  # unknown codes stay as they are


def test_the_page_shows_vietnamese_rows_and_filters(client, world):
    _mixed_records(world)
    client.force_login(world.admin)
    html = client.get(URL).content.decode()
    assert "<b title=\"state\">Trạng thái</b>: Chưa bắt đầu → Đã nộp" in html
    assert "04/03/2025 09:05" in html  # the ISO UTC time inside a value, in Vietnam time
    assert ">Tạo nhiệm vụ<" in html and ">Chuyến công tác" in html
    assert "<b title=\"owner\">Bên thực hiện</b>: Sở, ngành hỗ trợ" in html
    assert "<b title=\"nang-cao:2025\">Nông thôn mới nâng cao 2025</b>: 9 → 11" in html
    assert "1.234.567.890" in html and "12,5" in html
    # The filters offer labels; the codes stay only as the values sent back.
    assert '<option value="plan.task.create">Tạo nhiệm vụ</option>' in html
    assert '<option value="field_visit">Chuyến công tác</option>' in html
    assert ">plan.task.create<" not in html and ">field_visit<" not in html
    assert "state: not_started" not in html


def test_the_export_has_the_page_labels_and_streams(client, world):
    _mixed_records(world)
    client.force_login(world.admin)
    response = client.get(EXPORT, {"hanh_dong": "reporting.submission.submit"})
    assert response.streaming
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in ws[1]][10:14] == ["Thay đổi (cũ → mới)", "Lý do", "Trước", "Sau"]
    row = [c.value for c in ws[2]]
    assert row[0] == datetime.datetime(2025, 3, 4, 9, 5)  # noqa: DTZ001 (naive, Vietnam time)
    assert row[4:8] == ["Gửi báo cáo", "reporting.submission.submit", "Báo cáo", "5"]
    assert row[10] == "Trạng thái: Chưa bắt đầu → Đã nộp\nThời điểm nộp: 04/03/2025 09:05"
    assert ws.max_row == 2


def test_changes_text_joins_the_lines_of_a_record(world):
    record = audit.record(action="plan.commune_target", object_type="unit", object_id="x", unit=world.communes[0],
                          before={"level": "ntm", "year": 2024}, after={"level": "nang-cao", "year": 2026})
    assert queries.changes_text(record) == ("Mức đạt chuẩn: Nông thôn mới → Nông thôn mới nâng cao\n"
                                            "Năm: 2024 → 2026")


def test_the_audit_app_imports_no_app_above_it_outside_its_views():
    """Every app writes through audit.services, so the audit app below them imports none of them
    (its views, the top layer, may ask accounts.access who reads what)."""
    root = Path(__file__).resolve().parents[1]
    allowed = {"audit", "config", "django", "openpyxl"}
    for path in root.glob("*.py"):
        if path.name in {"views.py", "admin.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, f"{path.name} imports {name}"
