import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from finance import services
from finance.models import Allocation, Debt, Disbursement
from finance.tests.helpers import BILLION, make_finance_world

pytestmark = pytest.mark.django_db
PASSWORD = "Finance-Pass-2026!"


def users(w):
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=w["province"])
    c0 = accounts.ensure_organisation(code="xa0", name="UBND xã 0", kind=OrganisationKind.COMMUNE,
                                      unit=w["communes"][0])

    def user(name, org, role, scope=None):
        return accounts.create_user(by=None, username=name, full_name=name, email="", organisation=org,
                                    role=role, password=PASSWORD, scope_unit=scope)

    return {"admin": user("admin1", office, Role.PROVINCE_ADMIN),
            "officer": user("officer1", office, Role.PROVINCE_OFFICER),
            "commune0": user("xa0", c0, Role.COMMUNE_OFFICER)}


@pytest.fixture
def world():
    w = make_finance_world(n_communes=2, n_projects=4, plan=8 * BILLION, alloc=BILLION,
                           paid=[BILLION, 500_000_000, 0, 250_000_000])
    services.record_debt(w["projects"][1], amount=300_000_000, since=datetime.date(2025, 12, 31))
    w.update(users(w))
    return w


def test_the_dashboard_shows_the_totals_rate_and_debt(client, world):
    client.force_login(world["officer"])
    html = client.get("/tai-chinh/?nam=2026").content.decode()
    assert "8.000.000.000 đ" in html and "1.750.000.000 đ" in html
    assert 'id="kpi-rate">21,9%' in html
    assert 'id="kpi-debt">300.000.000 đ' in html
    assert "Giải ngân lũy kế theo tháng" in html


def test_a_commune_officer_sees_only_its_own_projects(client, world):
    client.force_login(world["commune0"])
    html = client.get("/tai-chinh/?nam=2026").content.decode()
    # Projects 0 and 2 are in commune 0: 1,000,000,000 đ disbursed of 2,000,000,000 đ allocated.
    assert 'id="kpi-disbursed">1.000.000.000 đ' in html
    assert 'id="kpi-allocated">2.000.000.000 đ' in html
    assert client.get(f"/tai-chinh/cong-trinh/{world['projects'][1].pk}/").status_code == 403
    assert client.get(f"/tai-chinh/cong-trinh/{world['projects'][0].pk}/").status_code == 200


def test_only_a_province_administrator_writes(client, world):
    url = f"/tai-chinh/cong-trinh/{world['projects'][2].pk}/no-dong/"
    data = {"n-amount": "100", "n-since": "2026-01-01"}
    client.force_login(world["officer"])
    assert client.post(url, data).status_code == 403
    client.force_login(world["admin"])
    assert client.post(url, data).status_code == 302
    assert Debt.objects.count() == 2


def test_the_over_allocation_form_shows_the_figures_and_writes_nothing(client, world):
    client.force_login(world["admin"])
    project = world["projects"][0]
    response = client.post(f"/tai-chinh/cong-trinh/{project.pk}/phan-bo/", {
        "a-plan_line": str(world["line"].pk), "a-amount": str(6 * BILLION), "a-decision_number": "9/QĐ",
        "a-decision_date": "2026-06-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "vượt kế hoạch" in html and "còn lại 5.000.000.000 đ" in html
    assert Allocation.objects.get(project=project).amount == BILLION


def test_a_disbursement_form_records_the_cumulative_amount(client, world):
    client.force_login(world["admin"])
    allocation = world["allocations"][2]
    response = client.post(f"/tai-chinh/cong-trinh/{world['projects'][2].pk}/giai-ngan/", {
        "g-allocation": str(allocation.pk), "g-month": "04/2026", "g-cumulative": "400000000"})
    assert response.status_code == 302
    assert Disbursement.objects.get(allocation=allocation, month=datetime.date(2026, 4, 1)).cumulative == 400_000_000


def test_a_commune_with_debt_shows_it_and_is_not_shown_as_meeting_every_condition(client, world):
    client.force_login(world["officer"])
    html = client.get(f"/xa/{world['communes'][1].ref}/").content.decode()
    assert 'id="debt-flag"' in html and "300.000.000 đ" in html
    assert "Còn nợ đọng xây dựng cơ bản" in html
    other = client.get(f"/xa/{world['communes'][0].ref}/").content.decode()
    assert 'id="debt-flag"' not in other


def _counts(client, user, w):
    client.force_login(user)
    client.get("/tai-chinh/")  # the user's first request computes its province's bound (accounts.bounds)
    out = []
    for url in ["/tai-chinh/?nam=2026", "/tai-chinh/cong-trinh/", "/tai-chinh/ke-hoach/?nam=2026",
                f"/tai-chinh/cong-trinh/{w['projects'][0].pk}/", f"/xa/{w['communes'][0].ref}/"]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        out.append(len(ctx.captured_queries))
    return out


def _build(n):
    w = make_finance_world(n_communes=5, n_projects=n, plan=1000 * BILLION, alloc=BILLION,
                           paid=[i * 10_000_000 for i in range(n)])
    for p in w["projects"][:3]:
        services.record_debt(p, amount=1_000_000, since=datetime.date(2025, 1, 1))
    w.update(users(w))
    return w


def test_the_finance_pages_cost_the_same_queries_for_10_and_100_projects(client):
    with transaction.atomic():
        w = _build(10)
        few = _counts(client, w["admin"], w)
        transaction.set_rollback(True)
    w = _build(100)
    many = _counts(client, w["admin"], w)
    assert many == few


def test_a_commune_meeting_every_criterion_with_debt_is_shown_as_blocked(client, criteria_sets):
    from planning.tests.helpers import make_world

    w = make_world(3)  # commune 2 meets every criterion of 2024 and is not recognised
    commune = w["communes"][2]
    client.force_login(w["officer"])
    before = client.get(f"/xa/{commune.ref}/").content.decode()
    assert "Đạt tất cả các tiêu chí theo số liệu nhưng chưa được công nhận" in before
    services.sync_reference()
    project = services.create_projects([services.ProjectSpec(unit=commune, code="NT1", name="Nhà văn hóa")])[0]
    services.record_debt(project, amount=120_000_000, since=datetime.date(2023, 12, 31))
    html = client.get(f"/xa/{commune.ref}/").content.decode()
    assert "Đạt mọi tiêu chí theo số liệu, nhưng còn nợ đọng xây dựng cơ bản" in html
    assert "chưa được công nhận." not in html
    assert "120.000.000 đ" in html


def test_the_watch_list_and_the_province_dashboard_flag_debt_and_the_optimiser_uses_available_capital(
        client, criteria_sets, settings):
    from assessments import services as assessments
    from planning.tests.helpers import make_world

    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(3)
    commune0, commune2 = w["communes"][0], w["communes"][2]
    assessments.record_recognition(commune0, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                   decision_number="1/QĐ", decision_date=datetime.date(2020, 1, 1), issuer="UBND")
    from django.utils import timezone

    from finance.models import Programme, Source

    services.sync_reference()
    line = services.set_plan_line(province=w["province"], year=timezone.localdate().year,
                                  programme=Programme.objects.get(code="ngoai-ct"),
                                  source=Source.objects.get(code="long-ghep"), amount=7 * BILLION,
                                  decision_number="5/QĐ", decision_date=datetime.date(2026, 1, 1))
    projects = services.create_projects([services.ProjectSpec(unit=u, code=f"P{i}", name=f"Đường {i}")
                                         for i, u in enumerate((commune0, commune2))])
    services.set_allocation(project=projects[0], plan_line=line, amount=2 * BILLION, decision_number="6/QĐ",
                            decision_date=datetime.date(2026, 2, 1))
    for project in projects:
        services.record_debt(project, amount=50_000_000, since=datetime.date(2024, 12, 31))
    client.force_login(w["admin"])
    watch = client.get("/ke-hoach/theo-doi/").content.decode()
    assert 'class="debt">50.000.000 đ' in watch
    board = client.get("/?ky=2024").content.decode()
    assert 'id="kpi-debt-communes">2<' in board
    assert "nợ đọng XDCB 50.000.000 đ: chưa đủ điều kiện công nhận" in board
    invest = client.get("/ke-hoach/dau-tu/").content.decode()
    assert "chưa phân bổ cho công trình: 5.000.000.000 đ" in invest and 'id="selection"' in invest
