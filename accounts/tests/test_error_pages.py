"""Finding 7: DEBUG is off unless a developer turns it on; visitors get friendly Vietnamese error
pages, never the technical ones, and errors are logged with their path."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(tmp_path, **env_overrides) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "NTM_DATA_DIR": str(tmp_path)})
    env.update(env_overrides)
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, bool(s.SECRET_KEY))")
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    debug, redirect, secure_cookie, key = result.stdout.split()
    return {"DEBUG": debug, "SECURE_SSL_REDIRECT": redirect, "SESSION_COOKIE_SECURE": secure_cookie,
            "key": key}


def test_the_embedded_mode_runs_without_debug_and_keeps_its_generated_key(tmp_path):
    values = _settings_in_subprocess(tmp_path)
    assert values == {"DEBUG": "False", "SECURE_SSL_REDIRECT": "False", "SESSION_COOKIE_SECURE": "False",
                      "key": "True"}
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    _settings_in_subprocess(tmp_path)
    assert (tmp_path / "secret_key").read_text() == key  # kept, not regenerated


def test_a_developer_turns_debug_on(tmp_path):
    assert _settings_in_subprocess(tmp_path, DJANGO_DEBUG="1")["DEBUG"] == "True"


@pytest.mark.django_db
def test_an_unknown_url_gets_the_friendly_404_without_the_url_patterns(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Trang này không tồn tại hoặc nằm ngoài phạm vi của bạn." in html
    for leak in ("quan-tri/", "nguoi-dung/", "URLconf", "Using the URLconf", "urlpatterns"):
        assert leak not in html


@pytest.mark.django_db
@pytest.mark.urls("accounts.tests.urls_boom")
def test_a_failing_view_gets_the_friendly_500_and_is_logged_with_its_path(settings, caplog):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/loi-thu/?q=1")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi máy chủ" in html
    assert "Đã xảy ra lỗi trên máy chủ" in html
    for leak in ("Traceback", "boom", "SELECT", "settings", "RuntimeError"):
        assert leak not in html
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and "/loi-thu/" in records[0].getMessage()
