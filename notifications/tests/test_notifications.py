"""In-app notifications: reports due, overdue and returned, roadmap items overdue; per user,
marked read per user, only the user's own."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditRecord
from notifications.models import NotificationRead
from notifications.queries import notices_for
from planning import services as planning
from reporting import services
from reporting.tests.helpers import FULL, build_world, local, reporter

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 10, 22)


@pytest.fixture
def world(settings, criteria_sets):
    settings.NTM_PROVINCE_REFS = "10"
    w = build_world()
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False):
        services.submit(user=w["users"]["d0"], period=w["october"], reporter=reporter(w, "d0"), sections=FULL)
        submission = services.submit(user=w["users"]["d2"], period=w["october"], reporter=reporter(w, "d2"),
                                     sections=FULL)
        services.return_submission(user=w["users"]["officer"], submission=submission, comment="Thiếu số liệu vốn")
    for title, day in (("Cứng hóa đường trục xã", datetime.date(2024, 6, 30)),
                       ("Nhà văn hóa thôn", datetime.date(2025, 12, 31))):
        planning.create_items([planning.ItemSpec(
            unit=w["units"]["xa_a"], family="ntm-xa-2021", indicators={"2.1": ("50", "70", "≥ 70")}, title=title,
            target_date=day, estimated_cost=10)])
    return w


def _texts(user, day=DAY):
    return [n.text for n in notices_for(user, day)]


def test_a_district_sees_its_report_due_and_nobody_elses(world):
    texts = _texts(world["users"]["d1"])
    assert any(t.startswith("Sắp đến hạn nộp báo cáo ngày 25/10/2024: Báo cáo tháng NTM (huyện)") for t in texts)
    assert not any("trả lại" in t for t in texts)
    assert not any("tháng NTM" in t for t in _texts(world["users"]["d0"])), "d0 has submitted"


def test_a_returned_report_is_a_notice_with_its_reason(world):
    texts = _texts(world["users"]["d2"])
    assert any("Báo cáo bị trả lại: Báo cáo tháng NTM (huyện)" in t and "Thiếu số liệu vốn" in t for t in texts)


def test_an_overdue_report_replaces_the_due_notice(world):
    texts = _texts(world["users"]["d1"], datetime.date(2024, 10, 27))
    assert any(t.startswith("Quá hạn nộp báo cáo: Báo cáo tháng NTM (huyện)") for t in texts)
    assert not any(t.startswith("Sắp đến hạn") and "(huyện)" in t for t in texts)


def test_overdue_roadmap_items_for_the_commune_and_a_count_for_the_province(world):
    texts = _texts(world["users"]["xa_a"])
    assert any("Cứng hóa đường trục xã" in t and "30/06/2024" in t for t in texts)
    assert not any("Nhà văn hóa thôn" in t for t in texts)
    assert not any("Cứng hóa" in t for t in _texts(world["users"]["xa_b"]))
    assert "1 nội dung lộ trình của tỉnh đã quá thời hạn." in _texts(world["users"]["officer"])


def test_the_page_lists_them_and_marks_one_read(client, world):
    user = world["users"]["d2"]
    client.force_login(user)
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=False):
        page = client.get(reverse("notifications:index"))
        notices = page.context["notices"]
        assert page.context["unread"] == len(notices) >= 1
        assert "Thiếu số liệu vốn" in page.content.decode()
        assert json.loads(client.get(reverse("notifications:count")).content) == {"unread": len(notices)}
        key = notices[0].key
        response = client.post(reverse("notifications:mark_read"), {"key": key}, follow=True)
        assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
        assert json.loads(client.get(reverse("notifications:count")).content) == {"unread": len(notices) - 1}
    assert NotificationRead.objects.filter(user=user, key=key).exists()
    assert AuditRecord.objects.filter(action="notification.read", user=user).count() == 1


def test_keys_of_other_users_are_ignored(client, world):
    other_key = notices_for(world["users"]["d2"], DAY)[0].key
    client.force_login(world["users"]["d1"])
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=False):
        client.post(reverse("notifications:mark_read"), {"key": [other_key, "made-up"]})
    assert not NotificationRead.objects.exists()


def test_mark_all_and_a_new_event_comes_back_unread(client, world):
    user = world["users"]["d1"]
    client.force_login(user)
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=False):
        client.post(reverse("notifications:mark_read"), {"all": "1"})
        assert json.loads(client.get(reverse("notifications:count")).content) == {"unread": 0}
    # After the due date the report is overdue: a new notice, unread.
    with time_machine.travel(local(2024, 10, 27, 9, 0), tick=False):
        assert json.loads(client.get(reverse("notifications:count")).content)["unread"] >= 1


def test_the_bell_is_in_the_menu_and_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get(reverse("notifications:count")).status_code == 302
    client.force_login(world["users"]["d1"])
    html = client.get(reverse("reporting:index")).content.decode()
    assert 'id="bell"' in html and reverse("notifications:count") in html
