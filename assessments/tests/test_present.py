"""The present: 2026-2030 criteria by commune group on today's map, with the past carried over."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.groups import GroupRejected, confirm_group, propose_group
from assessments.models import Evaluation, IndicatorValue, Period
from assessments.queries import commune_statuses, period_context
from assessments.tests.helpers import make_period, make_period_2026, values_2026, values_for
from audit.models import AuditRecord
from conftest import make_new_province, make_province
from planning.models import CommuneTarget
from units.groups import Facts, propose
from units.models import AttributeName, UnitAttribute

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, officer):
    client.force_login(officer)
    return client


def base_result(unit, period):
    ev = Evaluation.objects.get(unit=unit, period=period, criteria_set__code="ntm-xa-2026-minh-hoa")
    return ev


def test_the_rule_proposes_a_group_from_the_facts_and_names_what_is_missing():
    assert propose(Facts(None, False, False, "1")).missing == ["tỷ trọng nông nghiệp trong cơ cấu kinh tế"]
    assert propose(Facts(8, False, False, "1")).group == "nhom-1"
    assert propose(Facts(40, True, False, "0")).group == "nhom-1"
    assert propose(Facts(40, False, False, "3")).group == "nhom-3"
    assert propose(Facts(40, False, False, "1")).group == "nhom-2"
    both = propose(Facts(8, False, False, "2"))
    assert both.group == "" and "tỉnh quyết định" in both.sentence


def test_each_commune_is_evaluated_with_the_threshold_of_its_group(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(3, groups=("nhom-1", "nhom-3", ""))
    period = make_period_2026()
    values = values_2026(period, group="nhom-2")
    values["3.1"] = 60  # income: meets group 3 (50), fails group 1 (80); illustrative values
    services.record_values_many(period, {u: dict(values) for u in communes}, source="test")
    status = {u.pk: base_result(u, period).result["indicators"]["3.1"] for u in communes}
    assert [status[u.pk] for u in communes] == ["unmet", "met", "missing"]

    # Confirming the third commune's group re-evaluates it, audited.
    confirm_group(communes[2], valid_from=datetime.date(2026, 2, 15), group="nhom-3",
                  decision_number="12/QĐ-UBND", decision_date=datetime.date(2026, 3, 1),
                  facts=Facts(40, False, False, "3"), note="")
    assert base_result(communes[2], period).result["indicators"]["3.1"] == "met"
    record = AuditRecord.objects.get(action="unit.group.confirm")
    assert record.after["group"] == "nhom-3" and record.after["decision"] == "12/QĐ-UBND"
    assert UnitAttribute.objects.get(unit=communes[2], name=AttributeName.GROUP).value == "nhom-3"


def test_a_group_needs_a_decision_in_the_past_and_a_reason_to_differ_from_the_facts(criteria_sets):
    _province, communes = make_new_province(1, groups=("",))
    unit = communes[0]
    kwargs = dict(valid_from=datetime.date(2026, 2, 15), decision_number="1/QĐ-UBND",
                  facts=Facts(40, False, False, "3"))
    with pytest.raises(GroupRejected, match="tương lai"):
        confirm_group(unit, group="nhom-3", decision_date=datetime.date(2099, 1, 1), **kwargs)
    with pytest.raises(GroupRejected, match="cần ghi lý do"):
        confirm_group(unit, group="nhom-2", decision_date=datetime.date(2026, 3, 1), **kwargs)
    with pytest.raises(GroupRejected, match="không tồn tại"):
        confirm_group(unit, group="nhom-3", decision_date=datetime.date(2026, 3, 1),
                      **{**kwargs, "valid_from": datetime.date(2025, 1, 1)})
    assert not UnitAttribute.objects.filter(name=AttributeName.GROUP).exists()


def test_a_commune_without_a_group_says_what_is_missing(admin_client, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(1, groups=("",))
    unit = communes[0]
    period = make_period_2026()
    services.record_values_many(period, {unit: values_2026(period)}, source="test")
    propose_group(unit, valid_from=datetime.date(2026, 2, 15), facts=Facts(None, False, False, "3"))
    html = admin_client.get(f"/xa/{unit.ref}/").content.decode()
    missing = re.search(r'id="key-missing">([^<]*)<', html).group(1)
    assert "chưa có nhóm xã" in missing
    assert "tỷ trọng nông nghiệp trong cơ cấu kinh tế" in html
    assert 'mã ""' not in html and "mã &quot;&quot;" not in html
    assert "Xã chưa có nhóm xã (QĐ 51/2025) được xác nhận" in html  # the indicators' explanation


def test_a_new_commune_page_shows_its_predecessors_and_their_results(admin_client, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    _old_province, old = make_province(3, ref="10")
    period_2025 = make_period(2025)
    services.record_values_many(period_2025, {
        old[0]: values_for(period_2025, failing={"10"}, seed=1),
        old[1]: values_for(period_2025, seed=2),
    }, source="test")
    services.record_recognition(old[1], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="77/QĐ-UBND", decision_date=datetime.date(2019, 5, 2),
                                issuer="UBND tỉnh")
    CommuneTarget.objects.create(unit=old[0], level_code="ntm", year=2026)
    _province, new = make_new_province(1, predecessors={0: [old[0], old[1]]})
    make_period_2026()
    html = admin_client.get(f"/xa/{new[0].ref}/").content.decode()
    section = re.search(r'id="predecessors">(.*?)</section>', html, re.S).group(1)
    rows = dict(re.findall(r'data-predecessor="([^"]+)">(.*?)</tr>', section, re.S))
    assert "18/19" in rows[old[0].ref] and "2026" in rows[old[0].ref]
    assert "19/19" in rows[old[1].ref] and "77/QĐ-UBND" in rows[old[1].ref]
    assert "chưa được công nhận" in rows[old[0].ref]
    # Nothing is inherited: the new commune itself is not recognised.
    assert not new[0].recognitions.exists()
    # A new commune without values can still enter the present period's values.
    assert re.search(rf'id="enter-link" href="/xa/{re.escape(new[0].ref)}/nhap/2026/"', html)


def test_the_revocation_check_of_an_advanced_commune_uses_the_advanced_set(criteria_sets, settings):
    from assessments.demo import _criterion_values
    from criteria import engine
    from criteria.queries import current_catalog

    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(1)
    unit = communes[0]
    period = make_period(2024)
    catalog = current_catalog("ntm-xa-2021")
    advanced = catalog["ntm-nc-2021-minh-hoa"]
    ctx = engine.Context(key="tdmnpb", on_date=period.as_of)
    import random

    rng = random.Random(3)
    values = {}
    for group in advanced.groups:
        for criterion in group.criteria:
            values.update(_criterion_values(advanced, criterion, ctx, catalog, False, rng))
    values.update(values_for(period, seed=4))  # the NTM set is fully met
    services.record_values_many(period, {unit: values}, source="test")
    services.record_recognition(unit, level_code="nang-cao", level_rank=2, family="ntm-xa-2021",
                                decision_number="5/QĐ-UBND", decision_date=datetime.date(2023, 1, 5),
                                issuer="UBND tỉnh")
    status = commune_statuses(period_context(period), [unit])[0]
    assert status.criteria_unmet == 0  # nothing fails in the base set...
    assert status.revocable  # ...but the advanced set it is recognised at fails
    assert status.revocation.explanation.startswith("Theo Bộ tiêu chí xã nông thôn mới nâng cao")


def test_no_revocation_rule_is_invented_for_2026_2030(admin_client, criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(1, groups=("nhom-2",))
    period = make_period_2026()
    services.record_values_many(period, {communes[0]: values_2026(period, failing={"3", "7", "8", "2", "6", "5"})},
                                source="test")
    services.record_recognition(communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                decision_number="9/QĐ-UBND", decision_date=datetime.date(2025, 10, 1),
                                issuer="UBND tỉnh")
    status = commune_statuses(period_context(period), [communes[0]])[0]
    assert status.at_risk and status.revocation is None and not status.revocable
    html = admin_client.get("/").content.decode()
    assert re.search(r'id="kpi-revocable">0<', html)
    assert "Chưa có quy định thu hồi quyết định công nhận cho bộ tiêu chí này" in html
    assert re.search(r'id="kpi-recognised-ntm">1<', html)


def _list_count(html):
    return re.search(r'id="result-count">([^<]*)<', html).group(1)


def test_dashboard_and_list_cost_the_same_queries_for_3_and_30_communes_on_the_new_map(
        admin_client, criteria_sets, settings):
    counts = []
    for n, ref in ((3, "77"), (30, "78")):
        settings.NTM_PROVINCE_REFS = f"{ref}-20250701"
        _province, communes = make_new_province(n, ref=ref)
        period = Period.objects.filter(code="2026").first() or make_period_2026()
        services.record_values_many(period, {u: values_2026(period, group="nhom-2", seed=i)
                                             for i, u in enumerate(communes)}, source="test")
        for url in ("/", "/xa/", "/xa/nhom-xa/"):
            admin_client.get(url)
        sizes = []
        for url in ("/", "/xa/", "/xa/nhom-xa/"):
            with CaptureQueriesContext(connection) as captured:
                response = admin_client.get(url)
            assert response.status_code == 200
            sizes.append(len(captured.captured_queries))
        html = admin_client.get("/xa/").content.decode()
        assert _list_count(html) == f"{n} xã"
        assert re.search(rf'id="kpi-communes">{n}<', admin_client.get("/").content.decode())
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_the_november_2026_report_names_no_abolished_district(criteria_sets, settings):
    import io

    from docx import Document

    from reporting.documents import province_docx
    from reporting.models import ReportSchedule
    from reporting.services import ensure_default_schedules, generate_periods

    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    _old, old = make_province(4, ref="10")
    period_2025 = make_period(2025)
    services.record_values_many(period_2025, {u: values_for(period_2025, seed=i) for i, u in enumerate(old)},
                                source="test")
    _new, new = make_new_province(2, predecessors={0: old[:2], 1: old[2:]})
    period = make_period_2026()
    services.record_values_many(period, {u: values_2026(period, group="nhom-2", seed=i) for i, u in enumerate(new)},
                                source="test")
    ensure_default_schedules(until=datetime.date(2026, 12, 31))
    schedule = ReportSchedule.objects.get(code="ntm-thang-xa")
    generate_periods(schedule, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    rperiod = schedule.periods.get(start=datetime.date(2026, 11, 1))
    doc = Document(io.BytesIO(province_docx(rperiod)))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "Huyện Số" not in text and "Kết quả theo huyện" not in text
    assert "Năm 2026" in text
    summary = {row.cells[0].text: row.cells[1].text for row in doc.tables[1].rows}
    assert summary["Số xã trong Chương trình"] == "2"


def test_a_value_for_a_period_before_the_unit_existed_is_refused_and_nothing_is_written(criteria_sets):
    _province, communes = make_new_province(1)
    period = make_period(2024)
    with pytest.raises(services.BatchRejected) as refused:
        services.record_values(communes[0], period, values_for(period), source="test")
    assert communes[0].name in " ".join(refused.value.errors.values())
    assert not IndicatorValue.objects.filter(unit=communes[0]).exists()


def test_the_group_page_counts_groups_and_an_administrator_confirms_one(admin_client, criteria_sets, settings,
                                                                         outsider, client):
    import io

    from openpyxl import load_workbook

    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(4, groups=("nhom-1", "nhom-3", "nhom-3", ""))
    html = admin_client.get("/xa/nhom-xa/").content.decode()
    assert re.search(r'id="count-nhom-3">2<', html) and re.search(r'id="count-unconfirmed">1<', html)
    unit = communes[3]
    response = admin_client.post(f"/xa/{unit.ref}/nhom-xa/", {
        "agriculture_share": "35", "near_urban": "0", "new_urban": "0", "ethnic_area": "1",
        "valid_from": "15/02/2026", "group": "nhom-2", "decision_number": "3/QĐ-UBND",
        "decision_date": "01/03/2026", "note": "", "action": "confirm"})
    assert response.status_code == 302
    html = admin_client.get("/xa/nhom-xa/").content.decode()
    assert re.search(r'id="count-nhom-2">1<', html) and re.search(r'id="count-unconfirmed">0<', html)
    workbook = load_workbook(io.BytesIO(admin_client.get("/xa/nhom-xa/excel/").content))
    rows = {r[0]: r for r in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert rows[unit.ref][2] == "Xã nhóm 2" and rows[unit.ref][4:6] == ("3/QĐ-UBND", "01/03/2026")
    # Other users may not confirm groups.
    client.force_login(outsider)
    assert client.post(f"/xa/{unit.ref}/nhom-xa/", {"action": "confirm"}).status_code == 403


def test_the_monthly_report_links_to_the_entry_of_the_matching_period(criteria_sets):
    from reporting.models import ReportSchedule
    from reporting.reporters import Reporter
    from reporting.services import ensure_default_schedules, generate_periods
    from reporting.views import _entry_url

    _old, old = make_province(1)
    _province, communes = make_new_province(1, predecessors={0: old})
    make_period(2025)
    make_period_2026()
    ensure_default_schedules(until=datetime.date(2026, 12, 31))
    schedule = ReportSchedule.objects.get(code="ntm-thang-xa")
    generate_periods(schedule, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    november = schedule.periods.get(start=datetime.date(2026, 11, 1))
    assert _entry_url(Reporter(unit=communes[0]), november) == f"/xa/{communes[0].ref}/nhap/2026/"
    # A commune dissolved on 30/06/2025 has nothing to enter for 2026.
    assert _entry_url(Reporter(unit=old[0]), november) is None


def test_the_entry_form_of_a_period_before_the_commune_existed_is_not_offered(client, criteria_sets, settings):
    from accounts.models import OrganisationKind, Role
    from accounts.services import create_user, ensure_organisation

    _province, communes = make_new_province(1)
    make_period(2024)
    org = ensure_organisation(code="xa-moi", name="UBND Xã Mới", kind=OrganisationKind.COMMUNE, unit=communes[0])
    create_user(by=None, username="xa.moi", full_name="Xã mới", email="", organisation=org,
                role=Role.COMMUNE_OFFICER, password="x-Strong-Pass-2025")
    client.login(username="xa.moi", password="x-Strong-Pass-2025")
    response = client.get(f"/xa/{communes[0].ref}/nhap/2024/", follow=True)
    assert "không tồn tại vào ngày 31/12/2024" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/xa/{communes[0].ref}/"


def test_the_2026_workbook_names_groups_not_regions(admin_client, criteria_sets, settings):
    import io

    from openpyxl import load_workbook

    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(3)
    period = make_period_2026()
    services.record_values_many(period, {u: values_2026(period, group="nhom-2") for u in communes}, source="t")
    response = admin_client.get("/xa/excel/xuat/?ky=2026")
    workbook = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in workbook["Ngưỡng"][1]]
    assert header[3:] == ["Nhóm nhom-1", "Nhóm nhom-2", "Nhóm nhom-3"]
    data = workbook.worksheets[0]
    assert all(data.cell(row=r, column=3).value in (None, "") for r in range(5, 8))


def test_the_group_workbook_round_trips_and_one_bad_cell_imports_nothing(admin_client, criteria_sets, settings):
    import io

    from openpyxl import load_workbook

    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(3, groups=("", "", ""))
    workbook = load_workbook(io.BytesIO(admin_client.get("/xa/nhom-xa/excel/").content))
    ws = workbook.active
    by_ref = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for unit, group, area in zip(communes, ("Xã nhóm 3", "Xã nhóm 2", "Xã nhóm 3"), ("3", "1", "2"), strict=True):
        r = by_ref[unit.ref]
        for col, value in ((3, group), (4, "15/02/2026"), (5, "77/QĐ-UBND"), (6, "10/03/2026"), (8, 40),
                           (9, "không"), (10, "không"), (11, area)):
            ws.cell(row=r, column=col, value=value)
    bad = io.BytesIO()
    ws.cell(row=by_ref[communes[2].ref], column=6, value="10-03-2026")
    workbook.save(bad)
    bad.seek(0)
    response = admin_client.post("/xa/nhom-xa/excel/nhap/", {"tep": bad}, follow=True)
    html = response.content.decode()
    assert "Không nhập gì" in html and f"F{by_ref[communes[2].ref]}" in html
    assert not UnitAttribute.objects.filter(name=AttributeName.GROUP).exists()

    ws.cell(row=by_ref[communes[2].ref], column=6, value="10/03/2026")
    good = io.BytesIO()
    workbook.save(good)
    good.seek(0)
    good.name = "nhom.xlsx"
    admin_client.post("/xa/nhom-xa/excel/nhap/", {"tep": good})
    groups = dict(UnitAttribute.objects.filter(name=AttributeName.GROUP).values_list("unit_id", "value"))
    assert [groups[u.pk] for u in communes] == ["nhom-3", "nhom-2", "nhom-3"]
    assert AuditRecord.objects.filter(action="unit.group.confirm").count() == 3


def test_a_group_workbook_with_hostile_cells_imports_nothing(admin_client, criteria_sets, settings):
    import io

    from openpyxl import load_workbook

    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, communes = make_new_province(2, groups=("", ""))
    workbook = load_workbook(io.BytesIO(admin_client.get("/xa/nhom-xa/excel/").content))
    ws = workbook.active
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for unit, share, number in ((communes[0], "1e400", "1/QĐ"), (communes[1], 40, "=" + "9" * 120)):
        r = rows[unit.ref]
        for col, value in ((3, "Xã nhóm 3"), (4, "15/02/2026"), (5, number), (6, "10/03/2026"), (8, share),
                           (9, "không"), (10, "không"), (11, "3")):
            ws.cell(row=r, column=col, value=value)
        ws.cell(row=r, column=5).data_type = "s"  # text beginning with "=", not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    html = admin_client.post("/xa/nhom-xa/excel/nhap/", {"tep": buffer}, follow=True).content.decode()
    assert "Không nhập gì" in html
    assert not UnitAttribute.objects.filter(name=AttributeName.GROUP).exists()
