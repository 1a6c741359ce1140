"""A small 2026 province on today's map, with its past, and the 2026 period published."""

import datetime

from django.utils import timezone

from assessments import services
from assessments.models import Evaluation
from assessments.tests.helpers import make_period, make_period_2026, values_2026, values_for
from conftest import make_new_province, make_province
from planning.models import RoadmapItem
from portal.models import PublishedPeriod


def build(officer, *, publish_2025=False):
    _old_province, old = make_province(3, ref="10")
    p2025 = make_period(2025)
    services.record_values_many(p2025, {
        old[0]: values_for(p2025, failing={"10"}, seed=1),
        old[1]: values_for(p2025, seed=2),
    }, source="test", user=officer)
    services.record_recognition(old[1], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="77/QĐ-UBND", decision_date=datetime.date(2019, 5, 2),
                                issuer="UBND tỉnh", user=officer)
    _province, new = make_new_province(3, predecessors={0: [old[0], old[1]]})
    p2026 = make_period_2026()
    services.record_values_many(p2026, {
        new[0]: values_2026(p2026, group="nhom-1", failing={"1", "2"}, seed=1),
        new[1]: values_2026(p2026, group="nhom-2", seed=2),
        new[2]: values_2026(p2026, group="nhom-3", seed=3),
    }, source="test", user=officer)
    services.record_recognition(new[2], level_code="ntm", level_rank=1, family="ntm-xa-2026",
                                decision_number="555/QĐ-UBND", decision_date=datetime.date(2026, 3, 1),
                                issuer="UBND tỉnh", user=officer)
    RoadmapItem.objects.create(unit=new[0], family="ntm-xa-2026", title="Cứng hoá đường trục xã",
                               target_date=datetime.date(2026, 11, 30), created_at=timezone.now(),
                               created_by=officer)
    PublishedPeriod.objects.create(period=p2026, published_by=officer)
    if publish_2025:
        PublishedPeriod.objects.create(period=p2025, published_by=officer)
    return p2025, p2026, old, new


BASES = {"2025": "ntm-xa-2021-minh-hoa", "2026": "ntm-xa-2026-minh-hoa"}


def met(unit, period):
    ev = Evaluation.objects.filter(unit=unit, period=period, criteria_set__code=BASES[period.code]).get()
    return ev.criteria_met, ev.criteria_total
