"""Finding 6: a province administrator cannot take over a superuser or a staff account, and the
Django admin cannot change what the services own without an audit record."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts import services
from accounts.models import Profile
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
    with time_machine.travel(datetime.datetime(2025, 3, 1, 10, tzinfo=HCM), tick=False):
        yield


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("nhan.vien", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize("who", ["root", "staff"])
@pytest.mark.parametrize("suffix", ["", "mat-khau/", "khoa/", "mo-khoa/"])
def test_a_province_admin_is_refused_on_a_privileged_account(client, world, request, who, suffix):
    target = request.getfixturevalue(who)
    client.force_login(world.admin)
    url = f"/nguoi-dung/{target.pk}/{suffix}"
    assert client.get(url).status_code == 403
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "reason": "chiếm quyền",
            "full_name": "X", "organisation": "vp", "role": "viewer"}
    assert client.post(url, data).status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and target.is_active
    assert not AuditRecord.objects.filter(object_type="user", object_id=str(target.pk)).exists()


def test_the_list_hides_privileged_accounts_from_a_province_admin(client, world, root, staff):
    client.force_login(world.admin)
    html = client.get("/nguoi-dung/").content.decode()
    assert "quan.tri" in html
    assert f"/nguoi-dung/{root.pk}/" not in html and f"/nguoi-dung/{staff.pk}/" not in html


def test_a_superuser_still_manages_a_staff_account(client, world, root, staff):
    client.force_login(root)
    assert client.get("/nguoi-dung/").content.decode().count(f"/nguoi-dung/{staff.pk}/") >= 1
    response = client.post(f"/nguoi-dung/{staff.pk}/mat-khau/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "reason": "quên"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)


def test_the_services_refuse_a_province_admin_on_a_superuser(world, root):
    with pytest.raises(PermissionDenied):
        services.set_password(by=world.admin, user=root, password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.set_active(by=world.admin, user=root, active=False)


# ------------------------------------------------------------------ the Django admin

def _admin_request(user):
    request = RequestFactory().get("/quan-tri/")
    request.user = user
    return request


def test_every_admin_of_a_service_owned_model_is_read_only(root):
    request = _admin_request(root)
    writable = {User._meta.label, "auth.Group"}  # audited, superusers only
    checked = []
    for model, model_admin in admin.site._registry.items():
        inlines = model_admin.get_inline_instances(request)
        for inline in inlines:
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request), inline
            assert not inline.has_delete_permission(request), inline
        if model._meta.label in writable:
            continue
        checked.append(model._meta.label)
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    assert {"units.Unit", "units.UnitLineage", "otp_totp.TOTPDevice", "audit.AuditRecord"} <= set(checked)


def test_the_admin_refuses_to_change_a_unit_a_role_or_a_device(client, world, root):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.admin, name="x", confirmed=True)
    client.force_login(root)
    unit = world.communes[0]
    response = client.post(f"/quan-tri/units/unit/{unit.pk}/change/", {"name": "Đổi tên"})
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name != "Đổi tên"
    assert client.post(f"/quan-tri/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/quan-tri/units/unit/add/").status_code == 403


def test_a_staff_member_who_is_not_a_superuser_cannot_grant_superuser(client, world, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    client.force_login(staff)
    url = f"/quan-tri/auth/user/{staff.pk}/change/"
    response = client.post(url, {"username": "nhan.vien", "is_active": "on", "is_staff": "on",
                                 "is_superuser": "on", "date_joined_0": "2025-03-01",
                                 "date_joined_1": "10:00:00"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_a_superuser_change_in_the_admin_writes_an_audit_record(client, world, root):
    client.force_login(root)
    target = world.viewer
    url = f"/quan-tri/auth/user/{target.pk}/change/"
    profile = Profile.objects.get(user=target)
    data = {
        "username": target.username, "first_name": "A", "last_name": "B", "email": "",
        "is_active": "on", "is_staff": "on", "date_joined_0": "2025-03-01", "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-id": str(profile.pk), "profile-0-user": str(target.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.is_staff
    record = AuditRecord.objects.get(action="admin.change", object_id=str(target.pk))
    assert record.user == root
    assert record.object_type == "auth.user"
    assert record.before["is_staff"] is False and record.after["is_staff"] is True
    assert "password" not in str(record.after)


def test_a_password_set_in_the_admin_writes_an_audit_record_without_it(client, world, root):
    client.force_login(root)
    target = world.viewer
    response = client.post(f"/quan-tri/auth/user/{target.pk}/password/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="admin.change", object_id=str(target.pk))
    assert NEW_PASSWORD not in str(record.before) + str(record.after) + record.reason
