import pytest

pytestmark = pytest.mark.django_db


def test_units_and_values(call, world):
    r = call("admin", "get", "/api/units")
    assert r.status_code == 200, r.content
    r = call("commune_a", "get", "/api/values", {"period": world["period"].code})
    assert r.status_code == 200, r.content
    print(r.json()["results"][:2])
    r = call("commune_a", "get", f"/api/evaluations/{world['units']['A'].ref}/{world['period'].code}")
    assert r.status_code == 200, r.content
    r = call("admin", "get", "/api/openapi.json")
    assert r.status_code == 200, r.content
    r = call("admin", "get", "/api/dhis2/dataValueSets", {"period": world["period"].code})
    assert r.status_code == 200, r.content
    print(r.json()["dataValues"][:3])
