import datetime

import pytest
from django.db.models import Sum

from conftest import make_new_province, make_province
from finance import demo, queries
from finance.models import Allocation, Debt, Disbursement, PlanLine, Project

pytestmark = pytest.mark.django_db


def test_the_demo_money_is_illustrative_reconciles_and_runs_once(settings):
    settings.NTM_PROVINCE_REFS = "10,15-20250701"
    old, _communes = make_province(12, ref="10")
    new, _communes = make_new_province(8, ref="15")
    figures = demo.ensure_demo_finance(today=datetime.date(2026, 12, 1))
    assert sorted(y for y in figures if isinstance(y, int)) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert figures[2021]["province"] == "10" and figures[2026]["province"] == "15-20250701"
    assert not PlanLine.objects.filter(illustrative=False).exists()
    assert not Project.objects.filter(illustrative=False).exists()
    assert Debt.objects.exists() and not Debt.objects.filter(illustrative=False).exists()
    assert all("minh họa" in n for n in Project.objects.values_list("name", flat=True))
    for line in PlanLine.objects.annotate(allocated=Sum("allocations__amount")):
        assert (line.allocated or 0) <= line.amount
    for allocation in Allocation.objects.all():
        latest = Disbursement.objects.filter(allocation=allocation).order_by("-month").first()
        assert latest is None or latest.cumulative <= allocation.amount
    s = queries.year_summary(new, 2026, day=datetime.date(2026, 12, 1))
    assert 0 < s.disbursed <= s.allocated <= s.plan
    assert s.monthly[-1] == (datetime.date(2026, 12, 1), s.disbursed, s.plan)
    assert demo.ensure_demo_finance(today=datetime.date(2026, 12, 1)) == {"skipped": True}
