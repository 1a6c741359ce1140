"""Hostile text in the audit trail: control characters and formulas stored without a form, the
client addresses (administrators only), the download name and the filters' limits."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditRecord
from audit.tests.helpers import make_world, value_records

pytestmark = pytest.mark.django_db

URL = "/nhat-ky/"
EXPORT = "/nhat-ky/xuat.xlsx"
FORMULA = '=HYPERLINK("http://x","y")'
COLUMNS = {"user": 1, "full_name": 2, "ip": 3, "object_id": 7, "reason": 11}


@pytest.fixture
def world(django_user_model):
    return make_world(django_user_model)


def _rows(response):
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in ws.iter_rows(min_row=2)]


def _stored(world, **fields):
    """An audit record written directly (no form, no service), as old or imported rows are."""
    return AuditRecord.objects.create(at=timezone.now(), action="values.record", object_type="unit_period_values",
                                      unit=world.communes[0], **fields)


def test_the_export_opens_with_control_characters_stored_in_a_reason(client, world):
    # (Lone surrogates cannot even be stored; the forms refuse them, see test_text_hygiene.)
    hostile = "Điều\x0b tra\x01 lại\x7f xong\x1f\tnhé\nhết\x0c"
    _stored(world, user=world.commune, reason=hostile, object_id="a\x1bb")
    client.force_login(world.admin)
    row = _rows(client.get(EXPORT))[0]
    assert row[COLUMNS["reason"]].value == "Điều tra lại xong\tnhé\nhết"
    assert row[COLUMNS["object_id"]].value == "ab"


def test_formulas_in_reasons_and_user_names_come_back_as_text(client, world):
    attacker = get_user_model().objects.create_user(f"{FORMULA}"[:150], first_name="+1+2", last_name="@SUM(1)")
    _stored(world, user=attacker, reason=FORMULA)
    # A failed login with a made-up user name needs no account: the name is the object id.
    _stored(world, object_id="-2+3", reason="\tcmd", before={"x": 1})
    client.force_login(world.admin)
    rows = _rows(client.get(EXPORT))
    by_reason = {r[COLUMNS["reason"]].value: r for r in rows}
    row = by_reason[FORMULA]
    for index, expected in ((COLUMNS["reason"], FORMULA), (COLUMNS["user"], FORMULA)):
        assert row[index].value == expected and row[index].data_type == "s"
    assert row[COLUMNS["full_name"]].data_type == "s"
    other = by_reason["\tcmd"]
    assert other[COLUMNS["object_id"]].value == "-2+3" and other[COLUMNS["object_id"]].data_type == "s"
    assert not any(cell.data_type == "f" for r in rows for cell in r)


def test_client_addresses_are_shown_to_administrators_only(client, world, django_user_model):
    value_records(world, 1)  # stored from 10.0.0.7 by the commune officer
    superuser = django_user_model.objects.create_superuser("goc", password="x-Strong-Pass-2025")
    for user in (world.admin, superuser):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert "10.0.0.7" in html and "Địa chỉ IP" in html
        assert _rows(client.get(EXPORT, {"hanh_dong": "values.record"}))[0][COLUMNS["ip"]].value == "10.0.0.7"
    for user in (world.officer, world.viewer, world.commune):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert 'data-id="' in html
        assert "10.0.0.7" not in html and "Địa chỉ IP" not in html
        rows = _rows(client.get(EXPORT))
        assert rows and all(r[COLUMNS["ip"]].value in (None, "") for r in rows)


def test_the_download_name_is_safe(client, world):
    client.force_login(world.admin)
    disposition = client.get(EXPORT)["Content-Disposition"]
    assert disposition.startswith('attachment; filename="nhat-ky-') and disposition.endswith('.xlsx"')
    assert disposition.count('"') == 2


def test_the_filters_refuse_long_text_and_control_characters(client, world):
    value_records(world, 1)
    client.force_login(world.admin)
    html = client.get(URL, {"nguoi": "x" * 5000}).content.decode()
    assert "Tối đa 150 ký tự (văn bản này có 5000 ký tự)." in html
    assert "x" * 200 not in html  # not echoed back
    html = client.get(URL, {"don_vi": "Xã\x0bThử"}).content.decode()
    assert "ký tự điều khiển ẩn" in html
    assert "Xã\x0bThử" not in html
    assert client.get(EXPORT, {"nguoi": "a\x01" * 100}).status_code == 200
