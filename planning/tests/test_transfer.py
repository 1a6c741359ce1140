"""Open work of a dissolved commune moves to its successor only through the reviewed service."""

import datetime
import re

import pytest

from audit.models import AuditRecord
from conftest import make_new_province, make_province
from planning import transfer
from planning.models import CommuneTarget, ItemStatus, RoadmapItem
from planning.services import ItemSpec, create_items

pytestmark = pytest.mark.django_db


def _items(unit, n, status=ItemStatus.OPEN):
    items = create_items([ItemSpec(unit=unit, family="ntm-xa-2021", indicators={"10.1": ("10", "30", "39")},
                                   title=f"Thu nhập {i}", target_date=datetime.date(2026, 6, 30))
                          for i in range(n)])
    RoadmapItem.objects.filter(pk__in=[i.pk for i in items]).update(status=status)
    return items


def test_open_items_and_the_target_move_to_the_successor_with_an_audit_record(client, officer):
    _old_province, old = make_province(2)
    _new_province, new = make_new_province(1, predecessors={0: old})
    _items(old[0], 3)
    done = _items(old[0], 1, ItemStatus.DONE)
    CommuneTarget.objects.create(unit=old[0], level_code="ntm", year=2027)
    rows = {c.unit.pk: c for c in transfer.candidates(datetime.date(2026, 12, 1))}
    assert rows[old[0].pk].items == 3 and rows[old[0].pk].proposed == new[0]

    client.force_login(officer)
    html = client.get("/ke-hoach/chuyen-giao/").content.decode()
    assert re.search(rf'data-unit="{old[0].ref}">.*?<td class="num">3</td>', html, re.S)
    # A reason is required: nothing moves without it.
    client.post("/ke-hoach/chuyen-giao/", {"unit": old[0].pk, "successor": new[0].pk, "reason": ""})
    assert RoadmapItem.objects.filter(unit=old[0], status=ItemStatus.OPEN).count() == 3
    client.post("/ke-hoach/chuyen-giao/", {"unit": old[0].pk, "successor": new[0].pk,
                                            "reason": "Rà soát ngày 01/12/2026"})
    assert RoadmapItem.objects.filter(unit=new[0]).count() == 3
    assert RoadmapItem.objects.get(pk=done[0].pk).unit == old[0]  # history stays
    assert CommuneTarget.objects.get(unit=new[0]).year == 2027
    assert not CommuneTarget.objects.filter(unit=old[0]).exists()
    record = AuditRecord.objects.get(action="plan.items.transfer")
    assert record.reason == "Rà soát ngày 01/12/2026" and len(record.after["items"]) == 3
    assert old[0].pk not in {c.unit.pk for c in transfer.candidates(datetime.date(2026, 12, 1))}


def test_only_a_successor_in_the_lineage_can_receive_the_work(outsider):
    _old_province, old = make_province(2)
    _new_province, new = make_new_province(2, predecessors={0: [old[0]]})
    _items(old[0], 1)
    with pytest.raises(transfer.TransferRejected):
        transfer.transfer_open_work(old[0], new[1], reason="x")
    assert RoadmapItem.objects.filter(unit=old[0]).count() == 1


def test_only_province_administrators_open_the_transfer_page(client, outsider):
    client.force_login(outsider)
    assert client.get("/ke-hoach/chuyen-giao/").status_code == 403


def test_a_reason_with_control_characters_moves_nothing(client, officer):
    _old_province, old = make_province(1)
    _new_province, new = make_new_province(1, predecessors={0: old})
    _items(old[0], 2)
    client.force_login(officer)
    client.post("/ke-hoach/chuyen-giao/", {"unit": old[0].pk, "successor": new[0].pk, "reason": "rà\x0bsoát"})
    assert RoadmapItem.objects.filter(unit=old[0]).count() == 2
    assert not AuditRecord.objects.filter(action="plan.items.transfer").exists()


def test_a_malformed_or_huge_id_is_refused_with_a_message_not_an_error(client, officer):
    client.force_login(officer)
    for unit, successor in (("abc", "1"), ("1", "99999999999999999999"), ("", "")):
        response = client.post("/ke-hoach/chuyen-giao/", {"unit": unit, "successor": successor, "reason": "x"},
                               follow=True)
        assert response.status_code == 200
        assert "Hãy chọn xã cũ và xã nhận chuyển việc" in response.content.decode()
