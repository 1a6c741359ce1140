"""Issue 10, item 9: no page offers a link its reader may not open.

Each persona starts at `/`, follows every internal link of the pages it reaches (breadth-first,
three levels deep, each path once) and no link may answer 403. Downloads are opened too (a link
to a file the user may not have is as bad as a link to a page)."""

import datetime
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine

from accounts import services as accounts
from accounts.models import Role
from planning import services as planning
from planning.models import TaskOwner
from planning.tests.helpers import make_item
from reporting import services as reporting
from reporting.tests.helpers import FULL, PASSWORD, build_world, local, reporter, with_values

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)')
# Never followed: leaving the session, and pages outside the application's own work.
SKIP = ("/tai-khoan/dang-xuat/", "/static/", "/quan-tri/", "/api/", "/cong-khai/")
DEPTH = 3
MAX_PAGES = 250


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    with time_machine.travel(local(2024, 10, 22, 9, 0), tick=False) as traveller:
        w = build_world()
        w["period"] = with_values(w)
        submission = reporting.submit(user=w["users"]["xa_a"], period=w["october_xa"],
                                      reporter=reporter(w, "xa_a"), sections=FULL)
        reporting.return_submission(user=w["users"]["admin"], submission=submission, comment="Thiếu")
        reporting.submit(user=w["users"]["d0"], period=w["october"], reporter=reporter(w, "d0"), sections=FULL)
        a, other = w["communes"][0], w["communes"][3]
        item = make_item(a, ["3.1"], target_date=datetime.date(2024, 10, 1))
        make_item(other, ["3.1"], target_date=datetime.date(2024, 10, 1))
        planning.add_task(unit=a, title="Khảo sát", owner=TaskOwner.AGENCY, organisation=w["agency"],
                          due_date=datetime.date(2024, 10, 10), item=item)
        planning.set_helping_agency(w["agency"], a)
        planning.record_field_visit(w["agency"], a, date=datetime.date(2024, 10, 5), members="Đoàn",
                                    criteria_checked=["3"], findings="Kênh hỏng", difficulties="",
                                    follow_ups=[planning.FollowUp("Sửa kênh", TaskOwner.COMMUNE, None)])
        office = w["users"]["admin"].profile.organisation
        w["users"]["viewer"] = accounts.create_user(
            by=None, username="viewer", full_name="Người xem", email="", organisation=office, role=Role.VIEWER,
            password=PASSWORD, scope_unit=w["province"])
        traveller.move_to(local(2024, 10, 28, 9, 0))
        yield w


def links(base, html):
    for href in HREF.findall(html):
        href = unescape(href).strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, user):
    """{url: status} of every page reached from `/`, and {url: the page that linked to it}."""
    client.force_login(user)
    seen_paths, found_on, statuses = {"/"}, {"/": "(start)"}, {}
    queue = deque([("/", 0)])
    while queue and len(statuses) < MAX_PAGES:
        url, depth = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302) and depth < DEPTH:
            target = urlsplit(response.url)
            nxt = target.path + (f"?{target.query}" if target.query else "")
            if target.path not in seen_paths and not target.path.startswith(SKIP):
                seen_paths.add(target.path)
                found_on[nxt] = url
                queue.append((nxt, depth))
            continue
        if depth >= DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links("http://testserver" + url, response.content.decode()):
            path = urlsplit(link).path
            if path in seen_paths or path.startswith(SKIP):
                continue
            seen_paths.add(path)
            found_on[link] = url
            queue.append((link, depth + 1))
    return statuses, found_on


@pytest.mark.parametrize("who", ["admin", "officer", "agency", "viewer", "d0", "closed", "xa_a", "xa_b"])
def test_no_link_on_a_personas_pages_ends_in_403(client, world, who):
    statuses, found_on = crawl(client, world["users"][who])
    forbidden = {url: found_on[url] for url, status in statuses.items() if status == 403}
    broken = {url: (status, found_on[url]) for url, status in statuses.items() if status >= 500}
    assert not forbidden, f"{who}: links to pages it may not open (link → found on): {forbidden}"
    assert not broken, broken
    assert len(statuses) > 10, statuses  # it did reach the application's pages
