"""Liveness and readiness answer without login, whatever the Host, and say nothing of the errors."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_login_and_for_any_host(client):
    response = client.get("/healthz", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_checks_the_database_and_the_cache(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readiness_fails_with_503_and_no_detail_when_the_cache_is_down(client, monkeypatch, caplog):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis://:s3cret@10.0.0.5:6379")

    monkeypatch.setattr(cache, "set", down)
    with caplog.at_level(logging.WARNING, logger="ntm.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "cache": "fail"}}
    assert b"s3cret" not in response.content and b"10.0.0.5" not in response.content
    assert "s3cret" in caplog.text  # the operator finds the reason in the log


def test_other_pages_still_need_a_login(client):
    assert client.get("/").status_code == 302


def test_a_gunicorn_access_record_becomes_one_json_object_without_the_query_string():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', None, None)
    record.args = {"h": "10.0.0.9", "r": "GET /xa/?token=abc HTTP/1.1", "m": "GET", "U": "/xa/",
                   "q": "token=abc", "s": "200", "B": "5120", "D": "12345", "a": "curl/8"}
    data = json.loads(JsonFormatter().format(record))
    assert data["logger"] == "gunicorn.access" and data["level"] == "INFO"
    assert (data["method"], data["path"], data["status"], data["bytes"], data["duration_ms"]) == (
        "GET", "/xa/", 200, 5120, 12.3)
    assert "token" not in json.dumps(data)


def test_json_logs_when_the_environment_asks(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NTM_"))}
    env.update({"NTM_LOG_FORMAT": "json", "NTM_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"})
    code = "import django, logging; django.setup(); logging.getLogger('ntm.x').warning('Xã %s', 'Bản Vược')"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(settings.BASE_DIR), env=env,
                            capture_output=True, text=True, timeout=60)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "ntm.x", "Xã Bản Vược")
