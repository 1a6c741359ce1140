"""Security headers on every response, CSRF on every form, and `check --deploy` in production."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.tests.login_helpers import make_user

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tai-khoan/dang-nhap/", "/tai-khoan/mat-khau/", "/khong-co/"])
def test_anonymous_responses_carry_the_security_headers(client, path):
    assert_security_headers(client.get(path))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password_change", "two_factor", "home"])
def test_logged_in_responses_carry_the_security_headers(client, name):
    client.force_login(make_user("tinh.admin"))
    assert_security_headers(client.get(reverse(name)))


@pytest.mark.django_db
def test_a_refused_page_carries_the_security_headers(client):
    client.force_login(make_user("tinh.canbo", role="viewer"))
    response = client.get(reverse("two_factor"))
    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_login_form_has_a_csrf_token_and_refuses_a_post_without_it():
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["password_change", "two_factor"])
def test_the_account_forms_have_a_csrf_token_and_refuse_a_post_without_it(name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("tinh.admin"))
    page = client.get(reverse(name))
    assert page.content.decode().count('name="csrfmiddlewaretoken"') >= page.content.decode().count(
        'method="post"'
    )
    response = client.post(reverse(name), {"token": "123456", "old_password": "x"})
    assert response.status_code == 403


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "CACHE_URL", "REDIS_URL"))
    }
    env.update({
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "ntm.example.gov.vn",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "NTM_DATA_DIR": str(tmp_path),
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNING" not in output


# Finding 17: pages and exports for a signed-in user are never cached.

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tai-khoan/mat-khau/", "/nguoi-dung/", "/nhat-ky/", "/nhat-ky/xuat.xlsx", "/"])
def test_responses_to_a_signed_in_user_are_private_and_not_stored(client, path):
    client.force_login(make_user("tinh.admin"))
    response = client.get(path)
    assert response.status_code in (200, 302), path
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_view_that_sets_its_own_caching_keeps_it(client):
    client.force_login(make_user("tinh.admin"))
    response = client.get(reverse("two_factor"))  # never_cache
    assert "no-store" in response.headers["Cache-Control"] and "max-age=0" in response.headers["Cache-Control"]



def test_no_template_has_an_inline_script_or_event_handler():
    """The CSP is `script-src 'self'`: an inline handler (onchange=...) or a <script> without src is
    blocked in the browser, so the feature silently does nothing (the finance year picker did)."""
    import re
    from pathlib import Path

    from django.conf import settings

    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    found, scanned = [], 0
    for path in Path(settings.BASE_DIR).rglob("*.html"):
        parts = path.relative_to(settings.BASE_DIR).parts
        if parts[0].startswith(".") or "templates" not in parts:
            continue
        scanned += 1
        text = path.read_text(encoding="utf-8")
        found += [f"{path}: {m.group(0)}" for m in (*handler.finditer(text), *inline.finditer(text))]
    assert scanned > 100 and found == []
