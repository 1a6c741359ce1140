"""Failed-login throttling per account and per client address: a growing delay, not a lock.

The clock is frozen (time_machine, tick=False) in every test, so delays end exactly when the
tests move it."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.security import client_ip, is_locked, locked_message, retry_after
from accounts.tests.login_helpers import PASSWORD, form_errors, log_in, make_user
from audit.models import AuditRecord

START = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def wait(clock, seconds):
    clock.shift(datetime.timedelta(seconds=seconds))


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = log_in(client, username, "wrong-password-123", ip=ip)
    return response


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password(client):
    make_user("tinh.admin")
    response = log_in(client, "tinh.admin")
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_a_wrong_password_gets_the_generic_message(client):
    make_user("tinh.admin")
    response = fail(client, "tinh.admin", 1)
    assert response.status_code == 200
    assert form_errors(response) == ["Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng."]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_five_failures_delay_the_account_and_the_right_password_is_then_refused(client):
    make_user("tinh.admin")
    response = fail(client, "tinh.admin", 5)
    assert form_errors(response) == [locked_message(2)]
    response = log_in(client, "tinh.admin")
    assert response.status_code == 200
    assert form_errors(response) == [locked_message(2)]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_five_wrong_passwords_by_a_stranger_do_not_lock_the_owner_out(client, clock):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 5, ip="10.9.9.9")
    wait(clock, 2)
    assert log_in(client, "tinh.admin", ip="10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_each_failure_after_the_limit_doubles_the_delay_up_to_fifteen_minutes(client, clock):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 5)
    delays = [retry_after("tinh.admin", "10.0.0.1")]
    for _ in range(11):
        wait(clock, delays[-1])  # wait out the delay, then fail once more
        response = fail(client, "tinh.admin", 1)
        delays.append(retry_after("tinh.admin", "10.0.0.1"))
    assert delays == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert form_errors(response) == [locked_message(900)]
    assert form_errors(response) == ["Quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau 15 phút."]


@pytest.mark.django_db
def test_an_attempt_during_the_delay_is_not_counted(client, clock):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 5)
    fail(client, "tinh.admin", 10)  # refused unchecked: the delay does not grow
    assert retry_after("tinh.admin", "10.0.0.1") == 2


@pytest.mark.django_db
def test_four_failures_do_not_lock(client):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 4)
    assert log_in(client, "tinh.admin").status_code == 302


@pytest.mark.django_db
def test_the_delay_message_is_vietnamese_and_names_the_wait(client):
    make_user("tinh.admin")
    response = fail(client, "tinh.admin", 5)
    assert form_errors(response) == [
        "Quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau 2 giây."
    ]
    assert "Quá nhiều lần đăng nhập không thành công" in response.content.decode()


@pytest.mark.django_db
def test_the_username_is_counted_whatever_its_case(client):
    make_user("tinh.admin")
    for name in ["tinh.admin", "TINH.ADMIN", "Tinh.Admin", " tinh.admin", "tinh.ADMIN"]:
        fail(client, name, 1)
    assert form_errors(log_in(client, "tinh.admin")) == [locked_message(2)]


@pytest.mark.django_db
def test_another_account_is_not_affected(client):
    make_user("tinh.admin")
    make_user("tinh.canbo")
    fail(client, "tinh.admin", 5)
    assert log_in(client, "tinh.canbo").status_code == 302


@pytest.mark.django_db
def test_an_unknown_username_gets_the_same_messages(client):
    make_user("tinh.admin")
    known = fail(client, "tinh.admin", 1)
    unknown = fail(client, "khong.ton.tai", 1)
    assert form_errors(known) == form_errors(unknown)
    known = fail(client, "tinh.admin", 4)
    unknown = fail(client, "khong.ton.tai", 4)
    assert form_errors(known) == form_errors(unknown) == [locked_message(2)]


@pytest.mark.django_db
def test_a_successful_login_clears_the_account_counter(client):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 4)
    assert log_in(client, "tinh.admin").status_code == 302
    client.logout()
    fail(client, "tinh.admin", 4)
    assert log_in(client, "tinh.admin").status_code == 302


@pytest.mark.django_db
def test_the_delay_ends_on_time(client, clock):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 5)
    wait(clock, 1)
    assert form_errors(log_in(client, "tinh.admin")) == [locked_message(1)]
    wait(clock, 1)
    assert log_in(client, "tinh.admin").status_code == 302


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_count(client, clock):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 4)
    clock.shift(datetime.timedelta(minutes=16))
    fail(client, "tinh.admin", 1)
    assert log_in(client, "tinh.admin").status_code == 302


@pytest.mark.django_db
@override_settings(NTM_LOGIN_MAX_FAILURES_ACCOUNT=2, NTM_LOGIN_LOCK_SECONDS=120)
def test_the_limits_come_from_settings(client, clock):
    make_user("tinh.admin")
    response = fail(client, "tinh.admin", 2)
    assert form_errors(response) == [locked_message(2)]
    for _ in range(8):
        wait(clock, retry_after("tinh.admin", "10.0.0.1"))
        response = fail(client, "tinh.admin", 1)
    assert form_errors(response) == [locked_message(120)]
    assert "2 phút" in locked_message(120)


@pytest.mark.django_db
def test_twenty_failures_from_one_address_lock_the_address(client):
    make_user("tinh.admin")
    for i in range(20):
        fail(client, f"nguoi.{i}", 1, ip="203.0.113.7")
    response = log_in(client, "tinh.admin", ip="203.0.113.7")
    assert form_errors(response) == [locked_message(2)]
    assert log_in(client, "tinh.admin", ip="203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_nineteen_failures_from_one_address_do_not_lock_it(client):
    make_user("tinh.admin")
    for i in range(19):
        fail(client, f"nguoi.{i}", 1, ip="203.0.113.7")
    assert log_in(client, "tinh.admin", ip="203.0.113.7").status_code == 302


@pytest.mark.django_db
@override_settings(NTM_CLIENT_IP_HEADER="X-Real-IP", NTM_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_comes_from_the_configured_header(client):
    make_user("tinh.admin")
    for i in range(20):
        client.post(reverse("login"), {"username": f"nguoi.{i}", "password": "x"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
    response = client.post(reverse("login"), {"username": "tinh.admin", "password": PASSWORD},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.2")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_lockout_writes_an_audit_record_without_the_password(client):
    make_user("tinh.admin")
    fail(client, "Tinh.Admin", 5, ip="10.1.2.3")
    record = AuditRecord.objects.get(action="login.locked")
    assert record.object_type == "account"
    assert record.object_id == "tinh.admin"
    assert record.ip_address == "10.1.2.3"
    assert record.after == {"failures": 5, "seconds": 2}
    assert "wrong-password" not in str(record.__dict__)


@pytest.mark.django_db
def test_an_address_lockout_writes_an_audit_record(client):
    for i in range(20):
        fail(client, f"nguoi.{i}", 1, ip="203.0.113.9")
    record = AuditRecord.objects.get(action="login.locked", object_type="address")
    assert record.object_id == "203.0.113.9"


@pytest.mark.django_db
def test_the_admin_site_login_is_throttled_too(client):
    make_user("tinh.admin")
    fail(client, "tinh.admin", 5)
    client.post("/quan-tri/login/", {"username": "tinh.admin", "password": PASSWORD},
                REMOTE_ADDR="10.0.0.1")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"])
def test_without_a_trusted_proxy_a_forwarding_header_is_ignored(client, header):
    make_user("tinh.admin")
    for i in range(5):  # a guesser changes the header on every attempt to dodge the counter
        client.post(reverse("login"), {"username": "tinh.admin", "password": "x"},
                    REMOTE_ADDR="10.6.6.6", **{header: f"198.51.100.{i}"})
    for i in range(20):
        client.post(reverse("login"), {"username": f"nguoi.{i}", "password": "x"},
                    REMOTE_ADDR="10.6.6.6", **{header: f"198.51.100.{i}"})
    assert is_locked(None, "10.6.6.6")
    assert not is_locked(None, "198.51.100.1")


@pytest.mark.django_db
@override_settings(NTM_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_only_the_rightmost_forwarded_address_is_trusted(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.254",
                     HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")  # the client wrote 1.2.3.4
    assert client_ip(request) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.254")) == "10.0.0.254"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.254"


@override_settings(NTM_TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.9")
    assert client_ip(request) == "198.51.100.7"
