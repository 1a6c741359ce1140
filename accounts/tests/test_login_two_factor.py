"""Two-factor authentication (TOTP): login with the code, enrolment, turning it off."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.security import locked_message
from accounts.tests.login_helpers import PASSWORD, form_errors, log_in, make_user
from audit.models import AuditRecord


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def with_device(user, *, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


@pytest.mark.django_db
def test_an_admin_with_a_device_cannot_log_in_without_the_code(client):
    with_device(make_user("tinh.admin"))
    response = log_in(client, "tinh.admin")
    assert response.status_code == 200
    assert form_errors(response) == ["Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng."]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_admin_with_a_device_cannot_log_in_with_a_wrong_code(client):
    device = with_device(make_user("tinh.admin"))
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    assert log_in(client, "tinh.admin", code=wrong).status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_admin_with_a_device_logs_in_with_the_code_and_stays_in(client):
    device = with_device(make_user("tinh.admin"))
    response = log_in(client, "tinh.admin", code=code(device))
    assert response.status_code == 302
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert page.context["user"].is_verified()


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_delay(client):
    with_device(make_user("tinh.admin"))
    with time_machine.travel(datetime.datetime(2025, 9, 1, 8, tzinfo=datetime.UTC), tick=False):
        for _ in range(5):
            response = log_in(client, "tinh.admin", code="000000")
    assert form_errors(response) == [locked_message(2)]


@pytest.mark.django_db
def test_a_code_is_accepted_only_once(client):
    device = with_device(make_user("tinh.admin"))
    used = code(device)
    assert log_in(client, "tinh.admin", code=used).status_code == 302
    client.logout()
    assert log_in(client, "tinh.admin", code=used).status_code == 200


@pytest.mark.django_db
def test_an_unconfirmed_device_asks_for_no_code(client):
    with_device(make_user("tinh.admin"), confirmed=False)
    assert log_in(client, "tinh.admin").status_code == 302


@pytest.mark.django_db
def test_a_session_without_the_second_factor_is_logged_out(client):
    user = make_user("tinh.admin")
    with_device(user)
    client.force_login(user)  # as if through a login path that skipped the code
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_site_login_does_not_bypass_the_second_factor(client):
    user = make_user("tinh.admin")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    with_device(user)
    client.post("/quan-tri/login/", {"username": "tinh.admin", "password": PASSWORD})
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_confirms_the_device(client):
    user = make_user("tinh.admin")
    client.force_login(user)
    assert client.post(reverse("two_factor"), {"start": "1"}).status_code == 302
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<svg width="' in body and 'class="qr"' in body
    assert "<script" not in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get(reverse("two_factor")).context["key"] == page.context["key"]  # same secret

    response = client.post(reverse("two_factor"), {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditRecord.objects.filter(action="user.2fa_enable", object_id=str(user.pk)).exists()
    # the enrolling session is verified: it is not logged out
    assert client.get(reverse("two_factor")).context["enabled"] is True


@pytest.mark.django_db
def test_enrolment_refuses_a_wrong_code(client):
    user = make_user("tinh.admin")
    client.force_login(user)
    client.post(reverse("two_factor"), {"start": "1"})
    response = client.post(reverse("two_factor"), {"token": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not AuditRecord.objects.filter(action="user.2fa_enable").exists()


@pytest.mark.django_db
def test_opening_the_page_creates_no_device_until_enrolment_starts(client):
    user = make_user("tinh.admin")
    client.force_login(user)
    for _ in range(3):
        page = client.get(reverse("two_factor"))
        assert page.status_code == 200
        assert "Bắt đầu thiết lập xác thực hai bước" in page.content.decode()
        assert "qr" not in page.context
    assert not TOTPDevice.objects.exists()
    client.post(reverse("two_factor"), {"start": "1"})
    client.post(reverse("two_factor"), {"start": "1"})  # a second click keeps the same device
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1


@pytest.mark.django_db
def test_a_superuser_may_enrol(client, officer):
    client.force_login(officer)
    assert client.get(reverse("two_factor")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROVINCE_OFFICER, Role.VIEWER])
def test_non_administrators_cannot_open_enrolment(client, role):
    client.force_login(make_user("tinh.canbo", role=role))
    assert client.get(reverse("two_factor")).status_code == 403
    assert client.post(reverse("two_factor"), {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_enrolment_needs_a_login(client):
    response = client.get(reverse("two_factor"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_turning_it_off_needs_a_current_code(client):
    user = make_user("tinh.admin")
    device = with_device(user)
    log_in(client, "tinh.admin", code=code(device))
    response = client.post(reverse("two_factor_disable"), {"token": "000000"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()

    # a code is accepted once: the login used this time step's, so take the next step's
    with time_machine.travel(datetime.timedelta(seconds=31)):
        response = client.post(reverse("two_factor_disable"), {"token": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditRecord.objects.filter(action="user.2fa_disable", object_id=str(user.pk)).exists()
    # still logged in, and the next login needs no code
    assert client.get(reverse("password_change")).status_code == 200
    client.logout()
    assert log_in(client, "tinh.admin").status_code == 302
