"""Liveness (/healthz) and readiness (/readyz) for the process manager and the reverse proxy.

Answered by a middleware placed first, before host validation, the HTTPS redirect, sessions and
login: a check from the machine itself (http://127.0.0.1:8000/readyz, any Host header) gets an
answer. The answers name the checks, never an error's text (that goes to the log).
"""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger("ntm.health")

LIVENESS_PATHS = {"/healthz", "/healthz/"}
READINESS_PATHS = {"/readyz", "/readyz/"}


def _json(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the log has the details
        logger.warning("readiness: the database does not answer", exc_info=True)
        return False


def _cache_ok() -> bool:
    """The shared cache (Redis in production) keeps the login throttle: it must read back."""
    key = f"ntm:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok
    except Exception:  # noqa: BLE001
        logger.warning("readiness: the cache does not answer", exc_info=True)
        return False


def readiness() -> tuple[bool, dict]:
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    return all(checks.values()), {name: "ok" if ok else "fail" for name, ok in checks.items()}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in LIVENESS_PATHS:
            return _json(200, {"status": "ok"})
        if path in READINESS_PATHS:
            ready, checks = readiness()
            return _json(200 if ready else 503, {"status": "ok" if ready else "unavailable", "checks": checks})
        return self.get_response(request)
