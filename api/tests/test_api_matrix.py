"""The API's permission matrix, as complete as the pages': every operation of the schema × every
role (and no token) × its read or write, with the status each must get. A refused write leaves
the database as it was; an allowed one is rolled back before the next role tries. A new endpoint
fails test_the_matrix_names_every_operation_of_the_schema until it gets its row here."""

import json

import pytest
import time_machine
from django.db import transaction

from accounts.tests.test_permission_matrix import ROLES
from api.models import IdempotentRequest
from api.tests import helpers
from api.tests.test_api_access import _agency_indicator, _changed
from assessments.models import Evaluation, IndicatorValue
from audit.models import AuditRecord
from finance.models import Debt, Disbursement, Project
from planning.models import RoadmapItem
from reporting.models import Submission, SubmissionEvent

pytestmark = pytest.mark.django_db

ALL = dict.fromkeys(ROLES, 200)
READ_A = {**ALL, "commune_b": 403, "commune_n": 403}  # who reads commune A (accounts.access)
REPORT_N = {**ALL, "district": 403, "commune_a": 403, "commune_b": 403}  # reporting.access.submission_for_user
ONLY_N = {**dict.fromkeys(ROLES, 403), "commune_n": 200}  # the reporter itself
REVIEW = {**dict.fromkeys(ROLES, 403), "admin": 200, "officer": 200}  # reporting.access.can_review
WRITES_A = {**dict.fromkeys(ROLES, 403), "admin": 200, "agency": 200, "commune_a": 200}
ITEM_WRITES = {**dict.fromkeys(ROLES, 403), "admin": 200, "officer": 200, "commune_a": 200}


def _value_body(w, x):
    a, period = w["units"]["A"], w["period"]
    code = _agency_indicator(w)
    return {"values": {code: _changed(a, period, code)}, "reason": "rà soát"}


def _dhis2_body(w, x):
    a, period = w["units"]["A"], w["period"]
    code = _agency_indicator(w)
    return {"dataValues": [{"dataElement": code, "period": period.code, "orgUnit": a.ref,
                            "value": _changed(a, period, code)}]}


# (method, schema path) -> (url, body or None, {role: status})
def matrix(w, x):
    a, period = w["units"]["A"], w["period"]
    n_sub = x["submission"].pk
    return {
        ("GET", "/api/units"): ("/api/units", None, ALL),
        ("GET", "/api/units/{ref}"): (f"/api/units/{a.ref}", None, READ_A),
        ("GET", "/api/criteria-sets"): ("/api/criteria-sets", None, ALL),
        ("GET", "/api/criteria-sets/{code}/versions/{number}"): (
            "/api/criteria-sets/ntm-xa-2021-minh-hoa/versions/1", None, ALL),
        ("GET", "/api/periods"): ("/api/periods", None, ALL),
        ("GET", "/api/values"): (f"/api/values?period={period.code}", None, ALL),
        ("GET", "/api/values/history"): (f"/api/values/history?unit={a.ref}", None, ALL),
        ("GET", "/api/evaluations"): ("/api/evaluations", None, ALL),
        ("GET", "/api/evaluations/{unit_ref}/{period_code}"): (
            f"/api/evaluations/{a.ref}/{period.code}", None, READ_A),
        ("GET", "/api/recognitions"): ("/api/recognitions", None, ALL),
        ("GET", "/api/roadmap-items"): ("/api/roadmap-items", None, ALL),
        ("GET", "/api/reporting-periods"): ("/api/reporting-periods", None, ALL),
        ("GET", "/api/submissions"): ("/api/submissions", None, ALL),
        ("GET", "/api/submissions/{submission_id}"): (f"/api/submissions/{n_sub}", None, REPORT_N),
        ("GET", "/api/finance/programmes"): ("/api/finance/programmes", None, ALL),
        ("GET", "/api/finance/sources"): ("/api/finance/sources", None, ALL),
        ("GET", "/api/finance/plans"): ("/api/finance/plans", None, ALL),
        ("GET", "/api/finance/summary"): ("/api/finance/summary?year=2024", None, ALL),
        ("GET", "/api/finance/projects"): ("/api/finance/projects", None, ALL),
        ("GET", "/api/finance/projects/{project_id}"): (
            f"/api/finance/projects/{x['projects'][0].pk}", None, READ_A),
        ("GET", "/api/finance/debts"): ("/api/finance/debts", None, ALL),
        ("GET", "/api/portal/news"): ("/api/portal/news", None, ALL),
        ("GET", "/api/portal/news/{article_id}"): (f"/api/portal/news/{x['article'].pk}", None, ALL),
        ("GET", "/api/portal/documents"): ("/api/portal/documents", None, ALL),
        ("GET", "/api/portal/periods"): ("/api/portal/periods", None, ALL),
        ("GET", "/api/dhis2/dataValueSets"): (f"/api/dhis2/dataValueSets?period={period.code}", None, ALL),
        ("POST", "/api/values/{unit_ref}/{period_code}"): (
            f"/api/values/{a.ref}/{period.code}", _value_body(w, x), WRITES_A),
        ("PATCH", "/api/roadmap-items/{item_id}"): (
            f"/api/roadmap-items/{x['item'].pk}", {"title": "Đường liên thôn", "status": "in_progress"}, ITEM_WRITES),
        ("POST", "/api/reporting-periods/{period_id}/submissions/{reporter_key}"): (
            f"/api/reporting-periods/{x['april'].pk}/submissions/{x['reporter_n']}",
            {"sections": x["sections"]}, ONLY_N),
        ("POST", "/api/reporting-periods/{period_id}/submissions/{reporter_key}/withdraw"): (
            f"/api/reporting-periods/{x['march'].pk}/submissions/{x['reporter_n']}/withdraw", {}, ONLY_N),
        ("POST", "/api/submissions/{submission_id}/return"): (
            f"/api/submissions/{n_sub}/return", {"comment": "Bổ sung số liệu giải ngân"}, REVIEW),
        ("POST", "/api/submissions/{submission_id}/accept"): (f"/api/submissions/{n_sub}/accept", {}, REVIEW),
        ("POST", "/api/dhis2/dataValueSets"): (
            "/api/dhis2/dataValueSets?reason=r%C3%A0+so%C3%A1t", _dhis2_body(w, x), WRITES_A),
    }


def snapshot():
    """What any write would change: row counts, and the fields the write endpoints set."""
    return (
        IndicatorValue.objects.count(), IndicatorValue.objects.filter(is_current=True).count(),
        Evaluation.objects.count(), AuditRecord.objects.count(), IdempotentRequest.objects.count(),
        SubmissionEvent.objects.count(), Project.objects.count(), Disbursement.objects.count(),
        Debt.objects.count(),
        sorted(Submission.objects.values_list("pk", "state", "return_comment", "last_submitted_at")),
        sorted(RoadmapItem.objects.values_list("pk", "title", "status", "target_date", "estimated_cost")),
    )


def _send(client, method, url, body, raw):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if method == "GET":
        return client.get(url, **headers)
    send = client.patch if method == "PATCH" else client.post
    return send(url, json.dumps(body), content_type="application/json", **headers)


def test_the_matrix_names_every_operation_of_the_schema(client, full):
    world, extra, _raw = full
    schema = client.get("/api/openapi.json").json()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == set(matrix(world, extra))
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and "api_reads_list_values" in ids  # ids kept across the split


OPERATIONS = [
    ("GET", p) for p in (
        "/api/units", "/api/units/{ref}", "/api/criteria-sets", "/api/criteria-sets/{code}/versions/{number}",
        "/api/periods", "/api/values", "/api/values/history", "/api/evaluations",
        "/api/evaluations/{unit_ref}/{period_code}", "/api/recognitions", "/api/roadmap-items",
        "/api/reporting-periods", "/api/submissions", "/api/submissions/{submission_id}",
        "/api/finance/programmes", "/api/finance/sources", "/api/finance/plans", "/api/finance/summary",
        "/api/finance/projects", "/api/finance/projects/{project_id}", "/api/finance/debts",
        "/api/portal/news", "/api/portal/news/{article_id}", "/api/portal/documents", "/api/portal/periods",
        "/api/dhis2/dataValueSets")
] + [
    ("POST", "/api/values/{unit_ref}/{period_code}"), ("PATCH", "/api/roadmap-items/{item_id}"),
    ("POST", "/api/reporting-periods/{period_id}/submissions/{reporter_key}"),
    ("POST", "/api/reporting-periods/{period_id}/submissions/{reporter_key}/withdraw"),
    ("POST", "/api/submissions/{submission_id}/return"), ("POST", "/api/submissions/{submission_id}/accept"),
    ("POST", "/api/dhis2/dataValueSets"),
]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_role_gets_its_status_and_refused_writes_change_nothing(client, full, operation):
    world, extra, raw = full
    method, _path = operation
    url, body, expected = matrix(world, extra)[operation]
    got = {}
    with time_machine.travel(helpers.TODAY, tick=False):
        for role in [None, *ROLES]:
            before = snapshot()
            with transaction.atomic():
                response = _send(client, method, url, body, raw.get(role))
                got[role] = response.status_code
                if method != "GET" and response.status_code != 200:
                    assert snapshot() == before, (role, response.content)
                if method != "GET" and response.status_code == 200:
                    assert snapshot() != before, role
                    assert AuditRecord.objects.filter(reason__contains=f"“{role} token”").exists(), role
                transaction.set_rollback(True)
            assert snapshot() == before
    assert got == {None: 401, **expected}
