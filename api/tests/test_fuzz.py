"""Schema fuzzing (schemathesis): generated requests against every operation of the schema, on
the small province of the permission matrix with money, portal news and documents, a roadmap
item and reports (api/tests/helpers.py), as an administrator and as a commune officer. No request
may end in a server error, and every response must conform to the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def fuzz_tokens(full, settings):
    settings.NTM_API_RATE_LIMIT = 0
    # Called through the WSGI handler, each request would close the test's database connection
    # at request_finished (PostgreSQL then fails the next request); Django's test client keeps it
    # open the same way.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield full[2]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_replies_match_the_schema(case, fuzz_tokens):
    for role in ("admin", "commune_a"):
        case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_tokens[role]}"}, checks=CHECKS)
