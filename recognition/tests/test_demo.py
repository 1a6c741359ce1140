"""The demo dossiers on a small world shaped like the demo: one dossier stopped at each stage for
2026 on today's map, labelled, the decision only for a commune already recognised, and one
revocation dossier on the 2021-2025 map; nothing added the second time."""

import datetime

import pytest

from assessments import services as values
from assessments.tests.helpers import make_period, make_period_2026, values_2026, values_for
from conftest import make_new_province, make_province
from recognition import decisions
from recognition.demo import ensure_demo_dossiers
from recognition.models import Dossier, Kind

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_dossier_at_each_stage(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    _old_province, old = make_province(1)
    p2025 = make_period(2025)
    values.record_values(old[0], p2025, values_for(p2025, failing={str(c) for c in range(1, 11)}), source="x")
    decisions.record_direct_recognition(old[0], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                        decision_number="5/QĐ", decision_date=datetime.date(2019, 1, 2),
                                        issuer="UBND tỉnh")
    _province, communes = make_new_province(8, groups=("nhom-2",))
    period = make_period_2026()
    values.record_values_many(period, {
        c: values_2026(period, failing={"3"} if i >= 6 else set(), seed=i) for i, c in enumerate(communes)},
        source="x")
    for c in communes[:2]:
        decisions.record_direct_recognition(c, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                            decision_number="7/QĐ", decision_date=datetime.date(2025, 9, 1),
                                            issuer="UBND tỉnh")
    assert ensure_demo_dossiers() == {"dossiers": 7, "revocations": 1}
    stages = sorted(Dossier.objects.filter(kind=Kind.RECOGNITION).values_list("stage", flat=True))
    assert stages == sorted(["registration", "self_assessment", "opinions", "posting", "survey", "appraisal",
                             "decision"])
    decided = Dossier.objects.get(stage="decision")
    assert decided.unit in communes[:2] and "minh họa" in decided.recognition.decision_number
    assert all("minh họa" in d.opinions for d in Dossier.objects.exclude(opinions=""))
    assert Dossier.objects.get(stage="posting").posting_comments.count() == 3
    revocation = Dossier.objects.get(kind=Kind.REVOCATION)
    assert revocation.unit == old[0] and revocation.snapshot["revocation"]["rule_met"]
    assert ensure_demo_dossiers() == {"dossiers": 0, "revocations": 0}
    assert Dossier.objects.count() == 8
