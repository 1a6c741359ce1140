"""Password reset by e-mail: the link on the login page, no user enumeration, the new password set
through the audited service, the link used once."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.login_helpers import make_user
from audit.models import AuditRecord

pytestmark = pytest.mark.django_db
NEW = "Xa-Moi-Mat-Khau-2026"


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()


def _user():
    user = make_user("lan")
    user.email = "lan@xa.gov.vn"
    user.save(update_fields=["email"])
    return user


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "Quên mật khẩu?" in page


def test_a_known_address_gets_a_link_that_sets_the_password_once(client):
    user = _user()
    response = client.post(reverse("password_reset"), {"email": "lan@xa.gov.vn"}, follow=True)
    assert "Kiểm tra thư điện tử" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@xa.gov.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Chọn mật khẩu mới" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                       {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Mật khẩu của bạn đã được thay đổi." in done.content.decode()
    assert authenticate(username="lan", password=NEW) is not None
    record = AuditRecord.objects.get(action="user.password_change", object_id=str(user.pk))
    assert record.reason == "password reset by e-mail"
    again = client.get(link, follow=True).content.decode()
    assert "Liên kết này không còn hiệu lực" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    _user()
    known = client.post(reverse("password_reset"), {"email": "lan@xa.gov.vn"}, follow=True).content.decode()
    mail.outbox.clear()
    unknown = client.post(reverse("password_reset"), {"email": "ai@dau.vn"}, follow=True).content.decode()
    assert mail.outbox == []
    marker = 'id="reset-sent"'
    assert marker in known and marker in unknown
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)


def test_requests_are_limited_per_address(client):
    _user()
    for _ in range(7):
        client.post(reverse("password_reset"), {"email": "lan@xa.gov.vn"})
    assert len(mail.outbox) == 5


def test_a_weak_password_is_refused_and_nothing_changes(client):
    _user()
    client.post(reverse("password_reset"), {"email": "lan@xa.gov.vn"})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    url = page.redirect_chain[-1][0]
    response = client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert not AuditRecord.objects.filter(action="user.password_change").exists()
    assert authenticate(username="lan", password="123") is None
