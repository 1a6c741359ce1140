"""Every role × the API's reads and writes: a token acts with its user's scope (accounts.access),
refused writes leave the database unchanged, and token writes are audited with the token name."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.test_permission_matrix import ROLES
from api import tokens
from api.models import ApiToken
from assessments.catalog import allowed_indicators, family_indicators
from assessments.models import IndicatorValue
from audit.models import AuditRecord

pytestmark = pytest.mark.django_db
FAMILY = "ntm-xa-2021"


def _agency_indicator(world):
    return sorted(allowed_indicators(world["users"]["agency"], FAMILY))[0]


def _other_indicator(world):
    allowed = allowed_indicators(world["users"]["agency"], FAMILY)
    return sorted(i.code for i in family_indicators(FAMILY) if i.code not in allowed)[0]


def _changed(unit, period, code):
    old = IndicatorValue.objects.get(unit=unit, period=period, indicator=code, is_current=True).value
    if isinstance(old, bool):
        return not old
    spec = {i.code: i for i in family_indicators(FAMILY)}[code]
    new = old + 1
    if spec.max is not None and new > Decimal(str(spec.max)):
        new = old - 1
    if spec.type == "percent" and new > 100:
        new = old - 1
    return format(new.normalize(), "f")


def _snapshot():
    return IndicatorValue.objects.count(), AuditRecord.objects.count()


READS_A = {"admin": 200, "officer": 200, "agency": 200, "district": 200, "commune_a": 200,
           "commune_b": 0, "commune_n": 0, "viewer": 200}
WRITES_A = {"admin": 200, "officer": 403, "agency": 200, "district": 403, "commune_a": 200,
            "commune_b": 403, "commune_n": 403, "viewer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_values_of_commune_a_are_read_only_within_the_role_scope(call, world, role):
    a = world["units"]["A"]
    response = call(role, "get", "/api/values", {"unit": a.ref, "period": world["period"].code})
    assert response.status_code == 200
    assert (len(response.json()["results"]) > 0) == bool(READS_A[role])
    explained = call(role, "get", f"/api/evaluations/{a.ref}/{world['period'].code}")
    assert explained.status_code == (200 if READS_A[role] else 403)


@pytest.mark.parametrize("role", ROLES)
def test_a_commune_token_sees_only_its_units(call, world, role):
    refs = {u["ref"] for u in call(role, "get", "/api/units", {"kind": "commune"}).json()["results"]}
    units = world["units"]
    expected = {
        "commune_a": {units["A"].ref}, "commune_b": {units["B"].ref},
        "commune_n": {units["N"].ref, units["C"].ref, units["D"].ref},
        "district": {units["A"].ref, units["B"].ref},
    }.get(role, {u.ref for u in units.values()})
    assert refs == expected


@pytest.mark.parametrize("role", ROLES)
def test_writing_a_value_of_commune_a(call, world, role):
    a, period = world["units"]["A"], world["period"]
    code = _agency_indicator(world)
    before = _snapshot()
    response = call(role, "post", f"/api/values/{a.ref}/{period.code}",
                    {"values": {code: _changed(a, period, code)}, "reason": "kiểm tra lại"})
    assert response.status_code == WRITES_A[role], response.content
    if WRITES_A[role] == 200:
        assert response.json()["corrected"] == 1
        record = AuditRecord.objects.filter(action="values.record").order_by("-id").first()
        assert f"“{role} token”" in record.reason and record.user == world["users"][role]
    else:
        assert _snapshot() == before


def test_an_agency_token_writes_only_its_criteria(call, world):
    a, period = world["units"]["A"], world["period"]
    code = _other_indicator(world)
    before = _snapshot()
    response = call("agency", "post", f"/api/values/{a.ref}/{period.code}",
                    {"values": {code: _changed(a, period, code), _agency_indicator(world):
                                _changed(a, period, _agency_indicator(world))}, "reason": "x"})
    assert response.status_code == 403
    assert f"{a.ref}:{code}" in response.json()["errors"]
    assert _snapshot() == before


def test_a_bad_value_rejects_the_whole_batch(call, world):
    a, period = world["units"]["A"], world["period"]
    code = _agency_indicator(world)
    before = _snapshot()
    response = call("admin", "post", f"/api/values/{a.ref}/{period.code}",
                    {"values": {code: _changed(a, period, code), "no-such": "1"}, "reason": "x"},
                    **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert "no-such" in response.json()["errors"]
    assert response.json()["detail"] == "Nothing was saved: some values are not acceptable."
    assert _snapshot() == before


def test_errors_speak_vietnamese_by_default_and_english_on_request(client, world):
    vi = client.get("/api/units", HTTP_ACCEPT_LANGUAGE="vi")
    en = client.get("/api/units", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 401
    assert en.json()["detail"].startswith("A valid")
    assert vi.json()["detail"] != en.json()["detail"]


def test_expired_revoked_and_inactive_tokens_are_refused(client, world):
    user = world["users"]["commune_a"]
    token, raw = tokens.create_token(user, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/periods", **auth).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/periods", **auth).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    tokens.revoke_token(ApiToken.objects.get(pk=token.pk))
    assert client.get("/api/periods", **auth).status_code == 401
    assert AuditRecord.objects.filter(action="api_token.revoke").exists()
    _t2, raw2 = tokens.create_token(user, "t2")
    user.is_active = False
    user.save()
    assert client.get("/api/periods", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401
    assert client.get("/api/periods", HTTP_AUTHORIZATION="Bearer ntm_wrong").status_code == 401


def test_only_the_digest_is_stored(world):
    token, raw = tokens.create_token(world["users"]["admin"], "t")
    stored = ApiToken.objects.filter(pk=token.pk).values_list("digest", "prefix", "name").get()
    assert raw not in " ".join(stored) and stored[0] == tokens.digest(raw)


def test_rate_limit_per_token(call, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.NTM_API_RATE_LIMIT = 3
    codes = [call("viewer", "get", "/api/periods").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert call("admin", "get", "/api/periods").status_code == 200  # another token: its own count
    cache.clear()


def test_a_retried_post_with_an_idempotency_key_writes_once(call, world):
    a, period = world["units"]["A"], world["period"]
    code = _agency_indicator(world)
    body = {"values": {code: _changed(a, period, code)}, "reason": "đính chính"}
    first = call("commune_a", "post", f"/api/values/{a.ref}/{period.code}", body, **{"Idempotency-Key": "k1"})
    after_first = _snapshot()
    again = call("commune_a", "post", f"/api/values/{a.ref}/{period.code}", body, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["corrected"] == 1
    assert _snapshot() == after_first
    other = call("commune_a", "post", f"/api/values/{a.ref}/{period.code}",
                 {**body, "reason": "khác"}, **{"Idempotency-Key": "k1"})
    assert other.status_code == 409


def test_values_etag(call, world):
    url = "/api/values"
    first = call("admin", "get", url, {"period": world["period"].code})
    etag = first["ETag"]
    assert call("admin", "get", url, {"period": world["period"].code}, **{"If-None-Match": etag}).status_code == 304
    a = world["units"]["A"]
    code = _agency_indicator(world)
    call("admin", "post", f"/api/values/{a.ref}/{world['period'].code}",
         {"values": {code: _changed(a, world["period"], code)}, "reason": "x"})
    assert call("admin", "get", url, {"period": world["period"].code},
                **{"If-None-Match": etag}).status_code == 200


def test_history_keeps_the_corrected_value(call, world):
    a, period = world["units"]["A"], world["period"]
    code = _agency_indicator(world)
    call("admin", "post", f"/api/values/{a.ref}/{period.code}",
         {"values": {code: _changed(a, period, code)}, "reason": "sai số"})
    rows = call("admin", "get", "/api/values/history", {"unit": a.ref, "indicator": code}).json()["results"]
    assert [r["is_current"] for r in rows] == [False, True]
    assert rows[1]["reason"] == "sai số" and rows[1]["supersedes"] == rows[0]["id"]


def test_a_user_makes_and_revokes_personal_tokens_on_a_page(client, world):
    user = world["users"]["commune_a"]
    client.force_login(user)
    page = client.post("/api/tokens/", {"name": "Kobo", "days": "30"})
    assert page.status_code == 200
    raw = next(word for word in page.content.decode().replace("<", " ").replace(">", " ").split()
               if word.startswith("ntm_") and len(word) > 30)
    assert client.get("/api/periods", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get(user=user, name="Kobo")
    other = tokens.create_token(world["users"]["commune_b"], "b")[0]
    client.post("/api/tokens/", {"revoke": other.pk})  # not theirs: untouched
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
    client.post("/api/tokens/", {"revoke": token.pk})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    client.logout()
    assert client.get("/api/periods", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_management_command_creates_lists_and_revokes(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", "create", "viewer", "nightly export", "--days", "0", stdout=out)
    raw = out.getvalue().split()[-1]
    token = tokens.token_for(raw)
    assert token is not None and token.expires_at is None and token.user.username == "viewer"
    call_command("api_token", "revoke", str(token.pk), stdout=out)
    assert tokens.token_for(raw) is None


def _readable_communes(world, role):
    units = world["units"]
    return {
        "commune_a": {units["A"].ref}, "commune_b": {units["B"].ref},
        "commune_n": {units["N"].ref, units["C"].ref, units["D"].ref},
        "district": {units["A"].ref, units["B"].ref},
    }.get(role, {u.ref for u in units.values()})


@pytest.mark.parametrize("role", ROLES)
def test_every_list_endpoint_keeps_to_the_role_scope(call, world, role):
    import datetime as dt

    from assessments import services

    for unit in world["units"].values():
        services.record_recognition(unit, level_code="ntm", level_rank=1, family=FAMILY, decision_number="1/QĐ",
                                    decision_date=dt.date(2024, 12, 1), issuer="UBND tỉnh")
    expected = _readable_communes(world, role)
    period = world["period"].code
    seen = {
        "values": {r["unit"] for r in call(role, "get", "/api/values", {"period": period}).json()["results"]},
        "evaluations": {r["unit"] for r in call(role, "get", "/api/evaluations", {"period": period}).json()["results"]},
        "recognitions": {r["unit"] for r in call(role, "get", "/api/recognitions").json()},
        "dhis2": {r["orgUnit"] for r in call(role, "get", "/api/dhis2/dataValueSets", {"period": period}).json()["dataValues"]},
    }
    assert seen["recognitions"] == expected
    for name in ("values", "evaluations", "dhis2"):
        assert seen[name] == expected & {world["units"][k].ref for k in "ABCD"}, name
    for key in "ABCDN":
        ref = world["units"][key].ref
        history = call(role, "get", "/api/values/history", {"unit": ref})
        assert bool(history.json()["results"]) == (ref in expected and key != "N")


ITEM_WRITES = {"admin": 200, "officer": 200, "agency": 403, "district": 403, "commune_a": 200,
               "commune_b": 403, "commune_n": 403, "viewer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_updating_a_roadmap_item_of_commune_a(call, world, role):
    from planning.models import RoadmapItem

    item = RoadmapItem.objects.create(unit=world["units"]["A"], family=FAMILY, title="Đường",
                                      target_date=datetime.date(2026, 12, 31), created_at=timezone.now())
    before = _snapshot()
    response = call(role, "patch_json", f"/api/roadmap-items/{item.pk}",
                    {"title": "Đường liên thôn", "status": "in_progress"})
    item.refresh_from_db()
    if ITEM_WRITES[role] == 200 and response.status_code == 200:
        assert item.title == "Đường liên thôn" and item.status == "in_progress"
        assert AuditRecord.objects.filter(action="plan.item.status", reason__contains=f"“{role} token”").exists()
    else:
        assert response.status_code in (403,), response.content
        assert item.title == "Đường" and _snapshot() == before
    assert response.status_code == ITEM_WRITES[role], response.content


def test_a_commune_token_submits_its_own_report_once(call, world):
    from reporting import services as reporting
    from reporting.models import ReporterLevel, ReportingPeriod, Submission

    today = timezone.localdate()
    schedule = reporting.create_schedule(
        code="xa-thang", name="Báo cáo tháng (xã)", reporter_level=ReporterLevel.COMMUNE, frequency="monthly",
        due_day=25, lock_day=5, valid_from=datetime.date(2024, 1, 1))
    reporting.generate_periods(schedule, today.replace(day=1), today)
    period = ReportingPeriod.objects.get(schedule=schedule, start=today.replace(day=1))
    key = f"u{world['units']['N'].pk}"
    url = f"/api/reporting-periods/{period.pk}/submissions/{key}"
    assert call("commune_b", "post", url, {"sections": {}}).status_code == 403
    assert not Submission.objects.exists()
    # Every section of the schedule is required to submit (issue 10's rule).
    sections = {code: "Nội dung" for code in schedule.sections}
    assert call("commune_n", "post", url, {"sections": {}}).status_code == 422
    first = call("commune_n", "post", url, {"sections": sections}, **{"Idempotency-Key": "r1"})
    again = call("commune_n", "post", url, {"sections": sections}, **{"Idempotency-Key": "r1"})
    assert first.status_code == again.status_code == 200, first.content
    assert first.json() == again.json() and first.json()["state"] == "submitted"
    assert Submission.objects.count() == 1
    assert call("commune_n", "post", url, {"sections": sections}).status_code == 422  # already submitted
    assert AuditRecord.objects.filter(action="reporting.submission.submit",
                                      reason__contains="“commune_n token”").count() == 1


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_token_writes_nothing(client, world, state):
    a, period = world["units"]["A"], world["period"]
    token, raw = tokens.create_token(world["users"]["commune_a"], "cũ")
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    else:
        tokens.revoke_token(token)
    code = _agency_indicator(world)
    before = _snapshot()
    response = client.post(f"/api/values/{a.ref}/{period.code}",
                           {"values": {code: _changed(a, period, code)}, "reason": "x"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
                           HTTP_IDEMPOTENCY_KEY="late")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"] == "Cần một token API hợp lệ, còn hạn và chưa bị thu hồi."
    assert _snapshot() == before
