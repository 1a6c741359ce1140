"""Editing a project (with the roadmap items it serves) and the history of corrected disbursements."""

import datetime

import pytest

from audit.models import AuditRecord
from finance import services
from finance.models import Disbursement, DisbursementCorrection, Project
from finance.tests.helpers import make_finance_world
from finance.tests.test_pages import users
from planning import services as planning
from planning.models import RoadmapItem

pytestmark = pytest.mark.django_db
APRIL = datetime.date(2026, 4, 1)


def _item(unit, title):
    return planning.create_items([planning.ItemSpec(unit=unit, family="ntm-xa-2026", indicators={"2.1": ("2", "0", "1")}, title=title,
                                                    target_date=datetime.date(2026, 12, 31))])[0]


@pytest.fixture
def world():
    w = make_finance_world(n_communes=2, n_projects=2, paid=[300_000_000, None])
    w.update(users(w))
    return w


def test_a_corrected_month_keeps_the_figure_it_replaced(world):
    a = world["allocations"][0]
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 500_000_000)], origin="form")
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 450_000_000)], user=world["admin"],
                                  origin="treasury", reason="Nhập kho bạc")
    row = Disbursement.objects.get(allocation=a, month=APRIL)
    assert (row.cumulative, row.amount) == (450_000_000, 150_000_000)
    assert list(DisbursementCorrection.objects.values_list(
        "disbursement_id", "cumulative_before", "cumulative_after", "origin", "recorded_by")) == [
        (row.pk, 500_000_000, 450_000_000, "treasury", world["admin"].pk)]
    # Recording the same figure again is no correction.
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 450_000_000)])
    assert DisbursementCorrection.objects.count() == 1


def test_the_project_page_shows_the_correction(client, world):
    a = world["allocations"][0]
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 500_000_000)])
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 450_000_000)], user=world["admin"],
                                  origin="treasury")
    client.force_login(world["officer"])
    html = client.get(f"/tai-chinh/cong-trinh/{world['projects'][0].pk}/").content.decode()
    assert "04/2026: 450.000.000 đ" in html
    assert "sửa từ 500.000.000 đ" in html and "admin1" in html and "tệp kho bạc" in html


def test_an_administrator_edits_a_project_and_links_roadmap_items_of_its_commune(client, world):
    project = world["projects"][0]
    own = _item(project.unit, "Nâng cấp đường trục xã")
    other = _item(world["communes"][1], "Nhà văn hoá thôn")
    client.force_login(world["admin"])
    page = client.get(f"/tai-chinh/cong-trinh/{project.pk}/sua/").content.decode()
    assert 'value="Đường thôn 0"' in page and "Nâng cấp đường trục xã (31/12/2026)" in page
    assert "Nhà văn hoá thôn" not in page  # only the commune's own items are offered
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/sua/", {
        "name": "Đường trục xã", "kind": "road", "owner": "Ban QLDA xã", "start_date": "2026-02-01",
        "end_date": "2026-11-30", "total_investment": "2500000000", "criteria": "2, 2.1",
        "roadmap_items": [str(own.pk)], "reason": "Điều chỉnh theo quyết định 12/QĐ"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.owner, project.total_investment, project.criteria) == (
        "Đường trục xã", "Ban QLDA xã", 2_500_000_000, ["2", "2.1"])
    assert list(project.roadmap_items.values_list("pk", flat=True)) == [own.pk]
    record = AuditRecord.objects.filter(action="finance.project.update").latest("pk")
    assert record.before["name"] == "Đường thôn 0" and record.after["roadmap_items"] == [own.pk]
    detail = client.get(f"/tai-chinh/cong-trinh/{project.pk}/").content.decode()
    assert "Nâng cấp đường trục xã" in detail and "/sua/" in detail
    # An item of another commune, forged into the post, is refused and nothing changes.
    audits = AuditRecord.objects.count()
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/sua/", {
        "name": "Đổi tên", "kind": "road", "total_investment": "1", "roadmap_items": [str(other.pk)]})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.name == "Đường trục xã" and AuditRecord.objects.count() == audits
    assert RoadmapItem.objects.get(pk=other.pk).finance_projects.count() == 0


def test_the_service_refuses_an_item_of_another_commune_and_writes_nothing(world):
    project = world["projects"][0]
    other = _item(world["communes"][1], "Chợ")
    with pytest.raises(services.Refused, match="của chính xã"):
        services.update_project(project, name="X", roadmap_item_ids=[other.pk])
    assert Project.objects.get(pk=project.pk).name == "Đường thôn 0"


def test_an_end_before_the_start_is_refused_in_the_form(client, world):
    project = world["projects"][0]
    client.force_login(world["admin"])
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/sua/", {
        "name": "Đường", "kind": "road", "start_date": "2026-05-01", "end_date": "2026-01-01",
        "total_investment": "10"})
    assert response.status_code == 400 and "Ngày kết thúc công trình trước ngày khởi công" in response.content.decode()


def test_only_writers_may_open_the_edit_page(client, world):
    project = world["projects"][0]
    for who in ("officer", "commune0"):
        client.force_login(world[who])
        assert client.get(f"/tai-chinh/cong-trinh/{project.pk}/sua/").status_code == 403
        assert client.post(f"/tai-chinh/cong-trinh/{project.pk}/sua/", {"name": "X", "kind": "road",
                                                                          "total_investment": "1"}).status_code == 403
    assert Project.objects.get(pk=project.pk).name == "Đường thôn 0"


def test_money_is_typed_the_vietnamese_way_and_a_row_of_nines_is_refused(client, world):
    client.force_login(world["admin"])
    project = world["projects"][0]
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/no-dong/", {
        "n-amount": "1.250.000.000", "n-since": "2026-01-31", "n-note": "Nợ nhà thầu"})
    assert response.status_code == 302
    assert project.debts.get().amount == 1_250_000_000
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/no-dong/", {
        "n-amount": "9" * 40, "n-since": "2026-01-31"})
    assert response.status_code == 400 and project.debts.count() == 1
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/no-dong/", {
        "n-amount": "12,5", "n-since": "2026-01-31"})
    assert response.status_code == 400 and "Số tiền tính bằng đồng là số nguyên" in response.content.decode()
    page = client.get(f"/tai-chinh/cong-trinh/{project.pk}/").content.decode()
    assert 'inputmode="numeric"' in page or 'inputmode="decimal"' in page
