import pytest

from audit import services as audit
from audit.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return audit.record(action="values.record", object_type="unit_period_values", object_id="x",
                        after={"10.1": 1})


def test_the_model_refuses_to_save_an_existing_row(row):
    row.reason = "rewritten"
    with pytest.raises(PermissionError):
        row.save()
    assert AuditRecord.objects.get(pk=row.pk).reason == ""


def test_the_model_refuses_delete(row):
    with pytest.raises(PermissionError):
        row.delete()
    assert AuditRecord.objects.filter(pk=row.pk).exists()


def test_the_queryset_refuses_update_and_delete(row):
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get(pk=row.pk).reason == ""


def test_the_admin_shows_records_but_refuses_add_change_and_delete_even_to_a_superuser(client, officer, row):
    client.force_login(officer)  # a superuser
    base = "/quan-tri/audit/auditrecord/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{row.pk}/change/")
    assert page.status_code == 200  # view only
    assert b'name="_save"' not in page.content
    assert client.post(f"{base}{row.pk}/change/", {"reason": "rewritten"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [row.pk],
                              "post": "yes"}).status_code in (200, 302)
    row.refresh_from_db()
    assert row.reason == "" and AuditRecord.objects.filter(pk=row.pk).exists()
