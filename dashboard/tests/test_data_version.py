"""The data version of the page caches (dashboard.summary.data_version) on PostgreSQL: one commit
mark per committed transaction that audits, and a version that moves when a transaction commits
after a later one (its audit ids below the last visible one). SQLite runs one writer at a time:
the last audit id is enough there, and these tests are skipped."""

import pytest
from django.db import connection, transaction

from audit import services as audit
from audit.models import CommitMark
from dashboard.summary import data_version


@pytest.mark.django_db(transaction=True)
def test_every_committed_transaction_that_audits_leaves_one_commit_mark():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the last audit id is enough there")
    before = CommitMark.objects.count()
    with transaction.atomic():
        for _ in range(3):
            audit.record(action="test.mark", object_type="test")
        audit.record_many([{"action": "test.mark", "object_type": "test"}] * 1200)  # three inserts
    assert CommitMark.objects.count() == before + 1
    last = CommitMark.objects.order_by("-pk").first().pk
    # The first audit record in a savepoint rolled back, the next one kept: still one mark.
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(action="test.mark", object_type="test")
            raise RuntimeError
        audit.record(action="test.mark", object_type="test")
    assert CommitMark.objects.count() == before + 2
    assert CommitMark.objects.order_by("-pk").first().pk > last
    with pytest.raises(RuntimeError), transaction.atomic():  # rolled back: no mark
        audit.record(action="test.mark", object_type="test")
        raise RuntimeError
    assert CommitMark.objects.count() == before + 2


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_after_a_later_one_moves_the_version():
    """Audit ids are taken during the transaction: the first one to start may commit last, below
    the last id already visible. Its commit mark still changes the version."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: ids follow the commits")
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    insert = ("INSERT INTO audit_auditrecord (at, action, object_type, object_id, reason) "
              "VALUES (now(), 'test.late', 'test', '', '')")
    with psycopg.connect(**params) as first, psycopg.connect(**params) as second:
        first.execute(insert)  # takes the lower id, commits last
        second.execute(insert)
        second.commit()
        version = data_version()
        first.commit()
    assert data_version() != version
