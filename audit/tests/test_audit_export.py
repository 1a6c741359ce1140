import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from audit import exports
from audit.models import AuditRecord
from audit.tests.helpers import HCM, make_world, value_records

pytestmark = pytest.mark.django_db

URL = "/nhat-ky/xuat.xlsx"


@pytest.fixture
def world(django_user_model):
    return make_world(django_user_model)


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                    if response.streaming else response.content)).active


@time_machine.travel(datetime.datetime(2025, 3, 20, 23, 30, tzinfo=HCM), tick=False)
def test_it_exports_the_filtered_records_with_local_datetimes(client, world):
    value_records(world, 2, day=3)
    client.force_login(world.admin)
    response = client.get(URL, {"hanh_dong": "values.record"})
    # The file is named after the local date (23:30 in Vietnam is still the 20th there).
    assert response["Content-Disposition"] == 'attachment; filename="nhat-ky-20250320.xlsx"'
    ws = _sheet(response)
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Thời gian", "Người thực hiện", "Họ và tên", "Địa chỉ IP", "Hành động"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 17
    assert ws.max_row == 3
    newest = [c.value for c in ws[2]]
    assert newest[0] == datetime.datetime(2025, 3, 3, 9, 1)  # noqa: DTZ001 (naive, Vietnam time)
    assert ws["A2"].is_date and ws["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert newest[1:4] == ["xa.0", "Lê Thị Xã", "10.0.0.7"]
    assert newest[4] == "Nhập số liệu" and newest[5] == "values.record"
    assert newest[8:10] == [world.communes[0].code, "Xã Thử 000"]
    assert newest[10] == "10.1: 31 → 42,5"  # the page's reading, Vietnamese decimal comma
    assert newest[11] == "Điều tra lại"
    assert newest[12] == '{"10.1": 31}' and newest[13] == '{"10.1": 42.5}'  # the raw JSON


def test_it_applies_the_scope_rule(client, world):
    value_records(world, 1, unit=world.communes[0])
    value_records(world, 1, unit=world.communes[1], day=11)
    client.force_login(world.commune)
    ws = _sheet(client.get(URL))
    assert [row[9] for row in ws.iter_rows(min_row=2, values_only=True)] == ["Xã Thử 000"]
    client.force_login(world.officer)
    ws = _sheet(client.get(URL))
    assert ws.max_row - 1 == AuditRecord.objects.count()


def test_it_cuts_at_the_cap_with_a_note(world):
    value_records(world, 4)
    ws = load_workbook(io.BytesIO(exports.audit_workbook(
        AuditRecord.objects.filter(action="values.record").select_related("user", "unit"), max_rows=3
    ))).active
    assert ws.max_row == 5
    assert ws["A5"].value.startswith("Chỉ gồm 3 bản ghi đầu tiên")
