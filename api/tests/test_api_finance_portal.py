"""Finance and portal reads over the API: the figures the pages show, limited to the token's
units as on the finance pages, and only what the public portal shows."""

import datetime

import pytest
import time_machine

from api.tests import helpers

pytestmark = pytest.mark.django_db
BILLION = 1_000_000_000


@pytest.fixture
def get(client, full):
    world, extra, raw = full

    def _get(role, url, **params):
        with time_machine.travel(helpers.TODAY, tick=False):
            response = client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {raw[role]}")
        assert response.status_code == 200, response.content
        return response.json()
    return _get


def test_the_year_summary_has_the_plan_allocation_disbursement_and_debt(get, full):
    body = get("admin", "/api/finance/summary", year=2024)
    assert (body["plan"], body["allocated"], body["disbursed"], body["debt"]) == (
        9 * BILLION, 3 * BILLION, 400_000_000, 350_000_000)
    assert body["rate_allocated"] == "13.3" and body["year"] == 2024
    assert [g["label"] for g in body["by_source"]] == ["Ngân sách trung ương - vốn đầu tư phát triển"]
    march = next(m for m in body["monthly"] if m["month"] == "2024-03-01")
    assert march["cumulative"] == 400_000_000 and march["plan"] == 9 * BILLION
    assert {c["unit"] for c in body["communes"]} == {full[0]["units"][k].ref for k in "ABC"}


@pytest.mark.parametrize("role, keys", [("admin", "ABC"), ("viewer", "ABC"), ("district", "AB"),
                                        ("commune_a", "A"), ("commune_b", "B"), ("commune_n", "C")])
def test_money_is_read_only_for_the_units_in_scope(get, full, role, keys):
    units = full[0]["units"]
    refs = {units[k].ref for k in keys}
    summary = get(role, "/api/finance/summary", year=2024)
    assert {c["unit"] for c in summary["communes"]} == refs
    assert summary["allocated"] == len(keys) * BILLION
    assert summary["plan"] == 9 * BILLION  # the province's plan, as the dashboard shows it to everyone
    projects = get(role, "/api/finance/projects")["results"]
    assert {p["unit"] for p in projects} == refs
    assert {d["unit"] for d in get(role, "/api/finance/debts")} == refs & {units["A"].ref, units["C"].ref}


def test_a_project_shows_its_allocation_months_and_debt(get, full):
    project = full[1]["projects"][0]
    body = get("commune_a", f"/api/finance/projects/{project.pk}")
    assert (body["code"], body["allocated"], body["disbursed"]) == ("DA-A", BILLION, 400_000_000)
    (allocation,) = body["allocations"]
    assert allocation["rate"] == "40.0" and allocation["decision_number"] == "101/QĐ-UBND"
    assert allocation["months"] == [{"month": "2024-03-01", "cumulative": 400_000_000, "amount": 400_000_000}]
    assert [(d["amount"], d["outstanding"], d["since"]) for d in body["debts"]] == [
        (300_000_000, 300_000_000, "2023-12-31")]


def test_plans_programmes_and_sources(get):
    (line,) = get("commune_b", "/api/finance/plans", year=2024)
    assert (line["amount"], line["programme"], line["component"], line["source"]) == (
        9 * BILLION, "ntm-2021", "ha-tang", "nstw-dtpt")
    assert [d["decision_number"] for d in line["decisions"]] == ["100/QĐ-UBND"]
    assert get("admin", "/api/finance/plans", year=2030) == []
    programmes = {p["code"]: p for p in get("viewer", "/api/finance/programmes")}
    assert "ha-tang" in {c["code"] for c in programmes["ntm-2021"]["components"]}
    assert "nsdp-xa" in {s["code"] for s in get("viewer", "/api/finance/sources")}


def test_a_year_without_a_plan_is_not_found(client, full):
    response = client.get("/api/finance/summary", {"year": 2030}, HTTP_AUTHORIZATION=f"Bearer {full[2]['admin']}")
    assert response.status_code == 404


def test_the_portal_gives_only_what_is_published(client, get, full):
    extra = full[1]
    news = get("commune_b", "/api/portal/news")["results"]
    assert [(n["id"], n["title"], n["version"]) for n in news] == [(extra["article"].pk, "Xã A đạt chuẩn", 1)]
    assert "Bản nháp" not in str(news)
    article = get("commune_b", f"/api/portal/news/{extra['article'].pk}")
    assert article["body_html"] == "<p>Công bố</p>" and article["url"] == f"/cong-khai/tin-tuc/{extra['article'].pk}/"
    draft = client.get(f"/api/portal/news/{extra['draft'].pk}", HTTP_AUTHORIZATION=f"Bearer {full[2]['admin']}")
    assert draft.status_code == 404
    (document,) = get("viewer", "/api/portal/documents")["results"]
    assert (document["number"], document["sha256"]) == ("12/KH-UBND", extra["document"].sha256)
    assert get("viewer", "/api/portal/documents", kind="decision")["results"] == []
    assert [p["code"] for p in get("viewer", "/api/portal/periods")] == [full[0]["period"].code]


def test_heavy_reads_answer_304_until_the_data_changes(client, full):
    from finance import services as finance

    world, extra, raw = full
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw['admin']}"}
    for url in ("/api/finance/summary?year=2024", "/api/units", "/api/portal/news", "/api/evaluations",
                "/api/values/history?unit=" + world["units"]["A"].ref, "/api/finance/projects"):
        first = client.get(url, **auth)
        assert first.status_code == 200 and first["ETag"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **auth)
        assert again.status_code == 304 and again.content == b"", url
    etag = client.get("/api/finance/summary?year=2024", **auth)["ETag"]
    finance.record_disbursements([finance.DisbursementEntry(
        extra["projects"][1].allocations.get(), datetime.date(2024, 4, 1), 100_000_000)])
    changed = client.get("/api/finance/summary?year=2024", HTTP_IF_NONE_MATCH=etag, **auth)
    assert changed.status_code == 200 and changed.json()["disbursed"] == 500_000_000
    # Another user's reply differs: the ETag is not shared across scopes.
    other = client.get("/api/finance/summary?year=2024", HTTP_AUTHORIZATION=f"Bearer {raw['commune_a']}",
                       HTTP_IF_NONE_MATCH=changed["ETag"])
    assert other.status_code == 200


@pytest.mark.parametrize("url", ["/api/finance/summary?year=2024", "/api/finance/projects", "/api/finance/debts",
                                 "/api/finance/plans", "/api/finance/programmes", "/api/portal/news",
                                 "/api/portal/documents", "/api/submissions", "/api/roadmap-items"])
@pytest.mark.parametrize("role", ["admin", "district"])
def test_query_counts_do_not_grow_with_the_rows(client, full, url, role):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from finance import services as finance
    from planning import services as planning
    from portal import services as portal

    world, extra, raw = full
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw[role]}"}

    def count():
        with time_machine.travel(helpers.TODAY, tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **auth).status_code == 200
        return len(ctx.captured_queries)

    count()  # the token's last use is written on the first request only
    small = count()
    admin, a, b = world["users"]["admin"], world["units"]["A"], world["units"]["B"]
    with time_machine.travel(helpers.TODAY, tick=False):
        projects = finance.create_projects([
            finance.ProjectSpec(unit=unit, code=f"DA-X{i}", name=f"Kênh {i}", kind="irrigation", owner="UBND xã")
            for i, unit in enumerate([a, b] * 3)])
        for p in projects:
            allocation = finance.set_allocation(project=p, plan_line=extra["line"], amount=100_000_000,
                                                decision_number="102/QĐ-UBND", decision_date=datetime.date(2024, 2, 1))
            finance.record_disbursements([finance.DisbursementEntry(allocation, datetime.date(2024, 5, 1), 10_000_000)])
            finance.record_debt(p, amount=5_000_000, since=datetime.date(2024, 1, 1))
        for i in range(3):
            article = portal.save_draft(admin, title=f"Tin {i}", summary="", body="<p>x</p>")
            portal.submit_for_review(admin, article)
            portal.publish(admin, article)
            portal.add_document(admin, title=f"VB {i}", number=f"{i}/QĐ", issued_on=None, kind="decision",
                                upload=SimpleUploadedFile("x.pdf", helpers.PDF + str(i).encode()))
        planning.create_items([planning.ItemSpec(
            unit=unit, family=helpers.FAMILY, indicators={"10.1": ("10", "30", "≥ 39")}, title=f"Việc {i}",
            target_date=datetime.date(2026, 12, 31), estimated_cost=10) for i, unit in enumerate([a, b] * 3)])
    assert count() == small
