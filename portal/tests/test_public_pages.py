"""The public pages: no login, the figures of the published period only, nothing private."""

import re

import pytest

from portal.models import PortalSettings
from portal.tests.helpers import build, met

pytestmark = pytest.mark.django_db

PRIVATE = ("officer", "x-Strong-Pass", "127.0.0.1", "sessionid", "csrftoken")


@pytest.fixture
def province(criteria_sets, settings, officer, tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    settings.DATA_DIR = tmp_path
    return build(officer)


def public_get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "Set-Cookie" not in response.headers and not response.cookies, url
    assert "public" in response["Cache-Control"], url
    html = response.content.decode()
    for word in PRIVATE:
        assert word not in html, (url, word)
    assert "<script" not in html
    return html


def test_the_progress_page_shows_the_published_figures_without_login(client, province, settings):
    settings.NTM_DEMO = True
    html = public_get(client, "/cong-khai/")
    assert re.search(r'id="kpi-communes">3<', html)
    assert re.search(r'id="kpi-recognised-ntm">1<', html)
    assert 'id="demo-banner"' in html and "minh họa" in html
    assert "Content-Security-Policy" in client.get("/cong-khai/").headers


def test_the_commune_list_shows_recognitions_and_computed_criteria(client, province):
    _p2025, p2026, _old, new = province
    html = public_get(client, "/cong-khai/xa/")
    rows = dict(re.findall(r'<tr data-ref="([^"]+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {u.ref for u in new}
    assert "555/QĐ-UBND" in rows[new[2].ref] and "01/03/2026" in rows[new[2].ref]
    n, total = met(new[0], p2026)
    assert n == total - 2
    assert f"{n}/{total}" in rows[new[0].ref]
    assert "Số tiêu chí đạt (hệ thống tính)" in html  # labelled as computed


def test_the_province_may_publish_recognitions_only(client, province):
    _p2025, p2026, _old, new = province
    PortalSettings.objects.update_or_create(pk=1, defaults={"show_computed_criteria": False})
    n, total = met(new[0], p2026)
    for url in ("/cong-khai/xa/", f"/cong-khai/xa/{new[0].ref}/", "/cong-khai/"):
        html = public_get(client, url)
        assert f"{n}/{total}" not in html, url
        assert 'id="kpi-avg"' not in html and 'id="criteria"' not in html
    assert "555/QĐ-UBND" in public_get(client, "/cong-khai/xa/")
    csv = client.get("/cong-khai/du-lieu/xa.csv").content.decode("utf-8-sig")
    assert "555/QĐ-UBND" in csv and f",{n}," not in csv and "computed" not in csv.lower()


def test_the_commune_page_shows_criteria_predecessors_and_open_items(client, province):
    p2025, p2026, old, new = province
    html = public_get(client, f"/cong-khai/xa/{new[0].ref}/")
    n, total = met(new[0], p2026)
    assert f'id="criteria-summary">Đạt {n}/{total} tiêu chí' in html
    assert re.findall(r'<tr data-criterion="(\w+)">.*?</td><td>[^<]*</td><td>([^<]*)</td>', html)[:2]
    preds = re.search(r'id="predecessors">(.*?)</table>', html, re.S).group(1)
    assert old[0].name in preds and old[1].name in preds and "77/QĐ-UBND" in preds
    # 2025 is not published: the predecessors' computed figures stay private.
    old_met, old_total = met(old[0], p2025)
    assert f"{old_met}/{old_total}" not in preds
    assert "Cứng hoá đường trục xã" in re.search(r'id="items">(.*?)</table>', html, re.S).group(1)


def test_a_published_past_period_shows_the_predecessors_figures(client, criteria_sets, settings, officer,
                                                                tmp_path):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    p2025, _p2026, old, new = build(officer, publish_2025=True)
    old_met, old_total = met(old[0], p2025)
    preds = re.search(r'id="predecessors">(.*?)</table>',
                      public_get(client, f"/cong-khai/xa/{new[0].ref}/"), re.S).group(1)
    assert f"{old_met}/{old_total}" in preds


def test_an_unpublished_period_is_not_found(client, province):
    p2025, _p2026, old, _new = province
    for url in (f"/cong-khai/?ky={p2025.code}", f"/cong-khai/xa/?ky={p2025.code}",
                f"/cong-khai/du-lieu/xa.csv?ky={p2025.code}"):
        assert client.get(url).status_code == 404, url
    # An old commune is not on the published map.
    assert client.get(f"/cong-khai/xa/{old[0].ref}/").status_code == 404


def test_nothing_is_published_before_the_province_publishes_a_period(client, criteria_sets, settings):
    html = public_get(client, "/cong-khai/")
    assert "kpi-communes" not in html


def test_a_period_is_published_by_command(criteria_sets, settings, officer, client, capsys):
    from django.core.management import call_command

    from assessments.tests.helpers import make_period_2026
    from audit.models import AuditRecord
    from portal.models import PublishedPeriod

    make_period_2026()
    call_command("portal_publish_period", "2026", "--user", "officer")
    assert PublishedPeriod.objects.get().published_by == officer
    assert AuditRecord.objects.filter(action="portal.period.publish", object_id="2026").exists()


def test_the_office_sets_the_choices_and_makes_a_period_public(client, criteria_sets, settings, officer,
                                                                 outsider):
    from assessments.tests.helpers import make_period_2026, values_2026
    from audit.models import AuditRecord
    from conftest import make_new_province
    from portal.models import PublishedPeriod

    settings.NTM_PROVINCE_REFS = "77-20250701"
    _province, new = make_new_province(1)
    period = make_period_2026()
    from assessments import services as assessments

    assessments.record_values_many(period, {new[0]: values_2026(period)}, source="test")
    client.force_login(outsider)
    assert client.get("/cong-khai/quan-ly/cai-dat/").status_code == 403
    assert client.post("/cong-khai/quan-ly/cong-bo/2026/").status_code == 403
    client.force_login(officer)
    response = client.post("/cong-khai/quan-ly/cai-dat/", {"two_person_publish": "on",
                                                           "link_allowlist": "laocai.gov.vn\nhttp://x/"})
    assert response.status_code == 200 and not AuditRecord.objects.filter(action="portal.settings").exists()
    client.post("/cong-khai/quan-ly/cai-dat/", {"two_person_publish": "on", "link_allowlist": "LaoCai.gov.vn"})
    config = PortalSettings.current()
    assert not config.show_computed_criteria and config.allowed_hosts == ["laocai.gov.vn"]
    assert AuditRecord.objects.filter(action="portal.settings").exists()
    client.post("/cong-khai/quan-ly/cong-bo/2026/")
    assert PublishedPeriod.objects.get().period == period
    client.logout()
    assert public_get(client, "/cong-khai/xa/").count("<tr data-ref=") == 1


def test_every_public_page_is_anonymous_cacheable_and_script_free(client, province, officer):
    from portal import services
    from portal.verify import public_paths

    PortalSettings.objects.update_or_create(pk=1, defaults={"two_person_publish": False})
    article = services.save_draft(officer, title="Tin", summary="", body="<p>x</p>")
    services.submit_for_review(officer, article)
    services.publish(officer, article)
    paths = public_paths()
    assert f"/cong-khai/tin-tuc/{article.pk}/" in paths and len(paths) == 6 + 3 + 1
    for path in paths:
        html = public_get(client, path)
        assert " style=" not in html, path
        assert re.search(r"<[^>]+\son[a-z]+=", html) is None, path
    csp = client.get("/cong-khai/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
