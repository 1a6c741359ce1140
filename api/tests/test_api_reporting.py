"""The reporting cycle over the API: a reporter submits and withdraws its own report, the
province returns it with a reason or accepts it, through reporting.services with the pages'
rules; every change is audited with the token and a retried request changes nothing twice."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from api.tests import helpers
from audit.models import AuditRecord
from reporting.models import Submission, SubmissionEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, full):
    _world, _extra, raw = full

    def _post(role, url, body=None, at=helpers.TODAY, **headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        with time_machine.travel(at, tick=False):
            return client.post(url, json.dumps(body or {}), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {raw[role]}", **extra)
    return _post


def test_a_return_needs_a_reason_and_a_retry_returns_once(post, full):
    submission = full[1]["submission"]
    url = f"/api/submissions/{submission.pk}/return"
    empty = post("officer", url, {"comment": "   "}, **{"Accept-Language": "en"})
    assert empty.status_code == 422 and "Say why" in empty.json()["detail"]
    control = post("officer", url, {"comment": "Bổ\x0bsung"})
    assert control.status_code == 422
    assert Submission.objects.get(pk=submission.pk).state == "submitted"
    events = SubmissionEvent.objects.count()
    first = post("officer", url, {"comment": "Bổ sung số liệu giải ngân"}, **{"Idempotency-Key": "ret-1"})
    again = post("officer", url, {"comment": "Bổ sung số liệu giải ngân"}, **{"Idempotency-Key": "ret-1"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["state"] == "returned" and first.json()["return_comment"] == "Bổ sung số liệu giải ngân"
    assert SubmissionEvent.objects.count() == events + 1
    record = AuditRecord.objects.get(action="reporting.submission.return")
    assert "“officer token”" in record.reason and "Bổ sung số liệu giải ngân" in record.reason
    # Returned: it cannot be accepted; the reporter submits again, then the province accepts.
    assert post("admin", f"/api/submissions/{submission.pk}/accept").status_code == 422
    march = full[1]["march"]
    resubmit = post("commune_n", f"/api/reporting-periods/{march.pk}/submissions/{full[1]['reporter_n']}",
                    {"sections": full[1]["sections"]})
    assert resubmit.status_code == 200 and resubmit.json()["state"] == "submitted"
    accepted = post("admin", f"/api/submissions/{submission.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert post("admin", f"/api/submissions/{submission.pk}/accept").status_code == 422  # final


def test_the_submission_detail_has_its_sections_and_history(client, post, full):
    submission = full[1]["submission"]
    post("officer", f"/api/submissions/{submission.pk}/return", {"comment": "Thiếu phần kiến nghị"})
    with time_machine.travel(helpers.TODAY, tick=False):
        body = client.get(f"/api/submissions/{submission.pk}",
                          HTTP_AUTHORIZATION=f"Bearer {full[2]['commune_n']}").json()
    assert body["state"] == "returned" and body["return_comment"] == "Thiếu phần kiến nghị"
    assert body["on_time"] is True and set(body["sections"]) == set(full[1]["sections"])
    assert [(e["from_state"], e["to_state"], e["user"]) for e in body["events"]] == [
        ("not_started", "submitted", "commune_n"), ("submitted", "returned", "officer")]


def test_withdrawing_is_for_the_reporter_until_the_due_date(post, full):
    march, key = full[1]["march"], full[1]["reporter_n"]
    url = f"/api/reporting-periods/{march.pk}/submissions/{key}/withdraw"
    late = datetime.datetime.combine(march.due_date + datetime.timedelta(days=1), datetime.time(9),
                                     tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert post("commune_n", url, at=late).status_code == 422
    assert Submission.objects.get(pk=full[1]["submission"].pk).state == "submitted"
    done = post("commune_n", url)
    assert done.status_code == 200 and done.json()["state"] == "draft"
    assert post("commune_n", url).status_code == 422  # a draft cannot be withdrawn


def test_a_draft_over_the_api_keeps_the_page_text_rules(post, full):
    april, key = full[1]["april"], full[1]["reporter_n"]
    url = f"/api/reporting-periods/{april.pk}/submissions/{key}"
    section = next(iter(full[1]["sections"]))
    bad = post("commune_n", url, {"sections": {section: "x" * 20001}, "draft": True})
    assert bad.status_code == 422
    assert not Submission.objects.filter(period=april).exists()
    ok = post("commune_n", url, {"sections": {section: "Bản nháp", "unknown": "bỏ qua"}, "draft": True})
    assert ok.status_code == 200 and ok.json()["state"] == "draft"
    assert Submission.objects.get(period=april).sections[section] == "Bản nháp"


@pytest.mark.parametrize("role, sees", [("admin", "BN"), ("officer", "BN"), ("agency", "BN"), ("viewer", "BN"),
                                        ("commune_n", "N"), ("commune_b", "B"), ("district", ""),
                                        ("commune_a", "")])
def test_the_submission_list_follows_the_reporting_pages(client, full, role, sees):
    """Province-wide readers see every report, a reporter its own: not those of the communes it
    reads (the district officer reads B, whose report is B's own)."""
    from reporting import services as reporting
    from reporting.reporters import Reporter

    world, extra, raw = full
    with time_machine.travel(helpers.TODAY, tick=False):
        of_b = reporting.submit(user=world["users"]["admin"], period=extra["march"],
                                reporter=Reporter(unit=world["units"]["B"]), sections=extra["sections"])
        rows = client.get("/api/submissions", HTTP_AUTHORIZATION=f"Bearer {raw[role]}").json()
    ids = {"B": of_b.pk, "N": extra["submission"].pk}
    assert [r["id"] for r in rows] == sorted(ids[k] for k in sees)
