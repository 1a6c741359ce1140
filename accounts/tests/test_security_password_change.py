"""Users change their own password at /tai-khoan/mat-khau/."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from accounts.tests.login_helpers import PASSWORD, make_user
from audit.models import AuditRecord

NEW = "Ruong-Bac-Thang-2026"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(reverse("password_change"), {
        "old_password": old, "new_password1": new, "new_password2": new if again is None else again,
    })


@pytest.mark.django_db
def test_the_page_is_at_mat_khau():
    assert reverse("password_change") == "/tai-khoan/mat-khau/"


@pytest.mark.django_db
def test_it_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_user_changes_the_password_and_stays_logged_in(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    response = change(client)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("password_change")).status_code == 200  # session kept


@pytest.mark.django_db
def test_the_change_writes_an_audit_record_without_the_password(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    change(client, new=NEW)
    record = AuditRecord.objects.get(action="user.password_change")
    assert record.user == user
    assert record.object_id == str(user.pk)
    assert NEW not in str([record.before, record.after, record.reason])


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["ngan-qua", "1234567890123", "password123", "xa.amusung1"])
def test_a_weak_password_is_rejected(client, weak):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    response = change(client, new=weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action="user.password_change").exists()


@pytest.mark.django_db
def test_a_wrong_old_password_is_rejected(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    response = change(client, old="not-my-password")
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_two_new_passwords_must_match(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    response = change(client, again=NEW + "x")
    assert response.context["form"].errors["new_password2"]


# Finding 14: wrong current passwords are throttled like the login.

START = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)
LOCKED = "Nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau 2 giây."


@pytest.mark.django_db
def test_twenty_five_wrong_current_passwords_then_the_right_one_is_refused(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(25):
            change(client, old="not-my-password")
        response = change(client)
        assert response.status_code == 200
        assert response.context["form"].errors["old_password"] == [LOCKED]
        assert LOCKED in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert not AuditRecord.objects.filter(action="user.password_change").exists()
        record = AuditRecord.objects.get(action="user.password_change_locked", object_type="account")
        assert record.user == user and record.object_id == "xa.amusung"
        assert record.after == {"failures": 5, "seconds": 2}
        assert "not-my-password" not in str(record.__dict__)
        # The delay passes: the right password works again.
        clock.shift(datetime.timedelta(seconds=2))
        assert change(client).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


@pytest.mark.django_db
def test_four_wrong_current_passwords_do_not_delay(client):
    user = make_user("xa.amusung", role=Role.VIEWER)
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            response = change(client, old="not-my-password")
        assert LOCKED not in response.content.decode()
        assert change(client).status_code == 302
