"""The posting's comments, once one text field, become one row each (0002)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.tests.helpers import make_period
from conftest import make_province

BEFORE = [("recognition", "0001_initial")]
AFTER = [("recognition", "0002_dossier_rows_conditions_corrections")]


@pytest.mark.django_db(transaction=True)
def test_the_comments_text_becomes_a_row_and_comes_back_on_the_way_down():
    _province, communes = make_province(1)
    period = make_period(2024)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Dossier = old.get_model("recognition", "Dossier")
    Dossier.objects.create(unit_id=communes[0].pk, period_id=period.pk, level_code="ntm", stage="posting",
                           registered_on=datetime.date(2024, 5, 1), posting_start=datetime.date(2024, 5, 2),
                           posting_end=datetime.date(2024, 5, 20), broadcasts=5,
                           comments="3 ý kiến về nước sạch, đã trả lời tại hội nghị", created_at=timezone.now())
    Dossier.objects.create(unit_id=communes[0].pk, period_id=period.pk, level_code="nang-cao", stage="opinions",
                           registered_on=datetime.date(2024, 5, 1), created_at=timezone.now())
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = list(new.get_model("recognition", "PostingComment").objects.values_list("comment", "received_on"))
    assert rows == [("3 ý kiến về nước sạch, đã trả lời tại hội nghị", datetime.date(2024, 5, 20))]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("recognition", "Dossier")
    assert back.objects.get(level_code="ntm").comments == "3 ý kiến về nước sạch, đã trả lời tại hội nghị"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
