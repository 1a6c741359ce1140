from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Evaluation, IndicatorValue
from assessments.tests.helpers import make_period, values_for
from audit.models import AuditRecord
from conftest import make_province
from criteria.engine import format_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(criteria_sets):
    _province, communes = make_province(2)
    return communes[0]


@pytest.fixture
def period(criteria_sets):
    return make_period(2024)


def test_it_records_a_batch_and_stores_the_evaluation(commune, period, officer):
    result = services.record_values(commune, period, values_for(period, failing={"10"}),
                                    user=officer, source="Báo cáo xã")
    assert result.created == IndicatorValue.objects.count() > 40
    evaluation = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert evaluation.criteria_met == 18
    assert evaluation.criteria_unmet == 1
    assert evaluation.criteria_status["10"] == "unmet"
    assert evaluation.level_reached == ""
    assert result.evaluation == evaluation


def test_it_reaches_the_level_when_every_criterion_is_met(commune, period, officer):
    services.record_values(commune, period, values_for(period), user=officer, source="x")
    evaluation = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert evaluation.all_met
    assert evaluation.criteria_met == 19
    assert evaluation.level_reached == "ntm"


def test_a_bad_value_rejects_the_whole_batch(commune, period, officer):
    audits = AuditRecord.objects.count()
    values = values_for(period)
    values["11.1"] = "mười"
    with pytest.raises(services.BatchRejected) as caught:
        services.record_values(commune, period, values, user=officer, source="x")
    assert set(caught.value.errors) == {"11.1"}
    assert IndicatorValue.objects.count() == 0
    assert Evaluation.objects.count() == 0
    assert AuditRecord.objects.count() == audits


@pytest.mark.parametrize(
    "code, raw",
    [("2.1", "120"), ("2.1", "-1"), ("9.1", "1,5"), ("1.1", "maybe"), ("99.9", "1"), ("10.1", True)],
)
def test_it_rejects_out_of_range_wrong_type_and_unknown_indicators(commune, period, code, raw):
    with pytest.raises(services.BatchRejected) as caught:
        services.record_values(commune, period, {"10.1": "45", code: raw}, source="x")
    assert code in caught.value.errors
    assert IndicatorValue.objects.count() == 0


def test_it_accepts_decimal_commas_percent_signs_and_yes_no_words(commune, period):
    services.record_values(commune, period, {"10.1": "45,5", "2.2": "85,25 %", "1.1": "có", "1.2": "Không"},
                           source="x")
    stored = {v.indicator: v.value for v in IndicatorValue.objects.current()}
    assert stored == {"10.1": Decimal("45.5"), "2.2": Decimal("85.25"), "1.1": True, "1.2": False}


def test_a_correction_keeps_the_old_value_with_who_when_and_why(commune, period, officer):
    services.record_values(commune, period, {"10.1": "30"}, user=officer, source="Báo cáo tháng 6")
    evaluation = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert evaluation.criteria_status["10"] == "unmet"

    result = services.record_values(commune, period, {"10.1": "45"}, user=officer,
                                    source="Báo cáo tháng 7", reason="Số liệu điều tra lại")
    assert (result.created, result.corrected) == (0, 1)
    old, new = IndicatorValue.objects.filter(indicator="10.1").order_by("id")
    assert (old.value, old.is_current) == (Decimal("30"), False)
    assert (new.value, new.is_current, new.supersedes, new.reason) == (Decimal("45"), True, old, "Số liệu điều tra lại")
    evaluation = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert evaluation.criteria_status["10"] == "met"
    audit = AuditRecord.objects.filter(action="values.record").order_by("id").last()
    assert audit.before == {"10.1": "30"}
    assert audit.after == {"10.1": "45"}
    assert audit.user == officer
    assert audit.reason == "Số liệu điều tra lại"


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(commune, period):
    services.record_values(commune, period, {"10.1": "30"}, source="x")
    with pytest.raises(services.BatchRejected) as caught:
        services.record_values(commune, period, {"10.1": "45", "11.1": "3"}, source="x")
    assert "10.1" in caught.value.errors
    assert IndicatorValue.objects.count() == 1


def test_recording_the_same_values_twice_changes_nothing(commune, period):
    values = values_for(period)
    services.record_values(commune, period, values, source="x")
    before = (IndicatorValue.objects.count(), AuditRecord.objects.count(), Evaluation.objects.count())
    result = services.record_values(commune, period, values, source="x")
    assert result.created == result.corrected == 0
    assert result.unchanged == len(values)
    assert (IndicatorValue.objects.count(), AuditRecord.objects.count(), Evaluation.objects.count()) == before


def test_missing_values_are_no_data_not_a_failure(commune, period):
    services.record_values(commune, period, values_for(period, skip={"11.1"}), source="x")
    evaluation = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert evaluation.criteria_status["11"] == "missing"
    assert (evaluation.criteria_met, evaluation.criteria_unmet, evaluation.criteria_missing) == (18, 0, 1)
    assert not evaluation.all_met


def test_a_failure_in_the_evaluation_rolls_back_the_values(commune, period, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services, "store_evaluations", boom)
    audits = AuditRecord.objects.count()
    with pytest.raises(RuntimeError):
        services.record_values(commune, period, {"10.1": "45"}, source="x")
    assert IndicatorValue.objects.count() == 0
    assert AuditRecord.objects.count() == audits


def test_many_units_at_once_reject_everything_on_one_bad_cell(criteria_sets):
    _province, communes = make_province(3)
    period = make_period(2024)
    batch = {unit: values_for(period) for unit in communes}
    batch[communes[2]]["2.2"] = "abc"
    with pytest.raises(services.BatchRejected) as caught:
        services.record_values_many(period, batch, source="x")
    assert list(caught.value.errors) == [f"{communes[2].ref}:2.2"]
    assert IndicatorValue.objects.count() == 0


def test_evaluations_keep_the_version_they_used(commune, period, tmp_path, settings):
    from criteria.services import sync_sets

    services.record_values(commune, period, values_for(period), source="x")
    first = Evaluation.objects.get(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    # A changed file becomes version 2; the stored evaluation still points at version 1.
    for path in settings.NTM_CRITERIA_DIR.glob("*.yaml"):
        text = path.read_text()
        if path.name.startswith("ntm-xa"):
            text = text.replace("name: Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025 (minh họa)",
                                "name: Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025 (minh họa, sửa)")
        (tmp_path / path.name).write_text(text)
    sync_sets(tmp_path)
    first.refresh_from_db()
    assert first.version.number == 1
    services.record_values(commune, period, {"10.1": "50"}, source="x", reason="sửa")
    latest = Evaluation.objects.filter(unit=commune, period=period, criteria_set__code="ntm-xa-2021-minh-hoa")
    assert sorted(e.version.number for e in latest) == [1, 2]


def test_the_service_refuses_indicators_outside_the_callers_rights(commune, period):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_values(commune, period, {"3.1": "90", "10.1": "45"}, source="x",
                               allowed_indicators={"3.1", "3.2"})
    assert IndicatorValue.objects.count() == 0


def test_the_page_explanations_are_rebuilt_with_the_stored_statuses(commune, period):
    from assessments.queries import explained_results

    services.record_values(commune, period, values_for(period, failing={"10", "17"}, skip={"2.1"}), source="x")
    evaluations = list(Evaluation.objects.filter(unit=commune, period=period).select_related("criteria_set", "version"))
    assert len(evaluations) == 3
    for evaluation, result in explained_results(commune, period, evaluations):
        assert result.statuses() == evaluation.result
        assert all(i.explanation for c in result.criteria for i in c.indicators)


def test_an_unchanged_value_outside_the_allowed_indicators_is_not_a_change(commune, period, officer):
    values = values_for(period)
    services.record_values(commune, period, values, user=officer, source="x")
    again = dict(values)
    again["10.1"] = Decimal(values["10.1"]) + 1
    result = services.record_values(commune, period, again, user=officer, source="x", reason="sửa",
                                    allowed_indicators={"10.1"})
    assert (result.corrected, result.unchanged) == (1, len(values) - 1)
    again["2.1"] = Decimal("1")
    with pytest.raises(services.ValuesRefused) as caught:
        services.record_values(commune, period, again, user=officer, source="x", reason="sửa",
                               allowed_indicators={"10.1"})
    assert set(caught.value.errors) == {f"{commune.ref}:2.1"}
    assert IndicatorValue.objects.filter(indicator="2.1", is_current=True).get().number != Decimal("1")


def test_a_correction_without_reason_names_the_recorded_value(commune, period, officer):
    values = values_for(period)
    services.record_values(commune, period, values, user=officer, source="x")
    with pytest.raises(services.BatchRejected) as caught:
        services.record_values(commune, period, {"10.1": Decimal(values["10.1"]) + 1}, user=officer, source="x")
    stored = IndicatorValue.objects.get(indicator="10.1", is_current=True).number
    assert format_number(stored) in caught.value.errors["10.1"]
    assert "," in format_number(Decimal("12.5"))
