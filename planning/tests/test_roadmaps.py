import datetime

import pytest
import time_machine

from assessments import services as assessments
from assessments.models import Evaluation
from assessments.tests.helpers import values_for
from audit.models import AuditRecord
from planning import queries, services
from planning.models import ItemStatus, RoadmapItem, TaskOwner
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(3)


def unmet_indicators(unit, period):
    evaluation = Evaluation.objects.get(unit=unit, period=period, criteria_set__level_rank=1)
    return {code for code, status in evaluation.result["indicators"].items() if status == "unmet"}


def test_proposals_are_generated_exactly_for_unmet_indicators(world, client):
    c0, c1, c2 = world["communes"]
    ctx = queries.current_context()
    for unit in (c0, c1, c2):
        codes = {p.code for p in queries.proposals(ctx, unit)}
        assert codes == unmet_indicators(unit, world["period"])
    assert {p.code for p in queries.proposals(ctx, c0)} == {"10.1"}
    assert {p.code for p in queries.proposals(ctx, c1)} == {"3.1", "3.2", "17.1", "17.2", "17.3", "17.4", "17.5"}
    assert queries.proposals(ctx, c2) == []
    proposal = queries.proposals(ctx, c0)[0]
    assert proposal.value and proposal.threshold.startswith("≥ ")
    client.force_login(world["admin"])
    html = client.get(f"/ke-hoach/xa/{c1.ref}/").content.decode()
    assert html.count("data-proposal=") == 7
    assert 'data-proposal="10.1"' not in html


def test_an_officer_merges_two_proposals_into_one_item_with_an_audit_record(world, client):
    c1 = world["communes"][1]
    client.force_login(world["commune1"])
    before = AuditRecord.objects.count()
    response = client.post(f"/ke-hoach/xa/{c1.ref}/them/", {
        "indicators": ["17.1", "17.2"], "title": "Xử lý rác thải", "target_date": "2026-06-30",
        "estimated_cost": "2500000000", "funding_source": "integrated", "helping_agency": "",
    })
    assert response.status_code == 302
    item = RoadmapItem.objects.get()
    assert sorted(i.indicator for i in item.indicators.all()) == ["17.1", "17.2"]
    assert {i.criterion for i in item.indicators.all()} == {"17"}
    assert item.estimated_cost == 2_500_000_000 and item.funding_source == "integrated"
    assert AuditRecord.objects.filter(action="plan.item.create", object_id=str(item.pk)).count() == 1
    assert AuditRecord.objects.count() == before + 1
    html = client.get(f"/ke-hoach/xa/{c1.ref}/").content.decode()
    assert "Xử lý rác thải" in html


def test_an_item_becomes_met_when_new_values_meet_the_threshold_and_can_be_closed(world, client):
    c0, period = world["communes"][0], world["period"]
    item = make_item(c0, ["10.1"], user=world["admin"])
    ctx = queries.current_context()
    queries.annotate_items([item], ctx)
    assert not item.met
    with pytest.raises(ValueError):
        services.set_item_status(item, ItemStatus.DONE, met=item.met, user=world["admin"])
    client.force_login(world["commune0"])
    response = client.post(f"/ke-hoach/muc/{item.pk}/status/", {"status": "done", "reason": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN

    assessments.record_values_many(period, {c0: {"10.1": values_for(period, seed=0)["10.1"]}},
                                   source="báo cáo", reason="thu nhập cập nhật")
    html = client.get(f"/ke-hoach/muc/{item.pk}/").content.decode()
    assert 'id="item-met"' in html
    assert f'data-met="{item.pk}"' in client.get(f"/ke-hoach/xa/{c0.ref}/").content.decode()
    response = client.post(f"/ke-hoach/muc/{item.pk}/status/", {"status": "done", "reason": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.closed_at is not None
    assert AuditRecord.objects.filter(action="plan.item.status", object_id=str(item.pk)).exists()


@time_machine.travel(datetime.datetime(2025, 7, 1, 9, tzinfo=datetime.UTC))
def test_overdue_items_show_on_the_commune_agency_and_watch_pages(world, client):
    c1 = world["communes"][1]
    assessments.record_recognition(c1, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                   decision_number="5/QĐ", decision_date=datetime.date(2020, 1, 1), issuer="UBND")
    late = make_item(c1, ["3.1", "3.2"], target_date=datetime.date(2025, 3, 31))
    on_time = make_item(c1, ["17.1"], target_date=datetime.date(2025, 12, 31))
    client.force_login(world["admin"])
    pages = {
        "commune": f"/ke-hoach/xa/{c1.ref}/",
        "agency": f"/ke-hoach/co-quan/{world['agency'].code}/",
        "watch": "/ke-hoach/theo-doi/",
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert f'data-overdue="{late.pk}"' in html, name
        assert f'data-overdue="{on_time.pk}"' not in html, name
    client.force_login(world["agency_user"])
    assert f'data-overdue="{late.pk}"' in client.get(pages["agency"]).content.decode()


def test_tasks_and_progress_notes_with_evidence(world, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_DIR = tmp_path
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"])
    client.force_login(world["commune1"])
    client.post(f"/ke-hoach/muc/{item.pk}/task/", {"title": "Khảo sát", "owner": "agency",
                                                   "organisation": world["agency"].pk, "due_date": "2026-01-31"})
    task = item.tasks.get()
    assert task.owner == TaskOwner.AGENCY and task.organisation == world["agency"]
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(f"/ke-hoach/muc/{item.pk}/note/", {"date": "2025-05-01", "text": "Đã khởi công", "evidence": pdf})
    note = item.notes.get()
    assert note.evidence.name.endswith(".pdf")
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    client.post(f"/ke-hoach/muc/{item.pk}/note/", {"date": "2025-05-02", "text": "x", "evidence": exe})
    assert item.notes.count() == 1
    # The agency officer closes the task assigned to the agency.
    client.force_login(world["agency_user"])
    client.post(f"/ke-hoach/muc/{item.pk}/task-status/", {"task": task.pk, "status": "done"})
    task.refresh_from_db()
    assert task.status == "done"
