import re

import pytest
from django.core.management import call_command

from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from dashboard.queries import province_dashboard

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_public_figures_and_runs_twice_without_duplicates(client, capsys):
    call_command("setup_demo")
    out = capsys.readouterr().out
    assert "tinh.admin" in out and "NongThonMoi@2025" in out
    counts = (IndicatorValue.objects.count(), Evaluation.objects.count(), Recognition.objects.count())

    board = province_dashboard(Period.objects.get(code="2025"))
    assert board.communes == 126  # the xã of pre-reform Lào Cai (vietnam-provinces 0.6.0)
    assert board.recognised_by_level["ntm"] == 62
    assert board.recognised_by_level["nang-cao"] == 5
    assert str(board.average_met_recognised) == "15.03"
    assert board.revocable == 16
    plan_2025 = {row.level_code: row for row in board.plan if row.year == 2025}
    assert (plan_2025["ntm"].target, plan_2025["ntm"].percent) == (94, 66)
    assert (plan_2025["nang-cao"].target, plan_2025["nang-cao"].percent) == (45, 11)
    assert board.meeting_by_level["ntm"] == 23
    assert len(board.meets_unrecognised) == 3

    call_command("setup_demo")
    assert (IndicatorValue.objects.count(), Evaluation.objects.count(), Recognition.objects.count()) == counts

    client.login(username="tinh.admin", password="NongThonMoi@2025")
    # The 2021-2025 figures stay as they were, one period-picker click away.
    html = client.get("/?ky=2025").content.decode()
    assert re.search(r'id="kpi-recognised-ntm">62<', html)
    assert re.search(r'id="kpi-revocable">16<', html)
    assert "15,03" in html
    assert 'class="demo-banner"' in html

    # The present: 2026 on today's map, 89 xã of new Lào Cai, 37 of them recognised after the
    # merger (the public figure), groups confirmed but for two communes, no revocation rule.
    html = client.get("/").content.decode()
    assert "Năm 2026" in html and 'class="demo-banner"' in html
    assert re.search(r'id="kpi-communes">89<', html)
    assert re.search(r'id="kpi-recognised-ntm">37<', html)
    assert re.search(r'id="kpi-recognised-hien-dai">0<', html)
    assert re.search(r'id="kpi-unconfirmed-groups">2<', html)
    assert re.search(r'id="kpi-revocable">0<', html)
    board = province_dashboard(Period.objects.get(code="2026"))
    assert (board.communes, board.evaluated, board.recognised_by_level["ntm"]) == (89, 89, 37)
    assert str(board.average_met) == "6.51" and board.meeting_by_level["ntm"] == 5
    assert len(board.at_risk) == 31
    plan_2026 = {row.level_code: row for row in board.plan if row.year == 2026}
    assert (plan_2026["ntm"].target, plan_2026["ntm"].actual) == (41, 37)
    html = client.get("/xa/").content.decode()
    assert re.search(r'id="result-count">89 xã<', html)
    assert "Mù Cang Chải" in client.get("/xa/?q=M%C3%B9+Cang+Ch%E1%BA%A3i").content.decode()

    # A new commune's officer has this year's values to enter.
    client.login(username="xa.amusung", password="NongThonMoi@2025")
    home = client.get("/", follow=True)
    assert "Năm 2026" in home.content.decode()
    assert re.search(r'href="/xa/[^"]+/nhap/2026/"', home.content.decode())
