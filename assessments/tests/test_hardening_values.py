"""Hardening of value writes: storable range, strict digits, unit validity, edit conflicts,
and pages that still read a bad value stored before these checks."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from assessments import services
from assessments.excel import layout as L
from assessments.excel.exporter import export_bytes, units_for_export
from assessments.excel.importer import import_workbook
from assessments.models import IndicatorValue
from assessments.tests.helpers import make_period, values_for
from assessments.values import ValueError_, parse_decimal
from audit.models import AuditRecord
from conftest import make_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(2)
    period = make_period(2024)
    services.record_values_many(period, {unit: values_for(period, seed=i) for i, unit in enumerate(communes)},
                                source="Báo cáo xã")
    return period, communes


def counts():
    return IndicatorValue.objects.count(), AuditRecord.objects.count()


# Finding 1: one large number


@pytest.mark.parametrize("raw, reason", [
    ("1e308", "ngoài khoảng cho phép (từ 0 đến 10^14)"),
    ("100000000000000", "ngoài khoảng cho phép (từ 0 đến 10^14)"),
    ("99999999999999999999", "ngoài khoảng cho phép (từ 0 đến 10^14)"),
    ("-1e14", "nhỏ hơn giá trị tối thiểu cho phép là 0"),  # the definition's own minimum
])
def test_a_number_the_column_cannot_hold_is_refused_by_the_form_with_the_range(client, officer, setup, raw,
                                                                                reason):
    period, communes = setup
    client.force_login(officer)
    before = counts()
    response = client.post(f"/xa/{communes[0].ref}/nhap/{period.code}/",
                           {"v_10_1": raw, "source": "x", "reason": "sửa"})
    assert response.status_code == 200
    message = response.context["form"].errors["v_10_1"][0]
    assert "chỉ tiêu 10.1 (Thu nhập" in message and reason in message
    assert counts() == before


def test_the_service_refuses_typed_values_out_of_range_too(setup):
    period, communes = setup
    before = counts()
    for value in (Decimal("1e308"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(services.BatchRejected) as caught:
            services.record_values_many(period, {communes[0]: services.TypedValues({"10.1": value})},
                                        source="api", reason="x")
        assert list(caught.value.errors) == [f"{communes[0].ref}:10.1"]
    with pytest.raises(services.BatchRejected):  # the definition's own maximum (percent)
        services.record_values_many(period, {communes[0]: services.TypedValues({"2.1": Decimal(150)})},
                                    source="api", reason="x")
    assert counts() == before


def test_more_than_four_decimals_are_rounded(setup):
    period, communes = setup
    services.record_values(communes[0], period, {"10.1": "45,123456"}, source="x", reason="sửa")
    assert IndicatorValue.objects.current().get(unit=communes[0], indicator="10.1").number == Decimal("45.1235")


def test_a_bad_value_stored_before_the_checks_no_longer_breaks_the_pages_and_can_be_corrected(
        client, officer, setup, tmp_path):
    period, communes = setup
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite stores a number the column cannot hold (PostgreSQL refuses it)")
    stored = IndicatorValue.objects.current().get(unit=communes[0], indicator="10.1")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {IndicatorValue._meta.db_table} SET number = 1e308 WHERE id = %s", [stored.pk])
    client.force_login(officer)
    assert client.get(f"/xa/{communes[0].ref}/?ky={period.code}").status_code == 200
    assert client.get(f"/xa/{communes[0].ref}/nhap/{period.code}/").status_code == 200
    export = client.get("/xa/excel/xuat/", {"ky": period.code})
    assert export.status_code == 200
    # The correcting import goes through.
    wb = load_workbook(io.BytesIO(export_bytes(period, units_for_export(officer, period), user=officer)))
    ws = wb[L.DATA_SHEET]
    column = {row[2]: row[1] for row in wb[L.META_SHEET].iter_rows(values_only=True) if row[0] == "column"}["10.1"]
    row = next(r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == communes[0].ref)
    ws[f"{column}{row}"] = 45
    wb.save(tmp_path / "fix.xlsx")
    result = import_workbook(str(tmp_path / "fix.xlsx"), user=officer, source="x", reason="sửa số sai")
    assert result.ok, result.problems
    assert IndicatorValue.objects.current().get(unit=communes[0], indicator="10.1").number == Decimal(45)


# Finding 17 (part): digits other than ASCII


@pytest.mark.parametrize("raw", ["1_000", "１２３", "١٢٣", "۱۲۳", "12,５", "1e99999", "0x10", "١.٢٣٤"])
def test_only_ascii_digits_make_a_number(raw):
    with pytest.raises(ValueError_):
        parse_decimal(raw)


@pytest.mark.parametrize("raw, value", [("1.234.567,5", "1234567.5"), ("12,5", "12.5"), ("-3", "-3"),
                                        ("85 %", "85"), (" 7 ", "7"), ("1.5", "1.5")])
def test_ordinary_numbers_still_read(raw, value):
    assert parse_decimal(raw) == Decimal(value)


def test_the_form_refuses_full_width_digits(client, officer, setup):
    period, communes = setup
    client.force_login(officer)
    response = client.post(f"/xa/{communes[0].ref}/nhap/{period.code}/",
                           {"v_10_1": "４５", "source": "x", "reason": "sửa"})
    assert "không phải là số" in response.context["form"].errors["v_10_1"][0]


# Finding 11: values for a period when the unit did not exist


@pytest.mark.parametrize("valid_from, valid_to, shown", [
    (datetime.date(2025, 7, 1), None, "01/07/2025"),
    (None, datetime.date(2024, 6, 30), "30/06/2024"),
])
def test_values_for_a_period_when_the_commune_did_not_exist_are_refused_everywhere(
        client, officer, setup, valid_from, valid_to, shown):
    period, communes = setup
    unit = communes[1]
    unit.valid_from, unit.valid_to = valid_from, valid_to
    unit.save()
    before = counts()
    for call in (
        lambda: services.record_values(unit, period, {"10.1": "50"}, source="x", reason="y"),
        lambda: services.record_values_many(period, {unit: {"10.1": "50"}}, source="x", reason="y"),
        lambda: services.record_values_many(period, {unit: services.TypedValues({"10.1": Decimal(50)})},
                                            source="x", reason="y"),
    ):
        with pytest.raises(services.BatchRejected) as caught:
            call()
        (message,) = caught.value.errors.values()
        assert unit.name in message and shown in message and "31/12/2024" in message
        assert "không thể có số liệu" in message
    client.force_login(officer)
    response = client.post(f"/xa/{unit.ref}/nhap/{period.code}/", {"v_10_1": "50", "source": "x", "reason": "y"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and shown in errors[0] and unit.name in errors[0]
    assert counts() == before


# Finding 15: edit conflicts


def test_a_correction_of_a_value_changed_since_the_form_was_loaded_is_refused_and_shows_both(
        client, officer, setup):
    period, communes = setup
    unit = communes[0]
    url = f"/xa/{unit.ref}/nhap/{period.code}/"
    client.force_login(officer)
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(source="x", reason="sửa theo báo cáo")
    seen = IndicatorValue.objects.current().get(unit=unit, indicator="10.1").number
    # Someone else corrects it meanwhile.
    services.record_values(unit, period, {"10.1": "77"}, source="y", reason="điều tra lại")
    before = counts()
    response = client.post(url, {**data, "v_10_1": "88"})
    assert response.status_code == 200
    message = response.context["form"].errors["v_10_1"][0]
    assert "người khác" in message and "77" in message and str(seen.normalize()).replace(".", ",") in message
    assert counts() == before
    assert IndicatorValue.objects.current().get(unit=unit, indicator="10.1").number == 77
    # The page now carries the current value as its base: saving again knowingly replaces it.
    again = {name: response.context["form"][name].value() or "" for name in response.context["form"].fields}
    assert client.post(url, again).status_code == 302
    assert IndicatorValue.objects.current().get(unit=unit, indicator="10.1").number == 88


def test_eight_simultaneous_corrections_of_one_value_one_wins(client, officer, setup):
    period, communes = setup
    unit = communes[0]
    url = f"/xa/{unit.ref}/nhap/{period.code}/"
    client.force_login(officer)
    form = client.get(url).context["form"]
    loaded = {name: form[name].value() or "" for name in form.fields}
    statuses = [client.post(url, {**loaded, "v_10_1": str(60 + i), "source": "x", "reason": f"lần {i}"}).status_code
                for i in range(8)]
    assert statuses == [302] + [200] * 7
    assert IndicatorValue.objects.filter(unit=unit, indicator="10.1").count() == 2


def test_an_untouched_field_does_not_revert_a_value_someone_else_changed(client, officer, setup):
    period, communes = setup
    unit = communes[0]
    url = f"/xa/{unit.ref}/nhap/{period.code}/"
    client.force_login(officer)
    form = client.get(url).context["form"]
    loaded = {name: form[name].value() or "" for name in form.fields}
    services.record_values(unit, period, {"10.1": "77"}, source="y", reason="điều tra lại")
    response = client.post(url, {**loaded, "v_2_1": "91", "source": "x", "reason": "sửa 2.1"})
    assert response.status_code == 302
    current = {v.indicator: v.value for v in IndicatorValue.objects.current().filter(unit=unit)}
    assert current["10.1"] == 77 and current["2.1"] == 91
