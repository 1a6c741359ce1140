import pytest

from audit.models import AuditRecord
from planning.models import ItemStatus, RoadmapItem, Task
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db

NEW_ITEM = {"indicators": ["3.1"], "title": "Thủy lợi", "target_date": "2026-06-30",
            "estimated_cost": "100", "funding_source": "ntm", "helping_agency": ""}


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(3)


def snapshot():
    return (RoadmapItem.objects.count(), list(RoadmapItem.objects.values_list("title", "status")),
            Task.objects.count(), AuditRecord.objects.count())


def test_a_commune_officer_cannot_edit_another_communes_roadmap(world, client):
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"])
    before = snapshot()
    client.force_login(world["commune0"])
    assert client.post(f"/ke-hoach/xa/{c1.ref}/them/", NEW_ITEM).status_code == 403
    assert client.post(f"/ke-hoach/muc/{item.pk}/edit/", {
        "title": "Đổi", "target_date": "2026-06-30", "estimated_cost": "1", "funding_source": "ntm"}).status_code == 403
    assert client.post(f"/ke-hoach/muc/{item.pk}/status/", {"status": "cancelled", "reason": "x"}).status_code == 403
    assert client.post(f"/ke-hoach/muc/{item.pk}/task/", {"title": "x", "owner": "commune"}).status_code == 403
    assert snapshot() == before
    # It reads nothing of it either: the commune is outside its scope.
    assert client.get(f"/ke-hoach/xa/{c1.ref}/").status_code == 403


def test_a_commune_officer_manages_its_own_roadmap(world, client):
    c1 = world["communes"][1]
    client.force_login(world["commune1"])
    assert client.post(f"/ke-hoach/xa/{c1.ref}/them/", NEW_ITEM).status_code == 302
    assert RoadmapItem.objects.filter(unit=c1).count() == 1


def test_a_viewers_post_changes_nothing(world, client):
    c1 = world["communes"][1]
    item = make_item(c1, ["3.1"])
    before = snapshot()
    client.force_login(world["viewer"])
    assert client.get(f"/ke-hoach/xa/{c1.ref}/").status_code == 200
    assert client.post(f"/ke-hoach/xa/{c1.ref}/them/", NEW_ITEM).status_code == 403
    for action, data in [("status", {"status": "cancelled", "reason": "x"}), ("note", {"date": "2025-01-01", "text": "x"}),
                         ("task", {"title": "x", "owner": "commune"})]:
        assert client.post(f"/ke-hoach/muc/{item.pk}/{action}/", data).status_code == 403
    assert client.post("/ke-hoach/muc-tieu/sua/", {"kind": "grid", "min-2025": "1"}).status_code == 403
    assert client.post("/ke-hoach/giup-do/", {"kind": "member", "m-commune": c1.ref, "m-name": "A"}).status_code == 403
    assert snapshot() == before


def test_an_agency_officer_manages_items_of_its_criteria_only(world, client):
    c1 = world["communes"][1]
    mine = make_item(c1, ["3.1"])      # criterion 3 is the agency's
    other = make_item(c1, ["17.1"])
    client.force_login(world["agency_user"])
    assert client.post(f"/ke-hoach/muc/{mine.pk}/status/", {"status": "in_progress"}).status_code == 302
    assert client.post(f"/ke-hoach/muc/{other.pk}/status/", {"status": "in_progress"}).status_code == 403
    before = RoadmapItem.objects.count(), AuditRecord.objects.count()
    # Outside its criteria: refused on the form with the reason, nothing written (not a bare 403).
    response = client.post(f"/ke-hoach/xa/{c1.ref}/them/", {**NEW_ITEM, "indicators": ["3.2", "17.2"]})
    assert response.status_code == 400
    errors = response.content.decode().split('id="indicator-errors"')[1].split("</div>")[0]
    assert "Chỉ tiêu 17.2 thuộc tiêu chí mà sở, ngành của bạn không phụ trách (17)" in errors
    assert (RoadmapItem.objects.count(), AuditRecord.objects.count()) == before
    # What it ticked and typed is kept; only its own criteria's indicators are offered to tick.
    html = response.content.decode()
    assert 'value="3.2" id="ind-3.2" checked' in html and 'value="Thủy lợi"' in html
    assert 'id="ind-17.2"' not in html and 'id="ind-3.2"' in html
    assert client.post(f"/ke-hoach/xa/{c1.ref}/them/", {**NEW_ITEM, "indicators": ["3.2"]}).status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == ItemStatus.IN_PROGRESS and other.status == ItemStatus.OPEN


def test_agency_pages_are_for_the_agency_and_the_province(world, client):
    url = f"/ke-hoach/co-quan/{world['other_agency'].code}/"
    client.force_login(world["agency_user"])
    assert client.get(url).status_code == 403
    assert client.get(f"/ke-hoach/co-quan/{world['agency'].code}/").status_code == 200
    client.force_login(world["commune0"])
    assert client.get(url).status_code == 403
    client.force_login(world["officer"])
    assert client.get(url).status_code == 200
