"""Keyset pagination (`cursor` / `next_cursor`) on the big lists, and the lifetime of
idempotency keys: a key expires after NTM_API_IDEMPOTENCY_HOURS and the purge deletes it."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from api import services
from api.models import IdempotentRequest
from api.tests.test_api_access import _agency_indicator, _changed
from assessments.models import Evaluation, IndicatorValue
from audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def _walk(call, role, url, params, page_size):
    """Every row of a list, page after page by next_cursor; and the number of pages."""
    rows, cursor, pages = [], "", 0
    while True:
        body = call(role, "get", url, {**params, "page_size": page_size, **({"cursor": cursor} if cursor else {})})
        assert body.status_code == 200, body.content
        body = body.json()
        rows += body["results"]
        pages += 1
        if not body["has_next"]:
            assert body["next_cursor"] is None
            return rows, pages
        cursor = body["next_cursor"]


@pytest.mark.parametrize("url, key", [("/api/values", ("unit", "indicator")),
                                      ("/api/evaluations", ("unit", "criteria_set")),
                                      ("/api/units", ("ref",))])
def test_the_cursor_walks_every_row_once(call, world, url, key):
    params = {} if url == "/api/units" else {"period": world["period"].code}
    everything = call("admin", "get", url, {**params, "page_size": 10000}).json()["results"]
    rows, pages = _walk(call, "admin", url, params, page_size=7)
    assert [tuple(r[k] for k in key) for r in rows] == [tuple(r[k] for k in key) for r in everything]
    assert pages == len(everything) // 7 + 1 and len(everything) > 7
    model = {"/api/values": IndicatorValue.objects.filter(is_current=True), "/api/evaluations": Evaluation.objects,
             "/api/units": None}[url]
    if model is not None:
        assert len(rows) == model.count()


def test_a_correction_between_pages_shifts_nothing(call, world):
    """With page numbers, a corrected value (the old row no longer current) would move every
    later row one place up and one would be skipped; the cursor continues after the last id."""
    a, period = world["units"]["A"], world["period"]
    first = call("admin", "get", "/api/values", {"period": period.code, "page_size": 20}).json()
    seen = {(r["unit"], r["indicator"]) for r in first["results"]}
    unit_ref, code = first["results"][0]["unit"], first["results"][0]["indicator"]
    assert unit_ref == a.ref
    call("admin", "post", f"/api/values/{a.ref}/{period.code}",
         {"values": {code: _changed(a, period, code)}, "reason": "đính chính"})
    rest, _pages = _walk(call, "admin", "/api/values", {"period": period.code}, 20)
    first_rest = call("admin", "get", "/api/values", {"period": period.code, "page_size": 20,
                                                      "cursor": first["next_cursor"]}).json()["results"]
    assert first_rest[0] not in first["results"]
    after = seen | {(r["unit"], r["indicator"]) for r in _walk_from(call, period, first["next_cursor"])}
    assert after == {(u, i) for u, i in IndicatorValue.objects.filter(period=period, is_current=True)
                     .values_list("unit__ref", "indicator")}
    assert rest  # the whole walk still works


def _walk_from(call, period, cursor):
    rows = []
    while cursor:
        body = call("admin", "get", "/api/values", {"period": period.code, "page_size": 20, "cursor": cursor}).json()
        rows += body["results"]
        cursor = body["next_cursor"]
    return rows


@pytest.mark.parametrize("cursor", ["nope", "a3Rlc3Q", "k", "==", "a-", "\u0661"])
def test_a_cursor_not_made_by_the_api_is_refused_in_vietnamese(call, world, cursor):
    for url in ("/api/values", "/api/evaluations", "/api/units", "/api/values/history"):
        params = {"cursor": cursor, "unit": world["units"]["A"].ref}
        response = call("admin", "get", url, params)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["detail"] == "Con trỏ trang không hợp lệ: hãy dùng next_cursor của trang trước."


def test_the_cursor_is_in_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/values", "/api/evaluations", "/api/units", "/api/values/history"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"cursor", "page_size"} <= names, path
    page = schema["components"]["schemas"]["ValuePage"]["properties"]
    assert "next_cursor" in page


def _post_once(call, world, key, reason="đính chính"):
    a, period = world["units"]["A"], world["period"]
    code = _agency_indicator(world)
    body = {"values": {code: _changed(a, period, code)}, "reason": reason}
    return body, call("commune_a", "post", f"/api/values/{a.ref}/{period.code}", body, **{"Idempotency-Key": key})


def test_an_expired_key_runs_the_request_again(call, world, settings):
    settings.NTM_API_IDEMPOTENCY_HOURS = 24
    a, period = world["units"]["A"], world["period"]
    body, first = _post_once(call, world, "k-exp")
    assert first.status_code == 200 and first.json()["corrected"] == 1
    retry = call("commune_a", "post", f"/api/values/{a.ref}/{period.code}", body, **{"Idempotency-Key": "k-exp"})
    assert retry.json() == first.json()
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    late = call("commune_a", "post", f"/api/values/{a.ref}/{period.code}", body, **{"Idempotency-Key": "k-exp"})
    # Expired: the request runs again (the value is the same now: unchanged), and the key is renewed.
    assert late.status_code == 200 and late.json()["unchanged"] == 1 and late.json()["corrected"] == 0
    assert IdempotentRequest.objects.filter(key="k-exp").count() == 1
    assert IdempotentRequest.objects.get(key="k-exp").created_at > timezone.now() - datetime.timedelta(minutes=1)


def test_the_purge_deletes_only_expired_keys_and_is_audited(call, world, settings):
    settings.NTM_API_IDEMPOTENCY_HOURS = 48
    _post_once(call, world, "old")
    _post_once(call, world, "new", reason="lần hai")
    old = IdempotentRequest.objects.get(key="old")
    IdempotentRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=49))
    assert services.purge_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    record = AuditRecord.objects.get(action="api.idempotency.purge")
    assert record.after["deleted"] == 1 and record.after["hours"] == 48
    assert services.purge_idempotency_keys() == 0
    assert AuditRecord.objects.filter(action="api.idempotency.purge").count() == 1  # nothing to say


def test_the_command_and_the_task_purge(call, world):
    _post_once(call, world, "cmd")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        out = StringIO()
        call_command("purge_idempotency_keys", stdout=out)
        assert out.getvalue().strip() == "1"
    assert not IdempotentRequest.objects.exists()
    from api.tasks import purge_idempotency_keys
    from config.celery import app

    assert purge_idempotency_keys() == 0
    schedule = app.conf.beat_schedule["purge-idempotency-keys"]
    assert schedule["task"] == purge_idempotency_keys.name == "api.purge_idempotency_keys"
