"""Hostile text in roadmaps: control characters and formulas already stored, the download name,
the forms' refusals and limits, and the client address in every audit record of a planning write."""

import datetime
import io

import pytest
from django import forms as django_forms
from docx import Document
from openpyxl import load_workbook

from audit.models import AuditRecord
from config.text import reject_control_characters
from planning import forms, services
from planning.models import FieldVisit, Phase, RoadmapItem, Task
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
IP = "203.0.113.9"
CONTROL_MESSAGE = "Văn bản có ký tự điều khiển ẩn (ví dụ ký tự tab dọc); hãy xóa các ký tự đó rồi gửi lại."


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    settings.NTM_CLIENT_IP_HEADER = ""
    return make_world(3)


@pytest.fixture
def hostile_item(world):
    """An item and tasks whose text was stored without a form (an old row, an import, a script)."""
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"], title="x")
    RoadmapItem.objects.filter(pk=item.pk).update(title=f"{FORMULA}\x0b Kè\x01 suối\x7f")
    Task.objects.create(unit=c1, item=item, title="@SUM(A1)\x1b khảo sát", owner="commune",
                        created_at=item.created_at)
    return c1, item


def test_the_roadmap_workbook_opens_with_the_text_cleaned_and_written_as_text(world, client, hostile_item):
    c1, _item = hostile_item
    client.force_login(world["commune1"])
    response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    title, tasks = ws.cell(row=4, column=3), ws.cell(row=4, column=10)
    assert title.value == f"{FORMULA} Kè suối" and title.data_type == "s"
    assert tasks.value.startswith("@SUM(A1) khảo sát") and tasks.data_type == "s"
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)


def test_the_roadmap_document_opens_with_the_text_cleaned(world, client, hostile_item):
    c1, _item = hostile_item
    client.force_login(world["commune1"])
    response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.docx")
    assert response.status_code == 200
    row = Document(io.BytesIO(response.content)).tables[0].rows[1]
    assert row.cells[2].text == f"{FORMULA} Kè suối"
    assert row.cells[9].text.startswith("@SUM(A1) khảo sát")


@pytest.mark.parametrize("fmt", ['x%22%3B%20filename%3D%22evil.html', "html", "xlsx%0d%0aX-Evil:%201", "pdf"])
def test_unknown_export_formats_are_not_found(world, client, fmt):
    c1 = world["communes"][1]
    client.force_login(world["commune1"])
    response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.{fmt}")
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_the_export_is_named_from_safe_parts(world, client):
    c1 = world["communes"][1]
    client.force_login(world["commune1"])
    for fmt in ("xlsx", "docx"):
        response = client.get(f"/ke-hoach/xa/{c1.ref}/lo-trinh.{fmt}")
        assert response["Content-Disposition"] == f'attachment; filename="lo-trinh-{c1.ref.lower()}.{fmt}"'


def _item_posts(world, item):
    return [
        ("edit", {"title": "Kè\x0b suối", "target_date": "2026-06-30", "estimated_cost": "1",
                  "funding_source": "ntm", "helping_agency": ""}),
        ("task", {"title": "Khảo\x01 sát", "owner": "commune"}),
        ("note", {"date": "2025-05-01", "text": "Đã\x1b khởi công"}),
        ("status", {"status": "cancelled", "reason": "Trùng\x7f lặp"}),
    ]


def test_item_forms_refuse_control_characters_with_a_vietnamese_message(world, client):
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"], title="Kè suối")
    client.force_login(world["commune1"])
    for action, data in _item_posts(world, item):
        response = client.post(f"/ke-hoach/muc/{item.pk}/{action}/", data, follow=True)
        assert CONTROL_MESSAGE in response.content.decode(), action
    item.refresh_from_db()
    assert item.title == "Kè suối" and item.status == "open"
    assert not item.tasks.exists() and not item.notes.exists()


def test_notes_titles_and_reasons_have_length_limits_stated_in_the_message(world, client):
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"], title="Kè suối")
    client.force_login(world["commune1"])
    cases = [
        ("note", {"date": "2025-05-01", "text": "x" * 100_000}, "Tối đa 5000 ký tự (văn bản này có 100000 ký tự)."),
        ("task", {"title": "t" * 301, "owner": "commune"}, "Tối đa 300 ký tự"),
        ("status", {"status": "cancelled", "reason": "r" * 2000}, "Tối đa 500 ký tự"),
    ]
    for action, data, message in cases:
        html = client.post(f"/ke-hoach/muc/{item.pk}/{action}/", data, follow=True).content.decode()
        assert message in html, action
        assert "x" * 10_000 not in html
    assert not item.notes.exists() and not item.tasks.exists()
    client.force_login(world["agency_user"])
    response = client.post(f"/ke-hoach/co-quan/{world['agency'].code}/chuyen-cong-tac/", {
        "commune": c1.ref, "date": "2025-04-10", "findings": "f" * 5001, "difficulties": "Thiếu\x0b vốn"})
    assert response.status_code == 400 and not FieldVisit.objects.exists()
    html = response.content.decode()
    assert "Tối đa 5000 ký tự (văn bản này có 5001 ký tự)." in html and CONTROL_MESSAGE in html


def _instances():
    levels = [("ntm", "NTM")]
    return [forms.ItemForm(), forms.NewItemForm(indicator_choices=[("3.1", "3.1")]), forms.StatusForm(),
            forms.TaskForm(), forms.TaskStatusForm(), forms.NoteForm(), forms.VisitForm(),
            forms.CommuneTargetForm(levels=levels), forms.HelpingForm(),
            forms.SupportMemberForm(), forms.BudgetForm()]


def test_every_text_field_of_the_planning_forms_has_a_limit_and_refuses_control_characters(world):
    seen = 0
    for form in _instances():
        form.full_clean()
        for name, field in form.fields.items():
            if isinstance(field, django_forms.CharField):
                seen += 1
                assert field.max_length, f"{type(form).__name__}.{name}"
                assert reject_control_characters in field.validators, f"{type(form).__name__}.{name}"
    # 12: the commune of a visit, a helping agency and a support member is picked from a list
    # (a ChoiceField, no free text) since they are picked by name.
    assert seen >= 12


def test_every_planning_write_from_a_page_records_the_client_address(world, client):
    c0, c1 = world["communes"][0], world["communes"][1]
    Phase.objects.create(code="2021-2025", name="GĐ", start_year=2021, end_year=2025, family="ntm-xa-2021")
    client.force_login(world["commune1"])
    start = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    posts = [
        (f"/ke-hoach/xa/{c1.ref}/them/", {"indicators": ["17.1"], "title": "Rác", "target_date": "2026-06-30",
                                          "estimated_cost": "1", "funding_source": "ntm", "helping_agency": ""}),
    ]
    for url, data in posts:
        assert client.post(url, data, REMOTE_ADDR=IP).status_code == 302, url
    item = RoadmapItem.objects.get(title="Rác")
    for action, data in [
        ("edit", {"title": "Rác thải", "target_date": "2026-06-30", "estimated_cost": "2", "funding_source": "ntm",
                  "helping_agency": ""}),
        ("task", {"title": "Khảo sát", "owner": "commune"}),
        ("note", {"date": "2025-05-01", "text": "Đã khởi công"}),
        ("status", {"status": "cancelled", "reason": "Trùng lặp"}),
    ]:
        assert client.post(f"/ke-hoach/muc/{item.pk}/{action}/", data, REMOTE_ADDR=IP).status_code == 302
    task = item.tasks.get()
    client.post(f"/ke-hoach/muc/{item.pk}/task-status/", {"task": task.pk, "status": "done"}, REMOTE_ADDR=IP)
    client.force_login(world["admin"])
    for data in [
        {"kind": "grid", "n-ntm-2024": "2", "min-2024": "18", "avg-2024": "18.5"},
        {"kind": "commune", "c-commune": c0.ref, "c-level_code": "ntm", "c-year": "2025"},
    ]:
        assert client.post("/ke-hoach/muc-tieu/sua/", data, REMOTE_ADDR=IP).status_code == 302
    for data in [{"kind": "help", "h-commune": c0.ref, "h-organisation": world["agency"].pk},
                 {"kind": "member", "m-commune": c0.ref, "m-name": "Ông A", "m-role": "Tổ trưởng"}]:
        assert client.post("/ke-hoach/giup-do/", data, REMOTE_ADDR=IP).status_code == 302
    client.force_login(world["agency_user"])
    client.post(f"/ke-hoach/co-quan/{world['agency'].code}/chuyen-cong-tac/", {
        "commune": c1.ref, "date": "2025-04-10", "follow_ups": "Họp dân | xã | 2025-05-15"}, REMOTE_ADDR=IP)
    records = AuditRecord.objects.filter(id__gt=start, action__startswith="plan.")
    actions = set(records.values_list("action", flat=True))
    assert actions >= {"plan.item.create", "plan.item.update", "plan.task.create", "plan.item.note",
                       "plan.item.status", "plan.task.status", "plan.targets", "plan.year_targets",
                       "plan.commune_target", "plan.helping", "plan.support_team.add", "plan.visit.create"}
    assert {r.action: r.ip_address for r in records if r.ip_address != IP} == {}


def test_services_keep_working_without_an_address(world):
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"])
    services.add_task(unit=c1, item=item, title="Khảo sát", due_date=datetime.date(2026, 1, 1))
    assert AuditRecord.objects.filter(action="plan.task.create").get().ip_address is None
