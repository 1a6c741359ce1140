import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import services as audit
from audit.models import AuditRecord
from audit.tests.helpers import at, make_world, shown_ids, value_records

pytestmark = pytest.mark.django_db

URL = "/nhat-ky/"


@pytest.fixture
def world(django_user_model):
    return make_world(django_user_model)


def _records(world):
    """One record per kind of row the scope rule tells apart."""
    c0, c1 = world.communes[0], world.communes[1]  # districts 0 and 1
    return {
        "c0": audit.record_many([dict(action="values.record", object_type="unit_period_values",
                                      object_id=f"{c0.ref}/2024", user=world.commune, unit=c0,
                                      before={"10.1": 30}, after={"10.1": 41.5}, reason="Điều tra lại",
                                      ip_address="10.0.0.7")], at=at(3, 8, 15))[0],
        "c1": audit.record_many([dict(action="recognition.create", object_type="recognition",
                                      object_id="7", user=world.admin, unit=c1,
                                      after={"level": "ntm"})], at=at(5, 14, 30))[0],
        "district": audit.record_many([dict(action="plan.targets", object_type="phase",
                                            object_id="2021-2025", user=world.district,
                                            unit=world.districts[0], after={"ntm:2025": 12})],
                                      at=at(7))[0],
        "user": audit.record_many([dict(action="user.deactivate", object_type="user",
                                        object_id=world.viewer.pk, user=world.admin,
                                        before={"is_active": True}, after={"is_active": False},
                                        reason="Nghỉ việc")], at=at(9))[0],
    }


def test_it_shows_who_when_where_what_and_why(client, world):
    records = _records(world)
    client.force_login(world.admin)
    response = client.get(URL, {"hanh_dong": "values.record"})
    html = response.content.decode()
    assert response.status_code == 200
    assert shown_ids(response) == [records["c0"].pk]
    assert "03/03/2025 08:15" in html  # local time
    assert "xa.0" in html and "Lê Thị Xã" in html
    assert "10.0.0.7" in html
    assert "Nhập số liệu" in html  # the action's Vietnamese label
    assert "Xã Thử 000" in html and records["c0"].object_id in html
    assert '<b title="10.1">10.1</b>: 30 → 41,5' in html
    assert "Điều tra lại" in html


def test_it_lists_newest_first_and_shows_unknown_actions_raw(client, world):
    records = _records(world)
    odd = audit.record(action="bulk.magic", object_type="widget", object_id="1", user=world.admin)
    client.force_login(world.admin)
    response = client.get(URL)
    ids = shown_ids(response)
    assert ids[0] == odd.pk
    assert ids.index(records["user"].pk) < ids.index(records["district"].pk) < ids.index(records["c1"].pk)
    assert "bulk.magic" in response.content.decode()


def test_it_filters_by_user(client, world):
    records = _records(world)
    client.force_login(world.admin)
    response = client.get(URL, {"nguoi": "HUYEN"})
    assert shown_ids(response) == [records["district"].pk]


def test_it_filters_by_unit_name_or_code(client, world):
    records = _records(world)
    client.force_login(world.admin)
    assert shown_ids(client.get(URL, {"don_vi": "xã thử 001"})) == [records["c1"].pk]
    assert shown_ids(client.get(URL, {"don_vi": world.communes[0].code})) == [records["c0"].pk]


def test_it_filters_by_action_and_object_type(client, world):
    records = _records(world)
    client.force_login(world.admin)
    assert shown_ids(client.get(URL, {"hanh_dong": "recognition.create"})) == [records["c1"].pk]
    assert shown_ids(client.get(URL, {"loai": "phase"})) == [records["district"].pk]


def test_it_filters_by_local_dates_inclusive(client, world):
    records = _records(world)
    client.force_login(world.admin)
    response = client.get(URL, {"tu_ngay": "03/03/2025", "den_ngay": "07/03/2025"})
    assert shown_ids(response) == [records["district"].pk, records["c1"].pk, records["c0"].pk]
    # 00:30 on 10 March in Vietnam is still 9 March in UTC: it belongs to the 10th.
    late = audit.record_many([dict(action="values.record", object_type="unit_period_values",
                                   unit=world.communes[0])], at=at(10, 0, 30))[0]
    assert shown_ids(client.get(URL, {"tu_ngay": "10/03/2025", "den_ngay": "10/03/2025"})) == [late.pk]
    assert records["user"].pk in shown_ids(client.get(URL, {"den_ngay": "09/03/2025"}))
    assert late.pk not in shown_ids(client.get(URL, {"den_ngay": "09/03/2025"}))


def test_it_reports_a_bad_date_instead_of_failing(client, world):
    _records(world)
    client.force_login(world.admin)
    response = client.get(URL, {"tu_ngay": "31/02/2025"})
    assert response.status_code == 200
    assert 'class="msg msg-error"' in response.content.decode()


def test_it_shows_an_empty_state(client, world):
    client.force_login(world.admin)
    response = client.get(URL, {"nguoi": "không-ai-cả"})
    assert shown_ids(response) == []
    assert 'class="empty"' in response.content.decode()


def test_it_paginates_fifty_a_page(client, world):
    value_records(world, 60)
    client.force_login(world.admin)
    filters = {"hanh_dong": "values.record"}
    assert len(shown_ids(client.get(URL, filters))) == 50
    assert len(shown_ids(client.get(URL, {**filters, "trang": 2}))) == 10


# The scope rule.

def test_a_commune_officer_sees_only_its_commune(client, world):
    records = _records(world)
    client.force_login(world.commune)
    assert shown_ids(client.get(URL)) == [records["c0"].pk]


def test_a_district_officer_sees_its_district_but_not_user_management(client, world):
    records = _records(world)
    client.force_login(world.district)
    ids = shown_ids(client.get(URL))
    assert ids == [records["district"].pk, records["c0"].pk]
    assert records["user"].pk not in ids


def test_an_agency_officer_sees_every_unit_record_but_no_record_without_a_unit(client, world):
    records = _records(world)
    client.force_login(world.agency)
    assert shown_ids(client.get(URL)) == [records["district"].pk, records["c1"].pk, records["c0"].pk]


def test_a_province_officer_sees_user_management_records(client, world):
    records = _records(world)
    client.force_login(world.officer)
    ids = shown_ids(client.get(URL))
    assert records["user"].pk in ids and records["c0"].pk in ids
    assert len(ids) == AuditRecord.objects.count()


def test_a_user_without_a_role_is_refused(client, world):
    _records(world)
    client.force_login(world.nobody)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "xuat.xlsx").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_nav_links_follow_the_role(client, world):
    client.force_login(world.commune)
    html = client.get(URL).content.decode()
    assert 'href="/nhat-ky/"' in html and 'href="/nguoi-dung/"' not in html
    client.force_login(world.admin)
    html = client.get(URL).content.decode()
    assert 'href="/nhat-ky/"' in html and 'href="/nguoi-dung/"' in html


@pytest.mark.parametrize("persona", ["admin", "commune"])
def test_the_query_count_does_not_grow_with_the_rows(client, world, persona):
    user = getattr(world, persona)
    client.force_login(user)
    value_records(world, 5)
    client.get(URL)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert len(shown_ids(client.get(URL))) >= 5
    value_records(world, 45, day=11, user=world.admin)
    with CaptureQueriesContext(connection) as large:
        assert len(shown_ids(client.get(URL))) == 50
    assert len(small.captured_queries) == len(large.captured_queries)
