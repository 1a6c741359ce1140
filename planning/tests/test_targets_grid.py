"""The targets page and its grid (issue 10, item 6): communes picked by name, a friendly message
for an unknown commune, level names instead of codes, and a grid per phase that writes all its
cells through one service, or nothing when a cell is bad (named by year and column)."""

import pytest

from audit.models import AuditRecord
from planning import services
from planning.models import CommuneTarget, Phase, PhaseTarget, YearTarget
from planning.tests.helpers import make_world

pytestmark = pytest.mark.django_db

EDIT = "/ke-hoach/muc-tieu/sua/"
PAGE = "/ke-hoach/muc-tieu/"


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(3)
    w["phase"] = Phase.objects.create(code="2021-2025", name="Giai đoạn 2021-2025", start_year=2021,
                                      end_year=2025, family="ntm-xa-2021")
    return w


def _targets():
    return sorted(PhaseTarget.objects.values_list("level_code", "year", "target_count"))


def test_the_grid_writes_many_targets_at_once_with_audit_records(world, client):
    services.set_phase_targets(world["phase"], {("ntm", 2022): 1})
    client.force_login(world["admin"])
    start = AuditRecord.objects.count()
    response = client.post(EDIT, {"kind": "grid", "n-ntm-2022": "2", "n-ntm-2023": "3", "n-nang-cao-2025": "1",
                                  "min-2023": "15", "avg-2023": "16,5", "avg-2024": "17", "n-ntm-2024": ""})
    assert response.status_code == 302
    assert _targets() == [("nang-cao", 2025, 1), ("ntm", 2022, 2), ("ntm", 2023, 3)]
    years = {t.year: (t.min_criteria, str(t.avg_criteria)) for t in YearTarget.objects.all()}
    assert years == {2023: (15, "16.50"), 2024: (None, "17.00")}
    records = AuditRecord.objects.order_by("id")[start:]
    assert [r.action for r in records] == ["plan.targets", "plan.year_targets"]
    assert records[0].before == {"ntm:2022": 1} and records[0].after["ntm:2023"] == 3
    # The grid shows what is stored, with the decimal comma.
    html = client.get(EDIT).content.decode()
    assert 'name="n-ntm-2023" id="id_n-ntm-2023" value="3"' in html
    assert 'name="avg-2023" id="id_avg-2023" value="16,50"' in html


def test_one_bad_cell_writes_nothing_and_is_named(world, client):
    services.set_phase_targets(world["phase"], {("ntm", 2022): 1})
    client.force_login(world["admin"])
    before, audit_before = _targets(), AuditRecord.objects.count()
    response = client.post(EDIT, {"kind": "grid", "n-ntm-2022": "4", "n-ntm-2023": "ba", "avg-2024": "16.555",
                                  "min-2024": "12"})
    assert response.status_code == 400
    assert _targets() == before and not YearTarget.objects.exists()
    assert AuditRecord.objects.count() == audit_before
    html = response.content.decode()
    assert "data-error-summary" in html and "js/form-errors.js" in html
    assert '<a href="#id_n-ntm-2023" data-focus="id_n-ntm-2023">Năm 2023, Nông thôn mới: “ba” không phải là số xã (số nguyên' in html
    assert "Năm 2024, Bình quân tiêu chí/xã: “16.555” không phải là số tiêu chí" in html
    # The refused cell is marked and the typed values are kept.
    assert 'name="n-ntm-2023" id="id_n-ntm-2023" value="ba"' in html
    assert 'id="id_n-ntm-2023" value="ba" inputmode="numeric" autocomplete="off" size="6" class="grid-cell" ' \
           'aria-invalid="true"' in html
    assert 'name="n-ntm-2022" id="id_n-ntm-2022" value="4"' in html


def test_communes_are_picked_by_name_and_an_unknown_code_gets_a_message(world, client):
    c0 = world["communes"][0]
    client.force_login(world["admin"])
    html = client.get(EDIT).content.decode()
    assert f'<option value="{c0.ref}">{c0.name}</option>' in html
    assert 'name="c-commune" required' not in html or "<select" in html
    assert '<input type="text" name="c-commune"' not in html
    response = client.post(EDIT, {"kind": "commune", "c-commune": "99999", "c-level_code": "ntm", "c-year": "2025"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Xã này không có trong danh sách" in html and "data-error-summary" in html
    assert not CommuneTarget.objects.exists()
    response = client.post(EDIT, {"kind": "commune", "c-commune": c0.ref, "c-level_code": "ntm", "c-year": ""})
    assert response.status_code == 400 and "Chỉ tiêu của xã cần có mức và năm." in response.content.decode()
    assert client.post(EDIT, {"kind": "commune", "c-commune": c0.ref, "c-level_code": "nang-cao",
                              "c-year": "2025"}).status_code == 302
    assert CommuneTarget.objects.get(unit=c0).level_code == "nang-cao"


def test_the_pages_show_level_names_and_headed_tables(world, client):
    c0 = world["communes"][0]
    services.set_phase_targets(world["phase"], {("nang-cao", 2021): 11})
    services.set_commune_target(c0, "nang-cao", 2025)
    client.force_login(world["admin"])
    for url in (PAGE, EDIT):
        html = client.get(url).content.decode()
        table = html[html.index('id="commune-targets"'):]
        table = table[:table.index("</table>")]
        assert "<th>Xã</th><th>Mức đạt chuẩn mục tiêu</th><th class=\"num\">Năm phấn đấu đạt chuẩn</th>" in table
        assert "Nông thôn mới nâng cao" in table and ">2025<" in table
        assert "nang-cao" not in table.replace(f'data-commune="{c0.ref}"', "")
        assert "nang-cao 2021: 11" not in html
