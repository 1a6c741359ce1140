"""On time, late and missing for a monthly period, with districts closed and created mid-period."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from reporting import services
from reporting.queries import completeness, reporter_totals
from reporting.reporters import expected_reporters
from reporting.tests.helpers import FULL, build_world, local, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.NTM_PROVINCE_REFS = "10"
    return build_world()


def _submit(world, key, at):
    with time_machine.travel(at, tick=False):
        return services.submit(user=world["users"][key], period=world["october"], reporter=reporter(world, key),
                               sections={**FULL, "ket_qua": f"Kết quả của {key}"})


@pytest.fixture
def submitted(world):
    _submit(world, "closed", local(2024, 10, 5, 9, 0))      # closed on 10/10: not expected
    _submit(world, "d0", local(2024, 10, 20, 10, 0))        # on time
    _submit(world, "d1", local(2024, 10, 25, 23, 30))       # the due day, late evening: on time
    _submit(world, "d2", local(2024, 10, 26, 0, 10))        # 10 minutes into the 26th: late
    return world                                             # "new" (created 12/10): missing


def test_the_expected_reporters_are_the_units_that_exist_on_the_due_date(world):
    names = {r.unit.name for r in expected_reporters(world["october"])}
    assert names == {"Huyện Số 0", "Huyện Số 1", "Huyện Số 2", "Huyện Mới Lập"}


def test_it_counts_on_time_late_and_missing(submitted):
    c = completeness(submitted["october"], datetime.date(2024, 10, 26))
    assert (c.expected, c.submitted, c.on_time, c.late, c.missing) == (4, 3, 2, 1, 1)
    assert c.submitted_rate == Decimal("75.0")
    assert c.on_time_rate == Decimal("50.0")
    assert [row.reporter.name for row in c.overdue] == ["Huyện Mới Lập"]
    assert [s.reporter_name for s in c.unexpected] == ["Huyện Đã Nhập"]


def test_rates_never_exceed_100_percent_when_units_close_mid_period(submitted):
    _submit(submitted, "new", local(2024, 10, 24, 8, 0))
    c = completeness(submitted["october"], datetime.date(2024, 10, 26))
    assert (c.expected, c.submitted) == (4, 4)
    assert c.submitted_rate == Decimal("100.0")
    for t in reporter_totals(submitted["monthly"], datetime.date(2024, 11, 1)):
        assert t.submitted <= t.expected
        assert t.submitted_rate is None or t.submitted_rate <= 100


def test_nobody_is_overdue_before_the_due_date_has_passed(submitted):
    assert completeness(submitted["october"], datetime.date(2024, 10, 25)).overdue == []


def test_a_closed_district_counts_only_in_the_periods_it_existed_in(submitted):
    totals = {t.reporter.name: t for t in reporter_totals(submitted["monthly"], datetime.date(2024, 11, 1))}
    # January to September: nine periods; October is not expected from it.
    assert totals["Huyện Đã Nhập"].expected == 9
    assert totals["Huyện Đã Nhập"].submitted == 0
    # Created on 12/10: October only.
    assert totals["Huyện Mới Lập"].expected == 1
    assert totals["Huyện Số 0"].expected == 10
    assert totals["Huyện Số 0"].on_time == 1


def test_the_period_page_shows_the_counts(client, submitted):
    client.force_login(submitted["users"]["officer"])
    with time_machine.travel(local(2024, 10, 26, 12, 0), tick=False):
        response = client.get(f"/bao-cao/ky/{submitted['october'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="n-expected">4<' in html and 'id="n-late">1<' in html and 'id="n-missing">1<' in html
    assert "Huyện Mới Lập" in html


def test_the_period_page_is_for_province_readers(client, submitted):
    client.force_login(submitted["users"]["d0"])
    assert client.get(f"/bao-cao/ky/{submitted['october'].pk}/").status_code == 403
    assert client.get(f"/bao-cao/ky/{submitted['october'].pk}/tinh-trang.xlsx").status_code == 403


def test_periods_follow_the_schedule_calendar(world):
    october = world["october"]
    assert (october.start, october.end) == (datetime.date(2024, 10, 1), datetime.date(2024, 10, 31))
    assert (october.due_date, october.lock_date) == (datetime.date(2024, 10, 25), datetime.date(2024, 11, 5))
    q4 = world["q4"]
    assert (q4.end, q4.due_date, q4.lock_date) == (
        datetime.date(2024, 12, 31), datetime.date(2024, 12, 15), datetime.date(2025, 1, 5))
    assert world["monthly"].periods.count() == 12
    assert services.generate_periods(world["monthly"], datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)) \
        and world["monthly"].periods.count() == 18  # valid to 30/6/2025
