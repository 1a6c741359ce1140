import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessments import services as assessments
from planning import services
from planning.tests.helpers import make_item, make_world

pytestmark = pytest.mark.django_db

PAGES = ["/ke-hoach/", "/ke-hoach/theo-doi/", "/ke-hoach/co-quan/so-nn/", "/ke-hoach/muc-tieu/",
         "/ke-hoach/dau-tu/?budget=5", "/ke-hoach/giup-do/", "/ke-hoach/muc-tieu/sua/"]


def build(n):
    from planning.models import Phase

    w = make_world(n, failing={i: ({"3", "10"} if i % 2 else {"17"}) for i in range(n)})
    phase = Phase.objects.create(code="p", name="p", start_year=2021, end_year=2025, family="ntm-xa-2021")
    services.set_phase_targets(phase, {("ntm", 2024): 5})
    services.set_year_targets(phase, {2024: (10, "16.5")})
    for i, unit in enumerate(w["communes"]):
        assessments.record_recognition(unit, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                       decision_number=f"{i}/QĐ", decision_date=datetime.date(2020, 1, 1),
                                       issuer="UBND")
        item = make_item(unit, ["3.1", "10.1"] if i % 2 else ["17.1"], target_date=datetime.date(2020 + i % 8, 6, 1))
        services.add_task(unit=unit, item=item, title="Việc", owner="agency", organisation=w["agency"])
        services.set_commune_target(unit, "ntm", 2026)
        services.set_helping_agency(w["agency"], unit)
        services.add_support_member(unit, name="Ông A", role="Tổ trưởng")
        services.record_field_visit(w["agency"], unit, date=datetime.date(2025, 1, 1),
                                    follow_ups=[services.FollowUp("Theo dõi")])
    return w


def counts(client, user):
    client.force_login(user)
    out = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        out[url] = len(ctx.captured_queries)
    return out


def test_the_pages_cost_the_same_queries_for_3_and_30_communes(criteria_sets, settings, client):
    settings.NTM_PROVINCE_REFS = "10"
    with transaction.atomic():
        few = counts(client, build(3)["admin"])
        transaction.set_rollback(True)
    many = counts(client, build(30)["admin"])
    assert many == few
