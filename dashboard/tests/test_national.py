"""The whole country, a region or a province: the area picker of the dashboard and the commune
list, the national demo, and the version-keyed dashboard cache."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from accounts.models import OrganisationKind, Profile, Role
from assessments import services
from assessments.demo import DEMO_SOURCE
from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from assessments.queries import programme_communes
from assessments.tests.helpers import make_period, values_for
from audit.models import AuditRecord
from conftest import make_province
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def kpi(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">([^<]*)<', html)
    assert match, f"kpi {name} not on the page"
    return match.group(1)


def result_count(html: str) -> str:
    return re.search(r'id="result-count">([^<]*)<', html).group(1).strip()


def build_country(settings):
    """Three provinces: 10 (Lào Cai code, Northern Midlands and Mountains) with 4 communes, 02
    (Hà Giang code, same region) with 3 and 01 (Hà Nội code, Red River Delta) with 5; every
    commune evaluated in 2024, the first of each province meeting every criterion."""
    settings.NTM_PROVINCE_REFS = "10"
    period = make_period(2024)
    batch = {}
    for ref, n in (("10", 4), ("02", 3), ("01", 5)):
        _province, communes = make_province(n, ref=ref)
        for i, unit in enumerate(communes):
            batch[unit] = values_for(period, failing=set() if i == 0 else {"10", "11"}, seed=i)
    services.record_values_many(period, batch, source="test")
    return period


def test_a_national_user_sees_the_country_a_region_or_a_province(client, officer, criteria_sets, settings):
    build_country(settings)
    client.force_login(officer)  # a superuser may pick
    html = client.get("/").content.decode()
    assert kpi(html, "communes") == "4"  # the deployment's province by default
    assert 'id="area-picker"' in html
    assert 'value="tinh-02"' in html and 'value="vung-dbsh"' in html
    html = client.get("/?ky=2024&pham-vi=ca-nuoc").content.decode()
    assert kpi(html, "communes") == "12"
    assert re.search(r"<h1>Cả nước — ", html)
    assert "<label>Phạm vi" in html
    assert kpi(html, "recognised-ntm") == "0"
    # Every commune fails criteria 10 and 11 except the first of each province: 3 of 12 meet 10.
    row = re.search(r'<tr data-criterion="10">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', row) == ["3", "9", "0", "25,0%"]
    html = client.get("/?ky=2024&pham-vi=vung-tdmnpb").content.decode()
    assert kpi(html, "communes") == "7"
    assert "Vùng Trung du và miền núi phía Bắc" in html
    html = client.get("/?ky=2024&pham-vi=tinh-01").content.decode()
    assert kpi(html, "communes") == "5"
    # Another province's dashboard shows no phase plan of the deployment's province.
    assert client.get("/?ky=2024&pham-vi=tinh-01").context["board"].phase is None
    # An unknown area falls back to the default.
    assert kpi(client.get("/?pham-vi=vung-xyz").content.decode(), "communes") == "4"
    # The commune list follows the same areas.
    assert result_count(client.get("/xa/?ky=2024&pham-vi=ca-nuoc").content.decode()) == "12 xã"
    assert result_count(client.get("/xa/?ky=2024&pham-vi=vung-dbsh").content.decode()) == "5 xã"
    assert result_count(client.get("/xa/?ky=2024").content.decode()) == "4 xã"


def test_a_province_officer_stays_in_the_province(client, criteria_sets, settings, django_user_model):
    build_country(settings)
    province = Unit.objects.get(ref="10")
    office = accounts.ensure_organisation(code="vp", name="Văn phòng điều phối",
                                          kind=OrganisationKind.PROVINCE_OFFICE, unit=province)
    user = django_user_model.objects.create_user("tinh", password="x-Strong-Pass-2025")
    Profile.objects.create(user=user, organisation=office, role=Role.PROVINCE_OFFICER)
    client.force_login(user)
    html = client.get("/?ky=2024&pham-vi=ca-nuoc").content.decode()
    assert kpi(html, "communes") == "4"
    assert 'id="area-picker"' not in html
    assert result_count(client.get("/xa/?ky=2024&pham-vi=ca-nuoc").content.decode()) == "4 xã"


def test_a_national_office_may_pick(client, criteria_sets, settings, django_user_model):
    build_country(settings)
    office = accounts.ensure_organisation(code="bo", name="Văn phòng Điều phối trung ương",
                                          kind=OrganisationKind.PROVINCE_OFFICE, unit=None)
    user = django_user_model.objects.create_user("tw", password="x-Strong-Pass-2025")
    Profile.objects.create(user=user, organisation=office, role=Role.PROVINCE_OFFICER)
    client.force_login(user)
    assert kpi(client.get("/?ky=2024&pham-vi=ca-nuoc").content.decode(), "communes") == "12"


def test_the_country_costs_the_queries_of_a_province(client, officer, criteria_sets, settings):
    build_country(settings)
    client.force_login(officer)
    counts = {}
    for area in ("tinh-10", "tinh-01", "vung-tdmnpb", "ca-nuoc"):
        for page in ("/", "/xa/"):
            url = f"{page}?ky=2024&pham-vi={area}"
            client.get(url)  # warm the criteria caches
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[(area, page)] = len(ctx.captured_queries)
    assert counts[("ca-nuoc", "/")] == counts[("vung-tdmnpb", "/")] == counts[("tinh-01", "/")] <= 17
    # The deployment's own province adds its phase plan (the phase: none here).
    assert counts[("tinh-10", "/")] == counts[("tinh-01", "/")] + 1
    # A province's list also offers its districts; the country and a region do not.
    assert counts[("ca-nuoc", "/xa/")] == counts[("vung-tdmnpb", "/xa/")] == counts[("tinh-10", "/xa/")] - 1
    assert counts[("tinh-01", "/xa/")] == counts[("tinh-10", "/xa/")]


def test_the_cached_dashboard_changes_with_the_next_write(client, officer, criteria_sets, settings):
    period = build_country(settings)
    settings.NTM_DASHBOARD_CACHE = True
    cache.clear()
    client.force_login(officer)
    url = "/?ky=2024&pham-vi=ca-nuoc"
    row = r'<tr data-criterion="10">(.*?)</tr>'
    assert re.findall(r'class="num">([^<]*)<', re.search(row, client.get(url).content.decode(), re.S).group(1))[0] == "3"
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    # A value saved: the next request shows it (the version moved with the audit record).
    unit = Unit.objects.get(ref="902001")
    services.record_values(unit, period, values_for(period, failing=set(), seed=1), reason="sửa", source="test")
    html = client.get(url).content.decode()
    assert re.findall(r'class="num">([^<]*)<', re.search(row, html, re.S).group(1))[0] == "4"
    # From the cache: the version query instead of the evaluations, statuses and debts.
    settings.NTM_DASHBOARD_CACHE = False
    with CaptureQueriesContext(connection) as fresh:
        client.get(url)
    assert len(cached.captured_queries) < len(fresh.captured_queries)
    cache.clear()


def test_setup_demo_national_fills_the_provinces_named(client, officer, criteria_sets, settings):
    settings.NTM_LOAD_PROVINCES = []
    out = io.StringIO()
    call_command("setup_demo", "--no-demo", "--scale", "national", "--provinces", "12", stdout=out)
    old = Unit.objects.get(ref="12", kind=UnitKind.PROVINCE)
    new = Unit.objects.get(ref="12-20250701", kind=UnitKind.PROVINCE)
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 2  # Lai Châu on both maps
    for code, province in (("2024", old), ("2026", new)):
        period = Period.objects.get(code=code)
        communes = list(programme_communes(period.as_of, province))
        assert len(communes) > 30
        evaluated = set(Evaluation.objects.filter(period=period).values_list("unit_id", flat=True))
        assert evaluated == {u.pk for u in communes}
        sources = set(IndicatorValue.objects.filter(period=period).values_list("source", flat=True))
        assert sources == {DEMO_SOURCE}  # labelled "Dữ liệu minh họa"
    # Statuses vary: some communes meet every criterion of 2024, most do not.
    met = list(Evaluation.objects.filter(period__code="2024", criteria_set__level_rank=1)
               .values_list("criteria_unmet", flat=True))
    assert 0 in met and max(met) > 0
    # Lineage from the old communes to the new ones.
    assert Unit.objects.filter(successor_links__successor__parent=new).count() > 90
    assert "Dữ liệu minh họa cả nước: kỳ 2024" in out.getvalue()
    # Recognitions, labelled, follow the engine's statuses: every commune recognised at a level
    # before the reform either reaches it in 2024 or misses at most five criteria of the base set.
    old_communes = {u.pk for u in programme_communes(Period.objects.get(code="2024").as_of, old)}
    recognised = Recognition.objects.filter(unit_id__in=old_communes)
    assert recognised.filter(level_rank=1).count() > len(old_communes) // 3
    assert {r.decision_number.endswith("(minh họa)") for r in recognised} == {True}
    base = {uid: (rank, unmet + missing) for uid, rank, unmet, missing in Evaluation.objects.filter(
        period__code="2024", criteria_set__level_rank=1, unit_id__in=old_communes,
    ).values_list("unit_id", "level_rank", "criteria_unmet", "criteria_missing")}
    for r in recognised.filter(level_rank=1):
        rank, missed = base[r.unit_id]
        assert rank >= 1 or missed <= 5
    # An advanced recognition only over the base one.
    for r in recognised.filter(level_rank__gt=1):
        assert recognised.filter(unit_id=r.unit_id, level_rank=r.level_rank - 1).exists()
    assert AuditRecord.objects.filter(action="recognition.create").count() == Recognition.objects.count()
    # New communes are recognised after the merger, dated after 1/7/2025.
    new_recognised = Recognition.objects.filter(unit__parent=new)
    assert new_recognised.exists()
    assert min(r.decision_date for r in new_recognised) > datetime.date(2025, 7, 1)
    # The national dashboard counts them (a superuser picking the province).
    client.force_login(officer)
    html = client.get(f"/?ky=2024&pham-vi=tinh-{old.ref}").content.decode()
    assert kpi(html, "recognised-ntm") == str(recognised.filter(level_rank=1).count())
    values = IndicatorValue.objects.count()
    recognitions = Recognition.objects.count()
    call_command("setup_demo", "--no-demo", "--scale", "national", "--provinces", "12", stdout=io.StringIO())
    assert IndicatorValue.objects.count() == values  # a second run adds nothing
    assert Recognition.objects.count() == recognitions


def test_many_recognitions_are_all_or_nothing(criteria_sets):
    from assessments import recognitions

    _province, communes = make_province(3)
    good = [recognitions.Decision(u, "ntm", 1, "ntm-xa-2021", f"{i}/QĐ", datetime.date(2020, 1, 1), "UBND")
            for i, u in enumerate(communes)]
    bad = recognitions.Decision(communes[2], "ntm", 1, "ntm-xa-2021", " ", datetime.date(2099, 1, 1), "UBND")
    audits = AuditRecord.objects.count()
    with pytest.raises(services.BatchRejected) as refused:
        recognitions.record_recognitions_many(good[:2] + [bad])
    assert set(refused.value.errors) == {"Xã Thử 002 (910002): decision_number",
                                         "Xã Thử 002 (910002): decision_date"}
    assert Recognition.objects.count() == 0 and AuditRecord.objects.count() == audits
    made = recognitions.record_recognitions_many(good)
    assert [r.pk for r in made] == list(Recognition.objects.order_by("pk").values_list("pk", flat=True))
    assert sorted(AuditRecord.objects.filter(action="recognition.create").values_list("object_id", flat=True)) == \
        sorted(str(r.pk) for r in made)


def test_setup_demo_in_a_national_deployment_skips_the_province_story(criteria_sets, settings):
    settings.NTM_LOAD_PROVINCES = []
    settings.NTM_PROVINCE_REFS = ""
    out = io.StringIO()
    call_command("setup_demo", "--scale", "national", "--provinces", "12", stdout=out)
    assert "NTM_PROVINCE_REFS trống" in out.getvalue()
    assert IndicatorValue.objects.filter(period__code="2024").exists()
    assert not Period.objects.filter(code="2021").exists()  # the province demo's periods are not made
