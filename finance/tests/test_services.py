import datetime

import pytest

from audit.models import AuditRecord
from finance import queries, services
from finance.models import Adjustment, Allocation, Debt, Disbursement, PlanLine
from finance.money import dong
from finance.tests.helpers import BILLION, make_finance_world

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def test_money_is_formatted_with_dots_and_dong():
    assert dong(1_234_567_000) == "1.234.567.000 đ"
    assert dong(0) == "0 đ"


def test_reference_data_loads_once_with_sources_of_both_periods():
    from finance.models import Programme, Source

    first = services.sync_reference()
    assert first["programmes"] == 5 and services.sync_reference() == {"programmes": 0, "components": 0,
                                                                      "sources": 0}
    assert Programme.objects.get(code="ntm-2021").source.startswith("QĐ 263/QĐ-TTg")
    assert Source.objects.get(code="nsdp-huyen").valid_to == datetime.date(2025, 6, 30)


def test_a_plan_adjustment_keeps_the_history_and_is_audited():
    w = make_finance_world(n_projects=1)
    services.set_plan_line(province=w["province"], year=2026, programme=w["programme"], component=w["component"],
                           source=w["central"], amount=12 * BILLION, decision_number="200/QĐ-UBND",
                           decision_date=datetime.date(2026, 6, 1), reason="bổ sung")
    line = PlanLine.objects.get()
    assert line.amount == 12 * BILLION
    assert list(Adjustment.objects.filter(plan_line=line).values_list("amount_before", "amount_after")) == [
        (None, 10 * BILLION), (10 * BILLION, 12 * BILLION)]
    assert AuditRecord.objects.filter(action="finance.plan").count() == 2


def test_it_refuses_an_allocation_beyond_the_plan_with_the_figures_and_writes_nothing():
    w = make_finance_world(n_projects=2, plan=3 * BILLION, alloc=BILLION)
    audits = AuditRecord.objects.count()
    with pytest.raises(services.Refused) as exc:
        services.set_allocation(project=w["projects"][0], plan_line=w["line"], amount=2_500_000_000,
                                decision_number="102/QĐ", decision_date=datetime.date(2026, 2, 1))
    message = str(exc.value)
    assert "2.500.000.000 đ" in message and "3.000.000.000 đ" in message and "còn lại 2.000.000.000 đ" in message
    assert Allocation.objects.get(project=w["projects"][0]).amount == BILLION
    assert AuditRecord.objects.count() == audits
    assert Adjustment.objects.filter(allocation__isnull=False).count() == 2


def test_a_plan_cannot_drop_below_what_is_allocated():
    w = make_finance_world(n_projects=3, plan=3 * BILLION)
    with pytest.raises(services.Refused, match="3.000.000.000 đ"):
        services.set_plan_line(province=w["province"], year=2026, programme=w["programme"],
                               component=w["component"], source=w["central"], amount=2 * BILLION,
                               decision_number="9/QĐ", decision_date=datetime.date(2026, 7, 1))
    assert PlanLine.objects.get().amount == 3 * BILLION


def test_disbursement_is_cumulative_and_cannot_exceed_the_allocation():
    w = make_finance_world(n_projects=1, paid=[300_000_000])
    a = w["allocations"][0]
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 500_000_000)])
    assert list(Disbursement.objects.values_list("month", "cumulative", "amount")) == [
        (MARCH, 300_000_000, 300_000_000), (APRIL, 500_000_000, 200_000_000)]
    with pytest.raises(services.Refused, match="vượt số vốn được phân bổ 1.000.000.000 đ"):
        services.record_disbursements([services.DisbursementEntry(a, APRIL, 1_200_000_000)])
    with pytest.raises(services.Refused, match="thấp hơn"):
        services.record_disbursements([services.DisbursementEntry(a, datetime.date(2026, 5, 1), 100_000_000)])
    # The latest month may be corrected.
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 600_000_000)])
    assert Disbursement.objects.get(month=APRIL).amount == 300_000_000


def test_investment_capital_may_be_paid_until_january_next_year_and_not_after():
    w = make_finance_world(n_projects=1)
    a = w["allocations"][0]
    services.record_disbursements([services.DisbursementEntry(a, datetime.date(2027, 1, 1), 100)])
    with pytest.raises(services.Refused, match="31/01/2027"):
        services.record_disbursements([services.DisbursementEntry(a, datetime.date(2027, 2, 1), 200)])


def test_an_allocation_cannot_drop_below_what_was_disbursed():
    w = make_finance_world(n_projects=1, paid=[700_000_000])
    with pytest.raises(services.Refused, match="700.000.000 đ"):
        services.set_allocation(project=w["projects"][0], plan_line=w["line"], amount=500_000_000,
                                decision_number="5/QĐ", decision_date=datetime.date(2026, 5, 1))


def test_debt_and_repayments_give_the_outstanding_amount_per_commune():
    w = make_finance_world(n_projects=2)
    debt = services.record_debt(w["projects"][0], amount=400_000_000, since=datetime.date(2024, 12, 31))
    services.record_repayment(debt, amount=150_000_000, date=datetime.date(2026, 3, 1))
    assert queries.debt_for_units([u.pk for u in w["communes"]]) == {w["communes"][0].pk: 250_000_000}
    with pytest.raises(services.Refused, match="250.000.000 đ"):
        services.record_repayment(debt, amount=300_000_000, date=datetime.date(2026, 4, 1))
    services.record_repayment(debt, amount=250_000_000, date=datetime.date(2026, 4, 1))
    assert queries.debt_for_units([w["communes"][0].pk]) == {}
    assert Debt.objects.count() == 1


def test_year_summary_totals_rates_and_priority_share():
    from planning import services as planning
    from planning.models import Phase

    w = make_finance_world(n_communes=2, n_projects=4, plan=8 * BILLION, alloc=BILLION,
                           paid=[BILLION, 500_000_000, 0, 250_000_000])
    Phase.objects.create(code="p26", name="p", start_year=2026, end_year=2030, family="ntm-xa-2026")
    planning.set_commune_target(w["communes"][0], "ntm", 2027)
    planning.set_commune_target(w["communes"][1], "ntm", 2032)
    s = queries.year_summary(w["province"], 2026, day=datetime.date(2026, 12, 1))
    assert (s.plan, s.allocated, s.disbursed) == (8 * BILLION, 4 * BILLION, 1_750_000_000)
    assert str(s.rate) == "21.9" and str(s.rate_allocated) == "43.8"
    # Projects 0 and 2 sit in commune 0 (priority), 1 and 3 in commune 1.
    assert (s.priority_allocated, s.other_allocated, str(s.priority_share)) == (2 * BILLION, 2 * BILLION, "50.0")
    assert [p.code for p in s.slow_projects] == ["DA0002", "DA0003", "DA0001"]
    assert s.monthly[2] == (MARCH, 1_750_000_000, 8 * BILLION)


def test_one_decision_allocates_to_many_projects_or_to_none():
    w = make_finance_world(n_projects=3, plan=4 * BILLION, alloc=BILLION)
    extra = services.create_projects([services.ProjectSpec(unit=w["communes"][0], code=f"X{i}", name=f"Cầu {i}")
                                      for i in range(2)])
    with pytest.raises(services.Refused) as exc:
        services.allocate_many([services.AllocationSpec(p, w["line"], 600_000_000) for p in extra],
                               decision_number="7/QĐ", decision_date=datetime.date(2026, 3, 1))
    assert "1.200.000.000 đ" in str(exc.value) and "còn lại 1.000.000.000 đ" in str(exc.value)
    assert not Allocation.objects.filter(project__in=extra).exists()
    made = services.allocate_many([services.AllocationSpec(p, w["line"], 500_000_000) for p in extra],
                                  decision_number="7/QĐ", decision_date=datetime.date(2026, 3, 1))
    assert len(made) == 2 and Adjustment.objects.filter(allocation__in=made).count() == 2
    assert AuditRecord.objects.filter(action="finance.allocation.many").count() == 1


def test_the_summary_of_an_earlier_day_and_of_a_scope_read_the_monthly_rows_and_agree():
    w = make_finance_world(n_communes=2, n_projects=4, plan=8 * BILLION, alloc=BILLION,
                           paid=[BILLION, 500_000_000, 0, 250_000_000])
    services.record_disbursements([services.DisbursementEntry(a, APRIL, 800_000_000) for a in w["allocations"][1:]])
    assert queries.year_summary(w["province"], 2026, day=datetime.date(2026, 5, 1)).disbursed == 3_400_000_000
    march = queries.year_summary(w["province"], 2026, day=datetime.date(2026, 3, 31))
    assert (march.disbursed, march.monthly[-1][1]) == (1_750_000_000, 1_750_000_000)
    assert {r.name: r.disbursed for r in march.communes} == {"Xã Mới 000": BILLION, "Xã Mới 001": 750_000_000}
    assert [p.code for p in march.slow_projects] == ["DA0002"]  # 15% of the year elapsed is the bar
    scoped = queries.year_summary(w["province"], 2026, day=datetime.date(2026, 5, 1),
                                  unit_ids=[w["communes"][1].pk])
    assert (scoped.allocated, scoped.disbursed) == (2 * BILLION, 1_600_000_000)
    assert scoped.monthly[3] == (APRIL, 1_600_000_000, 8 * BILLION)
