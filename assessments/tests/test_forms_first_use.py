"""Issue 10, item 7: required fields marked, a refused form summarised at the top with the first
invalid field focused (one shared include and a static script, no inline script under the CSP),
criteria in numeric order, the value history grouped by set in natural order, and "Open" said
differently where it means different things."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from assessments import services
from assessments.tests.test_commune_pages import setup  # noqa: F401 - the fixture
from criteria.ordering import natural_key
from planning.models import ItemStatus, TaskStatus

pytestmark = pytest.mark.django_db


def _numbers(ids):
    return [int(x) for x in ids]


def test_natural_key_counts_numbers_as_numbers():
    codes = ["10.1", "2.1", "1.1", "19", "14", "17", "18", "15", "nc.2.2", "9"]
    assert sorted(codes, key=natural_key) == ["1.1", "2.1", "9", "10.1", "14", "15", "17", "18", "19", "nc.2.2"]


def test_a_refused_entry_form_is_summarised_on_top_with_the_required_source_marked(client, officer, setup):  # noqa: F811
    period, communes = setup
    client.force_login(officer)
    url = f"/xa/{communes[0].ref}/nhap/{period.code}/"
    page = client.get(url).content.decode()
    assert 'Nguồn số liệu <span class="req" aria-hidden="true">*</span><span class="visually-hidden"> (bắt buộc)' \
           in page
    page = client.post(url, {"v_10_1": "50", "source": ""}).content.decode()
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert page.index('id="error-summary"') < page.index('id="entry-summary"') < page.index('name="source"')
    assert '<a href="#id_source" data-focus="id_source">Nguồn số liệu: Trường này là bắt buộc.</a>' in summary
    assert re.search(r'<input type="text" name="source"[^>]*aria-invalid="true"', page)
    # The focus comes from a static script (the CSP allows no inline script).
    assert '<script src="/static/js/form-errors.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    script = Path(settings.BASE_DIR, "static", "js", "form-errors.js").read_text()
    assert """querySelector('[aria-invalid="true"]""" in script and "focusField(first)" in script


def test_the_recognition_form_marks_required_fields_and_summarises_errors(client, setup, django_user_model):  # noqa: F811
    from accounts import services as accounts
    from accounts.models import OrganisationKind, Role

    _period, communes = setup
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=communes[0].parent.parent)
    admin = accounts.create_user(by=None, username="qt", full_name="QT", email="", organisation=office,
                                 role=Role.PROVINCE_ADMIN, password="Form-Pass-2025!")
    client.force_login(admin)
    url = f"/xa/{communes[0].ref}/cong-nhan/"
    page = client.get(url).content.decode()
    labels = re.findall(r'<label for="id_(\w+)">[^<]*(<span class="req")?', page)
    assert dict(labels) == {"level_code": '<span class="req"', "decision_number": '<span class="req"',
                            "decision_date": '<span class="req"', "issuer": '<span class="req"', "note": "",
                            "before_system": "", "signed_scan": ""}
    page = client.post(url, {"level_code": "ntm", "decision_number": "", "decision_date": "31/02/2024",
                             "issuer": "UBND"}).content.decode()
    assert page.index('id="error-summary"') < page.index("<table")
    assert 'data-focus="id_decision_number">Số quyết định: Trường này là bắt buộc.</a>' in page
    assert 'data-focus="id_decision_date">Ngày quyết định:' in page


def test_criteria_are_in_numeric_order_on_the_commune_page_and_the_entry_form(client, officer, setup):  # noqa: F811
    period, communes = setup
    client.force_login(officer)
    html = client.get(f"/xa/{communes[0].ref}/?ky={period.code}").content.decode()
    advanced = _numbers(re.findall(r'<tbody class="criterion" id="nang-cao-c(\d+)"', html))
    assert advanced and advanced == sorted(advanced)
    assert advanced[-6:] == [14, 15, 16, 17, 18, 19]  # the set lists them 14, 17, 18, then 15, 16, 19
    page = client.get(f"/xa/{communes[0].ref}/nhap/{period.code}/").content.decode()
    folds = re.findall(r'<details class="fold criterion" id="tc-([\w-]+?)-(\d+)"', page)
    for level in {lvl for lvl, _n in folds}:
        numbers = [int(n) for lvl, n in folds if lvl == level]
        assert numbers == sorted(numbers), level


def test_the_value_history_is_grouped_by_set_in_natural_order(client, officer, setup):  # noqa: F811
    period, communes = setup
    services.record_values(communes[3], period, {"nc.2.2": "1", "10.1": "45"}, user=officer, source="x",
                           reason="sửa")
    client.force_login(officer)
    html = client.get(f"/xa/{communes[3].ref}/").content.decode()
    history = re.search(r'id="history">(.*?)</table>', html, re.S).group(1)
    assert "<th>Bộ tiêu chí</th><th>Chỉ tiêu</th>" in history
    rows = re.findall(r'data-indicator="([^"]+)"><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>', history)
    base = [label for _code, level, label in rows if level == "Nông thôn mới"]
    assert base == sorted(base, key=natural_key) and base.index("2.1") < base.index("10.1")
    assert base.index("1.1") < base.index("2.1")
    advanced = [(code, label) for code, level, label in rows if level == "Nông thôn mới nâng cao"]
    assert ("nc.2.2", "2.2") in advanced
    levels = [level for _code, level, _label in rows]
    assert levels.index("Nông thôn mới nâng cao") > max(i for i, lvl in enumerate(levels) if lvl == "Nông thôn mới")


def test_open_is_said_by_its_context():
    with translation.override("vi"):
        assert str(ItemStatus.OPEN.label) == "Chưa thực hiện"
        assert str(TaskStatus.OPEN.label) == "Chưa thực hiện"
        assert translation.pgettext("link", "Open") == "Mở"
    # No page says a bare "Open" (whose translation reads "not done").
    root = Path(settings.BASE_DIR)
    for path in [*root.glob("*/templates/**/*.html"), *root.glob("templates/**/*.html")]:
        assert not re.search(r'translate "Open"(?! context)', path.read_text()), path
    for path in root.glob("*/*.py"):
        assert not re.search(r'\b_\("Open"\)', path.read_text()), path
