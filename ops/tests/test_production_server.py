"""The production stack on this machine: gunicorn (2 workers) with the production settings,
static files hashed and served by WhiteNoise, behind a simulated HTTPS proxy (X-Forwarded-Proto).

On SQLite with the in-process cache it always runs; on PostgreSQL and Redis it runs when both are
reachable at 127.0.0.1 (a database of its own, dropped after), and is skipped otherwise.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
PASSWORD = "Prod-Test-Pass-2025!"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(dbname="postgres", connect_timeout=2, **PG):
            return True
    except Exception:  # noqa: BLE001
        return False


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql+redis"])
def stack(request, tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "NTM_", "SECURE_", "SESSION_", "CSRF_", "DATABASE_", "CACHE_URL",
                                  "REDIS_URL", "CELERY_", "WEB_CONCURRENCY", "GUNICORN_"))}
    port = free_port()
    (tmp_path / "data").mkdir()
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "NTM_DATA_DIR": str(tmp_path / "data"),
        "NTM_STATIC_ROOT": str(tmp_path / "static"),
        "NTM_STATIC_HASHED": "1",
        "NTM_HTTPS_PROXY": "1",
        "NTM_LOG_FORMAT": "json",
        "NTM_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    })
    database = None
    if request.param == "postgresql+redis":
        if not postgres_reachable():
            pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
        if not redis_reachable():
            pytest.skip("Redis is not reachable at 127.0.0.1:6379")
        database = f"ntm_prodtest_{os.getpid()}_{secrets.token_hex(3)}"
        _pg_admin(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
        env["REDIS_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}/1"
    try:
        yield {"env": env, "port": port, "kind": request.param, "log": tmp_path / "server.log"}
    finally:
        if database:
            _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


class Client:
    """HTTP through the simulated HTTPS proxy: X-Forwarded-Proto, cookies kept by hand (they are
    Secure), the Referer Django's CSRF check wants on HTTPS."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, *, proxied=True, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if proxied:
            sent["X-Forwarded-Proto"] = "https"
            sent["Referer"] = f"https://127.0.0.1:{self.port}/"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, content


def wait_until_live(client, server, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            response, _ = client.request("GET", "/healthz", proxied=False)
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not start:\n" + log.read_text())


def test_the_production_server_serves_login_static_files_readiness_and_the_dashboard(stack):
    env, port = stack["env"], stack["port"]
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")
    manage(env | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--noinput",
           "--username", "tinh.thu", "--email", "tinh.thu@example.gov.vn")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with open(stack["log"], "wb") as log:
        server = subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"], cwd=BASE_DIR,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    client = Client(port)
    try:
        wait_until_live(client, server, stack["log"])

        # Plain HTTP (not through the proxy) is sent to HTTPS.
        response, _ = client.request("GET", "/tai-khoan/dang-nhap/", proxied=False)
        assert response.status == 301 and response.headers["Location"].startswith("https://")

        response, page = client.request("GET", "/tai-khoan/dang-nhap/")
        assert response.status == 200, page[:500]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        html = page.decode()
        assert "Đăng nhập" in html
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
        assert css, "the stylesheet has a hashed name"

        response, body = client.request("GET", css.group(1))
        assert response.status == 200 and body.strip()
        assert response.headers["Content-Type"].startswith("text/css")
        assert "immutable" in response.headers["Cache-Control"]
        response, gz = client.request("GET", css.group(1), headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip"

        response, body = client.request("GET", "/readyz")
        assert response.status == 200
        assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}

        # Log in through the form (CSRF on HTTPS) and open the province dashboard.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = f"csrfmiddlewaretoken={token}&username=tinh.thu&password={PASSWORD.replace('!', '%21')}"
        response, body = client.request("POST", "/tai-khoan/dang-nhap/", form)
        assert response.status == 302, body[:1000]
        response, body = client.request("GET", "/")
        assert response.status == 200, body[:500]
        assert "tinh.thu" in body.decode()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    # Structured logs: gunicorn's access lines are JSON objects.
    lines = [json.loads(line) for line in stack["log"].read_text().splitlines() if line.startswith("{")]
    assert any(line.get("logger") == "gunicorn.access" and line.get("path") == "/readyz"
               and line.get("status") == 200 for line in lines), stack["log"].read_text()[-3000:]
