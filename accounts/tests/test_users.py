import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from accounts import services
from accounts.models import Profile, Role
from audit.models import AuditRecord
from audit.tests.helpers import HCM, PASSWORD, make_world

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Lua-Gao-Mua-Vang-2025"


@pytest.fixture
def world(django_user_model, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(django_user_model)


@pytest.fixture(autouse=True)
def before_the_reform():
    # make_province builds the pre-reform map (valid to 30/6/2025).
    with time_machine.travel(datetime.datetime(2025, 3, 1, 10, tzinfo=HCM), tick=False):
        yield


def _create_data(world, **overrides):
    data = {"username": "xa.moi", "full_name": "Trần Văn Mới", "email": "moi@example.vn",
            "organisation": "xa-0", "role": Role.COMMUNE_OFFICER, "scope_unit": world.communes[0].ref,
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(overrides)
    return data


def test_an_admin_creates_a_user(client, world):
    client.force_login(world.admin)
    assert client.get("/nguoi-dung/them/").status_code == 200
    response = client.post("/nguoi-dung/them/", _create_data(world), REMOTE_ADDR="10.1.2.3")
    user = User.objects.get(username="xa.moi")
    assert response.status_code == 302 and response["Location"] == f"/nguoi-dung/{user.pk}/"
    assert user.get_full_name() == "Trần Văn Mới" and user.check_password(NEW_PASSWORD)
    assert user.profile.role == Role.COMMUNE_OFFICER
    assert user.profile.organisation.code == "xa-0" and user.profile.scope_unit == world.communes[0]
    record = AuditRecord.objects.get(action="user.create", object_id=str(user.pk))
    assert record.user == world.admin and record.ip_address == "10.1.2.3"
    assert record.after["role"] == Role.COMMUNE_OFFICER
    text = str(record.before) + str(record.after) + record.reason
    assert NEW_PASSWORD not in text and "password" not in text and user.password not in text


def test_the_scope_select_offers_the_province_units_valid_today(client, world):
    client.force_login(world.admin)
    html = client.get("/nguoi-dung/them/").content.decode()
    for unit in [world.province, *world.districts, *world.communes]:
        assert f'value="{unit.ref}"' in html
    with time_machine.travel(datetime.datetime(2025, 8, 1, tzinfo=HCM)):
        html = client.get("/nguoi-dung/them/").content.decode()
    assert f'value="{world.communes[0].ref}"' not in html


def test_a_weak_password_is_refused_with_a_message(client, world):
    client.force_login(world.admin)
    response = client.post("/nguoi-dung/them/", _create_data(world, password1="12345678",
                                                              password2="12345678"))
    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(username="xa.moi").exists()
    # Django's own Vietnamese messages (too short, too common, entirely numeric).
    assert "Mật khẩu quá ngắn: phải có ít nhất 10 ký tự." in html
    assert "Mật khẩu này quá phổ biến." in html
    assert "Mật khẩu này hoàn toàn là số." in html


def test_mismatched_passwords_and_a_taken_username_are_refused(client, world):
    client.force_login(world.admin)
    response = client.post("/nguoi-dung/them/", _create_data(world, username="XA.0",
                                                              password2=NEW_PASSWORD + "x"))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"username", "password2"}
    assert User.objects.filter(username__iexact="xa.0").count() == 1


def test_a_role_that_does_not_fit_the_organisation_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post("/nguoi-dung/them/", _create_data(world, role=Role.PROVINCE_ADMIN))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="xa.moi").exists()


def test_an_admin_edits_a_user_with_a_reason(client, world):
    client.force_login(world.admin)
    target = world.commune
    assert client.get(f"/nguoi-dung/{target.pk}/").status_code == 200
    response = client.post(f"/nguoi-dung/{target.pk}/", {
        "full_name": "Lê Thị Xã Mới", "email": "xa0@example.vn", "organisation": "xa-0",
        "role": Role.VIEWER, "scope_unit": "", "reason": "Chuyển sang chỉ xem"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.get_full_name() == "Lê Thị Xã Mới" and target.profile.role == Role.VIEWER
    record = AuditRecord.objects.get(action="user.update", object_id=str(target.pk))
    assert record.before["role"] == Role.COMMUNE_OFFICER and record.after["role"] == Role.VIEWER
    assert record.reason == "Chuyển sang chỉ xem"


def test_an_admin_resets_a_password(client, world):
    client.force_login(world.admin)
    url = f"/nguoi-dung/{world.commune.pk}/mat-khau/"
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                 "reason": "Quên mật khẩu"})
    assert response.status_code == 302
    world.commune.refresh_from_db()
    assert world.commune.check_password(NEW_PASSWORD)
    record = AuditRecord.objects.get(action="user.password_reset")
    assert record.before is None and record.after is None and record.reason == "Quên mật khẩu"


def test_deactivating_stops_the_user_logging_in_and_reactivating_restores_it(client, world):
    client.force_login(world.admin)
    url = f"/nguoi-dung/{world.commune.pk}/khoa/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Nghỉ việc"})
    assert response.status_code == 302
    world.commune.refresh_from_db()
    assert world.commune.is_active is False
    record = AuditRecord.objects.get(action="user.deactivate")
    assert record.after == {"is_active": False} and record.reason == "Nghỉ việc"
    other = client_class_login(world.commune.username)
    assert other is False
    client.post(f"/nguoi-dung/{world.commune.pk}/mo-khoa/", {"reason": "Trở lại làm việc"})
    world.commune.refresh_from_db()
    assert world.commune.is_active is True
    assert client_class_login(world.commune.username) is True


def client_class_login(username) -> bool:
    from django.test import Client

    return Client().login(username=username, password=PASSWORD)


def test_an_admin_cannot_deactivate_itself(client, world):
    client.force_login(world.admin)
    response = client.post(f"/nguoi-dung/{world.admin.pk}/khoa/", {"reason": "thử"})
    assert response.status_code == 200
    world.admin.refresh_from_db()
    assert world.admin.is_active is True


def test_the_list_searches_and_filters(client, world):
    services.set_active(by=world.admin, user=world.viewer, active=False, reason="x")
    client.force_login(world.admin)

    def names(params):
        response = client.get("/nguoi-dung/", params)
        assert response.status_code == 200
        return sorted(u.username for u in response.context["page"].object_list)

    assert names({"q": "xã"}) == ["xa.0"]  # full name
    assert names({"vai_tro": Role.DISTRICT_OFFICER}) == ["huyen.0"]
    assert names({"to_chuc": "vp"}) == ["can.bo", "quan.tri", "xem"]
    assert names({"to_chuc": "vp", "trang_thai": "0"}) == ["xem"]
    assert "khong.vai.tro" in names({})


@pytest.mark.parametrize("persona", ["officer", "agency", "district", "commune", "viewer", "nobody"])
def test_everyone_but_an_admin_is_refused_on_every_url_and_nothing_changes(client, world, persona):
    client.force_login(getattr(world, persona))
    target = world.commune
    before = (User.objects.count(), Profile.objects.count(), AuditRecord.objects.count())
    password_hash = User.objects.get(pk=target.pk).password
    requests = [
        ("/nguoi-dung/", {}),
        ("/nguoi-dung/them/", _create_data(world)),
        (f"/nguoi-dung/{target.pk}/", {"full_name": "X", "email": "", "organisation": "vp",
                                        "role": Role.PROVINCE_ADMIN, "reason": "x"}),
        (f"/nguoi-dung/{target.pk}/mat-khau/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        (f"/nguoi-dung/{target.pk}/khoa/", {"reason": "x"}),
        (f"/nguoi-dung/{target.pk}/mo-khoa/", {"reason": "x"}),
    ]
    for url, data in requests:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    target.refresh_from_db()
    assert (User.objects.count(), Profile.objects.count(), AuditRecord.objects.count()) == before
    assert target.password == password_hash and target.is_active
    assert target.profile.role == Role.COMMUNE_OFFICER


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get("/nguoi-dung/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_list_query_count_does_not_grow_with_the_users(client, world, django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.admin)
    client.get("/nguoi-dung/")
    with CaptureQueriesContext(connection) as small:
        client.get("/nguoi-dung/")
    organisation = world.commune.profile.organisation
    for i in range(10):
        services.create_user(by=world.admin, username=f"them.{i}", full_name="Người Thêm",
                             email="", organisation=organisation, role=Role.VIEWER,
                             password=PASSWORD)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/nguoi-dung/")
    assert len(response.context["page"].object_list) == 17
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_new_user_form_starts_with_the_least_privilege(client, world):
    client.force_login(world.admin)
    page = client.get("/nguoi-dung/them/").content.decode()
    assert f'<option value="{Role.VIEWER}" selected>' in page
    assert f'<option value="{Role.PROVINCE_ADMIN}" selected>' not in page
