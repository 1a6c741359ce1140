"""DHIS2 dataValueSets round trip and mapping; the OpenAPI schema and local docs; query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ExchangeMapping
from assessments.models import IndicatorValue
from audit.models import AuditRecord
from units.models import AttributeName, Unit, UnitAttribute, UnitKind

pytestmark = pytest.mark.django_db


def _current(period):
    return sorted(IndicatorValue.objects.filter(period=period, is_current=True)
                  .values_list("unit__ref", "indicator", "number", "boolean"))


def test_a_province_period_round_trips_through_data_value_sets(call, world):
    period = world["period"]
    before = _current(period)
    exported = call("admin", "get", "/api/dhis2/dataValueSets", {"period": period.code}).json()
    assert len(exported["dataValues"]) == len(before)
    # Back in: nothing changes.
    summary = call("admin", "post", "/api/dhis2/dataValueSets", exported).json()
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": len(before), "deleted": 0}
    assert _current(period) == before
    # Into an empty copy: the same values come back.
    IndicatorValue.objects.filter(period=period).update(is_current=False)
    summary = call("admin", "post", "/api/dhis2/dataValueSets", exported).json()
    assert summary["importCount"]["imported"] == len(before)
    assert _current(period) == before


def test_partner_ids_are_mapped_both_ways(call, world):
    a, period = world["units"]["A"], world["period"]
    ExchangeMapping.objects.create(kind="unit", ours=a.ref, theirs="OU_A")
    ExchangeMapping.objects.create(kind="indicator", ours="1.1", theirs="DE_11")
    ExchangeMapping.objects.create(kind="period", ours=period.code, theirs="2024Y")
    rows = call("admin", "get", "/api/dhis2/dataValueSets", {"period": "2024Y", "orgUnit": "OU_A"}).json()
    assert {r["orgUnit"] for r in rows["dataValues"]} == {"OU_A"}
    assert {r["period"] for r in rows["dataValues"]} == {"2024Y"}
    assert "DE_11" in {r["dataElement"] for r in rows["dataValues"]}
    summary = call("admin", "post", "/api/dhis2/dataValueSets", rows).json()
    assert summary["status"] == "SUCCESS" and summary["importCount"]["imported"] == 0


def test_unknown_codes_are_reported_and_nothing_is_written(call, world):
    a, period = world["units"]["A"], world["period"]
    before = (IndicatorValue.objects.count(), AuditRecord.objects.count())
    response = call("admin", "post", "/api/dhis2/dataValueSets", {"dataValues": [
        {"dataElement": "1.1", "period": period.code, "orgUnit": a.ref, "value": "false"},
        {"dataElement": "1.1", "period": period.code, "orgUnit": "NOPE", "value": "1"},
        {"dataElement": "1.1", "period": "1999", "orgUnit": a.ref, "value": "1"},
    ]})
    assert response.status_code == 422
    assert {c["object"] for c in response.json()["conflicts"]} == {"NOPE", "1999"}
    response = call("admin", "post", "/api/dhis2/dataValueSets", {"dataValues": [
        {"dataElement": "no-such", "period": period.code, "orgUnit": a.ref, "value": "1"}]})
    assert response.status_code == 422
    assert (IndicatorValue.objects.count(), AuditRecord.objects.count()) == before


def test_a_commune_token_cannot_import_into_another_commune(call, world):
    b, period = world["units"]["B"], world["period"]
    before = IndicatorValue.objects.count()
    response = call("commune_a", "post", "/api/dhis2/dataValueSets", {"dataValues": [
        {"dataElement": "1.1", "period": period.code, "orgUnit": b.ref, "value": "false"}]})
    assert response.status_code == 403
    assert IndicatorValue.objects.count() == before


def test_the_schema_is_openapi_3_1_with_vietnamese_summaries(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 14
    assert all(op.get("summary") for op in operations)
    assert schema["paths"]["/api/values"]["get"]["summary"] == "Giá trị chỉ tiêu hiện hành"


def test_the_docs_are_served_from_this_site(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.parametrize("url", ["/api/values", "/api/units", "/api/evaluations", "/api/values/history",
                                 "/api/roadmap-items", "/api/recognitions", "/api/dhis2/dataValueSets"])
def test_query_counts_do_not_grow_with_the_rows(call, world, url):
    from assessments import services
    from assessments.tests.helpers import values_for

    period = world["period"]
    params = {"period": period.code}
    if url == "/api/values/history":
        params = {"unit": world["units"]["A"].ref}

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert call("admin", "get", url, params).status_code == 200
        return len(ctx.captured_queries)

    count()  # the token's last use is written on the first request only
    small = count()
    # Six more communes in the admin's province (another province's would be out of its bound).
    district = world["units"]["A"].parent
    more = [Unit.objects.create(ref=f"96{i:04d}", code=f"96{i:04d}", kind=UnitKind.COMMUNE, name=f"Xã Thêm {i}",
                                parent=district, valid_to=district.valid_to) for i in range(6)]
    UnitAttribute.objects.bulk_create(
        [UnitAttribute(unit=u, name=AttributeName.REGION, value="tdmnpb") for u in more]
        + [UnitAttribute(unit=u, name=AttributeName.IN_PROGRAMME, value="1") for u in more])
    services.record_values_many(period, {u: values_for(period, seed=i) for i, u in enumerate(more)}, source="x")
    count()  # units were added: this request computes the province's bound once (accounts.bounds)
    assert count() == small


def test_the_fast_values_reply_has_the_documented_shape(call, world):
    from api.reads_values import ValuePage

    body = call("admin", "get", "/api/values", {"period": world["period"].code, "page_size": 50}).json()
    page = ValuePage.model_validate(body)
    assert body["results"][0]["recorded_at"].endswith("Z")
    assert page.has_next and len(page.results) == 50
    orm = {(v.unit.ref, v.indicator): v.value for v in IndicatorValue.objects.filter(is_current=True)}
    for row in body["results"]:
        stored = orm[(row["unit"], row["indicator"])]
        assert row["value"] == (stored if isinstance(stored, bool) else format(stored.normalize(), "f"))
