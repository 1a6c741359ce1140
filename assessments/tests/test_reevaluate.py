"""A criteria set that changes version: the periods evaluated with the old one are evaluated again."""

import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments import services
from assessments.models import Evaluation
from assessments.queries import commune_statuses, period_context
from assessments.tests.helpers import make_period, values_for
from conftest import make_province

pytestmark = pytest.mark.django_db


def test_a_new_version_is_applied_to_the_stored_periods_by_reevaluate(criteria_sets, tmp_path):
    _province, communes = make_province(2)
    period = make_period(2024)
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(communes)},
                                source="test")
    ctx = period_context(period)
    assert [s.criteria_met for s in commune_statuses(ctx, communes)] == [19, 19]

    for path in settings.NTM_CRITERIA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    base = tmp_path / "ntm-xa-2021-minh-hoa.yaml"
    text = base.read_text(encoding="utf-8")
    # The 2024 income threshold of region tdmnpb raised far above the values (a corrected value).
    base.write_text(text.replace("value: 39,", "value: 999,", 1), encoding="utf-8")
    out = io.StringIO()
    call_command("load_criteria", "--dir", str(tmp_path), stdout=out)
    assert "manage.py reevaluate --family ntm-xa-2021" in out.getvalue()
    ctx = period_context(period)
    # The pages read the current version, not evaluated yet.
    assert [s.criteria_met for s in commune_statuses(ctx, communes)] == [None, None]

    out = io.StringIO()
    call_command("reevaluate", "--family", "ntm-xa-2021", stdout=out)
    assert "đã tính lại 2 đơn vị" in out.getvalue()
    statuses = commune_statuses(period_context(period), communes)
    assert [s.criteria_met for s in statuses] == [18, 18]
    assert all(s.criteria_status["10"] == "unmet" for s in statuses)
    # The old version's evaluations stay: they are what was shown then.
    assert Evaluation.objects.filter(period=period, version__number=1,
                                     criteria_set__code="ntm-xa-2021-minh-hoa").count() == 2
