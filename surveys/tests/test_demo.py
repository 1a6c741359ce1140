import pytest

from conftest import make_new_province
from surveys import demo, queries
from surveys.models import Channel, Round

pytestmark = pytest.mark.django_db


def test_the_demo_makes_plausible_labelled_rounds_once(settings):
    settings.NTM_PROVINCE_REFS = "77-20250701"
    make_new_province(10)
    made = demo.ensure_demo_surveys()
    assert made["rounds"] == 8 and made["answers"] > 1000
    rounds = list(Round.objects.select_related("unit").order_by("unit__code"))
    assert all("minh họa" in r.title and "minh họa" in r.conducted_by for r in rounds)
    assert rounds[0].questionnaire.illustrative
    assert [r.status for r in rounds].count("open") == 1
    for survey in rounds:
        result = queries.round_results(survey)
        assert 70 <= result.rate.share <= 100 and result.rate.interval[0] < result.rate.share
        if survey.status == "closed":
            assert 50 <= result.coverage <= 100
    first = rounds[0]
    assert first.responses.filter(channel=Channel.WEB).count() == 12 and first.codes.filter(used_at__isnull=False).count() == 12
    assert demo.ensure_demo_surveys() == {"skipped": True}
    assert Round.objects.count() == 8
    assert "8 đợt" in demo.summary_vi(made)
