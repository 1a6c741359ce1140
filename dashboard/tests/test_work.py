"""Issue 10, item 10: each role lands on its own work: what is due, overdue, returned, failing."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services as assessments
from assessments.tests.helpers import values_for
from planning import services as planning
from planning.models import TaskOwner
from planning.tests.helpers import make_item
from reporting import services as reporting
from reporting.models import Submission
from reporting.tests.helpers import FULL, build_world, local, reporter, with_values
from units.models import AttributeName, Unit, UnitAttribute, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=False) as traveller:
        w = build_world()
        w["period"] = with_values(w)  # communes 0 and 3 (district 0) fail criterion 3
        admin = w["users"]["admin"]
        # Commune A filed October, the office returned it.
        submission = reporting.submit(user=w["users"]["xa_a"], period=w["october_xa"],
                                      reporter=reporter(w, "xa_a"), sections=FULL)
        reporting.return_submission(user=admin, submission=submission, comment="Thiếu số liệu")
        # An item of criterion 3 in commune A, due on 1/10/2024: overdue; an agency task past its date.
        w["item"] = make_item(w["communes"][0], ["3.1"], target_date=datetime.date(2024, 10, 1))
        w["task"] = planning.add_task(unit=w["communes"][0], title="Khảo sát kênh mương", owner=TaskOwner.AGENCY,
                                      organisation=w["agency"], due_date=datetime.date(2024, 10, 10),
                                      item=w["item"])
        traveller.move_to(local(2024, 10, 28, 9, 0))
        yield w


def kpi(html, name):
    match = re.search(rf'id="kpi-{name}">([^<]+)<', html)
    return match.group(1) if match else None


def home(client, world, who):
    client.force_login(world["users"][who])
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_commune_officer_lands_on_its_communes_reports_items_and_failing_indicators(client, world):
    html = home(client, world, "xa_a")
    assert "dashboard/work.html" in [t.name for t in client.get("/").templates]
    assert "Việc của tôi — Xã Thử 000" in html
    # October returned (first), November and December due; nothing overdue.
    assert kpi(html, "reports-returned") == "1" and kpi(html, "reports-overdue") == "0"
    assert kpi(html, "reports-todo") == "3"
    rows = re.findall(r'<tr data-period="(\d+)"', html)
    assert rows[0] == str(world["october_xa"].pk)
    assert "Bị trả lại" in html.split('id="reports"')[1].split("</tr>")[1]
    assert f'/bao-cao/nop/{world["october_xa"].pk}/u{world["communes"][0].pk}/' in html
    assert kpi(html, "items-overdue") == "1"
    assert f'data-overdue="{world["item"].pk}"' in html
    failing = re.findall(r'<tr data-indicator="([^"]+)"', html)
    assert failing and all(code.startswith("3.") for code in failing)
    assert kpi(html, "failing") == str(len(failing))
    assert kpi(html, "criteria-met") == "18/19"
    assert f'/xa/{world["communes"][0].ref}/nhap/{world["period"].code}/' in html


def test_a_commune_without_work_says_so(client, world):
    html = home(client, world, "xa_b")  # commune 1 meets every criterion, has no item
    assert kpi(html, "reports-overdue") == "1"  # October, not filed
    assert kpi(html, "failing") == "0" and kpi(html, "items-overdue") == "0"
    assert "Lần đánh giá gần nhất không có chỉ tiêu nào chưa đạt." in html


def test_an_agency_officer_lands_on_its_criteria_items_tasks_and_reports(client, world):
    html = home(client, world, "agency")
    assert "Việc của tôi — Sở Nông nghiệp" in html
    assert "Bảng tổng hợp cấp tỉnh</h1>" not in html.split("<main>")[1]
    section = html.split('id="work-criteria"')[1].split("</section>")[0]
    assert re.search(r'data-criterion="3">Tiêu chí 3 \([^)]*\): 2 xã chưa đạt', section)
    assert "Xã Thử 000" in section and "Xã Thử 003" in section
    assert re.search(r'data-criterion="13">Tiêu chí 13 \([^)]*\): 0 xã chưa đạt', section)
    assert kpi(html, "items-overdue") == "1" and kpi(html, "tasks-late") == "1"
    assert 'data-late="1"' in html and "Khảo sát kênh mương" in html
    # The quarterly report of Q4 is due on 15/12 (Q3's locked on 5/10).
    assert kpi(html, "reports-todo") == "1" and kpi(html, "reports-overdue") == "0"
    assert f'/bao-cao/nop/{world["q4"].pk}/o{world["agency"].pk}/' in html
    # The province dashboard is still one link away.
    assert client.get("/tinh/").status_code == 200


def test_a_former_district_officer_lands_on_its_communes_weakest_first(client, world):
    html = home(client, world, "d0")
    assert kpi(html, "communes") == "2"
    assert re.findall(r'<tr data-unit="([^"]+)"', html) == [world["communes"][0].ref, world["communes"][3].ref]
    row = html.split(f'<tr data-unit="{world["communes"][0].ref}"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["18/19", "1", '<span class="tag tag-bad">1</span>']
    assert kpi(html, "reports-overdue") == "1"  # the district's October report


def test_province_wide_roles_still_land_on_the_province_dashboard(client, world):
    for who in ("admin", "officer"):
        client.force_login(world["users"][who])
        assert "dashboard/province.html" in [t.name for t in client.get("/").templates]


def _add_communes(world, n):
    """n more communes in district 0, evaluated, each with an overdue item and an agency task."""
    d0 = world["units"]["d0"]
    units = []
    for i in range(n):
        unit = Unit.objects.create(ref=f"96{i:03d}", code=f"96{i:03d}", kind=UnitKind.COMMUNE,
                                   name=f"Xã Thêm {i:02d}", parent=d0, valid_to=d0.valid_to)
        UnitAttribute.objects.create(unit=unit, name=AttributeName.IN_PROGRAMME, value="1")
        UnitAttribute.objects.create(unit=unit, name=AttributeName.REGION, value="tdmnpb")
        units.append(unit)
    assessments.record_values_many(
        world["period"], {u: values_for(world["period"], seed=i, failing={"3"}) for i, u in enumerate(units)},
        source="x")
    for unit in units:
        item = make_item(unit, ["3.1"], target_date=datetime.date(2024, 10, 1))
        planning.add_task(unit=unit, title="Việc", owner=TaskOwner.AGENCY, organisation=world["agency"],
                          due_date=datetime.date(2024, 10, 10), item=item)


@pytest.mark.parametrize("who", ["xa_a", "agency", "d0"])
def test_homes_cost_the_same_queries_for_few_and_many_communes(client, world, who):
    client.force_login(world["users"][who])
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    _add_communes(world, 12)
    # Units were added: the next request computes the province's bound once (accounts.bounds),
    # as after any load of units; the cost compared is the steady one.
    client.get("/")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    if who == "d0":
        assert kpi(html, "communes") == "14"
    if who == "agency":
        assert kpi(html, "items-overdue") == "13" and kpi(html, "tasks-late") == "13"
    assert len(few.captured_queries) == len(many.captured_queries), who
    assert Submission.objects.count() == 1


def test_a_commune_not_yet_evaluated_says_so_rather_than_all_is_met(client, world):
    from accounts import services as accounts
    from accounts.models import OrganisationKind, Role

    new = Unit.objects.create(ref="N-20250701", code="N", kind=UnitKind.COMMUNE, name="Xã Mới Lập",
                              parent=None, valid_from=datetime.date(2025, 7, 1))
    org = accounts.ensure_organisation(code="xa-n", name="UBND xã Mới Lập", kind=OrganisationKind.COMMUNE, unit=new)
    user = accounts.create_user(by=None, username="xa_n", full_name="xa_n", email="", organisation=org,
                                role=Role.COMMUNE_OFFICER, password="Work-Pass-2025!")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Việc của tôi — Xã Mới Lập" in html and "Xã này chưa được đánh giá." in html
    assert kpi(html, "failing") == "0" and 'id="enter-values"' not in html
