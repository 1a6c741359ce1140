import datetime

import pytest

from assessments import services as assessments
from planning import services
from planning.models import (
    CommuneTarget,
    FieldVisit,
    HelpingAssignment,
    Phase,
    SupportTeamMember,
    Task,
    YearTarget,
)
from planning.tests.helpers import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    return make_world(3)


def test_an_agency_records_a_visit_whose_follow_ups_become_tasks(world, client):
    c1 = world["communes"][1]
    client.force_login(world["agency_user"])
    response = client.post(f"/ke-hoach/co-quan/{world['agency'].code}/chuyen-cong-tac/", {
        "commune": c1.ref, "date": "2025-04-10", "members": "Ông A, Bà B", "criteria_checked": "3, 13",
        "findings": "Kênh xuống cấp", "difficulties": "Thiếu vốn",
        "follow_ups": "Lập dự toán sửa kênh | cơ quan | 2025-06-30\nHọp dân | xã | 2025-05-15",
    })
    assert response.status_code == 302
    visit = FieldVisit.objects.get()
    assert visit.criteria_checked == ["3", "13"]
    tasks = {t.title: t for t in Task.objects.filter(visit=visit)}
    assert tasks["Lập dự toán sửa kênh"].organisation == world["agency"]
    assert tasks["Họp dân"].owner == "commune" and tasks["Họp dân"].due_date == datetime.date(2025, 5, 15)
    agency_html = client.get(f"/ke-hoach/co-quan/{world['agency'].code}/").content.decode()
    assert f'data-visit="{visit.pk}"' in agency_html and "Lập dự toán sửa kênh" in agency_html
    client.force_login(world["commune1"])
    assert f'data-visit="{visit.pk}"' in client.get(f"/ke-hoach/xa/{c1.ref}/").content.decode()
    # Another agency cannot record visits in this agency's name.
    client.force_login(world["agency_user"])
    assert client.post(f"/ke-hoach/co-quan/{world['other_agency'].code}/chuyen-cong-tac/",
                       {"commune": c1.ref, "date": "2025-04-10"}).status_code == 403


def test_targets_are_edited_by_the_administrator_and_compared_with_actual(world, client):
    phase = Phase.objects.create(code="2021-2025", name="GĐ", start_year=2021, end_year=2025, family="ntm-xa-2021")
    c0, c1, c2 = world["communes"]
    assessments.record_recognition(c2, level_code="ntm", level_rank=1, family="ntm-xa-2021",
                                   decision_number="1/QĐ", decision_date=datetime.date(2024, 3, 1), issuer="UBND")
    client.force_login(world["admin"])
    client.post("/ke-hoach/muc-tieu/sua/", {"kind": "grid", "n-ntm-2024": "2", "min-2024": "18",
                                            "avg-2024": "18,5"})
    client.post("/ke-hoach/muc-tieu/sua/", {"kind": "commune", "c-commune": c0.ref, "c-level_code": "ntm",
                                            "c-year": "2025"})
    assert YearTarget.objects.get(phase=phase, year=2024).min_criteria == 18
    assert CommuneTarget.objects.get(unit=c0).year == 2025
    html = client.get("/ke-hoach/muc-tieu/").content.decode()
    row = html[html.index('data-year="2024"'):]
    row = row[:row.index("</tr>")]
    cells = [c.strip() for c in row.split('<td class="num">')[1:]]
    # ntm: target 2, recognised 1, meeting 1 (c2); criteria: floor 18, 1 commune under it (c1: 17/19),
    # average (18 + 17 + 19) / 3 = 18.00
    assert cells[:3] == ["2</td>", "1</td>", "1</td>"]
    assert "18</td>" == cells[-4] and cells[-3] == "1</td>" and cells[-2] == "18,50</td>" and cells[-1].startswith("18,00")
    client.force_login(world["officer"])
    assert client.post("/ke-hoach/muc-tieu/sua/", {"kind": "year", "y-year": "2025"}).status_code == 403


def test_helping_agencies_and_support_team_members_are_managed_on_one_page(world, client):
    c0 = world["communes"][0]
    client.force_login(world["admin"])
    client.post("/ke-hoach/giup-do/", {"kind": "help", "h-commune": c0.ref, "h-organisation": world["agency"].pk})
    client.post("/ke-hoach/giup-do/", {"kind": "member", "m-commune": c0.ref, "m-name": "Ông Lò Văn A",
                                       "m-role": "Tổ trưởng"})
    assert HelpingAssignment.objects.filter(unit=c0, organisation=world["agency"]).exists()
    assert SupportTeamMember.objects.get(unit=c0).role == "Tổ trưởng"
    html = client.get(f"/ke-hoach/xa/{c0.ref}/").content.decode()
    assert "Sở NN" in html and "Ông Lò Văn A" in html
    services.set_helping_agency(world["agency"], c0, helping=False)
    assert not HelpingAssignment.objects.exists()


def test_the_helping_and_visit_forms_pick_communes_by_name(world, client):
    c0 = world["communes"][0]
    client.force_login(world["admin"])
    html = client.get("/ke-hoach/giup-do/").content.decode()
    # A list of names, not a box for a code.
    assert f'<option value="{c0.ref}">{c0.name}</option>' in html
    assert 'name="h-commune" maxlength' not in html
    response = client.post("/ke-hoach/giup-do/", {"kind": "help", "h-commune": "999999",
                                                  "h-organisation": world["agency"].pk})
    assert response.status_code == 400
    assert "Xã này không có trong danh sách" in response.content.decode()
    assert not HelpingAssignment.objects.exists()
    response = client.post("/ke-hoach/giup-do/", {"kind": "member", "m-commune": "", "m-name": "Ông A"})
    assert response.status_code == 400 and not SupportTeamMember.objects.exists()
    # A formula, a control character or a huge number is just not in the list.
    for hostile in ("=HYPERLINK(\"http://x\")", f"{c0.ref}\x00", "9" * 400):
        response = client.post("/ke-hoach/giup-do/", {"kind": "member", "m-commune": hostile, "m-name": "Ông A"})
        assert response.status_code == 400
        assert "Xã này không có trong danh sách" in response.content.decode()
    assert not SupportTeamMember.objects.exists()
