"""Shared set-up for the Excel tests: a small province with recorded values and personas."""

import io

import pytest
from openpyxl import load_workbook

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services
from assessments.excel import layout as L
from assessments.excel.exporter import export_bytes, units_for_export
from assessments.tests.helpers import make_period, values_for
from conftest import make_province

PASSWORD = "Excel-Pass-2025!"


@pytest.fixture
def world(criteria_sets, officer):
    province, communes = make_province(4)
    period = make_period(2024)
    # Commune 0 misses criterion 10 (income); the others meet everything.
    services.record_values_many(
        period,
        {unit: values_for(period, failing={"10"} if i == 0 else set(), seed=i) for i, unit in enumerate(communes)},
        user=officer, source="test",
    )
    office = accounts.ensure_organisation(code="xa0", name="UBND xã 0", kind=OrganisationKind.COMMUNE,
                                          unit=communes[0])
    commune_officer = accounts.create_user(
        by=None, username="xa0", full_name="Cán Bộ Xã", email="", organisation=office,
        role=Role.COMMUNE_OFFICER, password=PASSWORD,
    )
    return {"province": province, "communes": communes, "period": period, "officer": officer,
            "commune_officer": commune_officer}


def exported(world, user=None):
    """The province workbook (as the given user, the superuser by default), opened for editing."""
    user = user or world["officer"]
    units = units_for_export(user, world["period"])
    return load_workbook(io.BytesIO(export_bytes(world["period"], units, user=user)))


def meta_columns(wb) -> dict[str, str]:
    """Indicator code -> column letter, from the _meta sheet."""
    return {row[2]: row[1] for row in wb[L.META_SHEET].iter_rows(values_only=True) if row[0] == "column"}


def row_of(wb, ref: str) -> int:
    ws = wb[L.DATA_SHEET]
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == ref:
            return row
    raise KeyError(ref)


def save(wb, path) -> str:
    wb.save(path)
    return str(path)


def test_objects_are_frozen_once_for_nested_reads_and_given_back_after():
    import gc

    from assessments.excel.frozen import old_objects_frozen

    before = gc.get_freeze_count()
    with old_objects_frozen():
        frozen = gc.get_freeze_count()
        assert frozen > before
        # Frozen objects may still be freed by reference counting, so the count can drop a
        # little; unfreezing would bring it back to `before`.
        with old_objects_frozen():
            assert gc.get_freeze_count() > before
        assert gc.get_freeze_count() > before  # the inner exit does not unfreeze
    assert gc.get_freeze_count() == before
