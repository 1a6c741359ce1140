"""The submission state machine, the server-set submission time and who may write what."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessments.tests.helpers import make_period
from audit.models import AuditRecord
from reporting import services
from reporting.models import State, Submission
from reporting.services import TransitionRefused
from reporting.tests.helpers import FULL, build_world, local, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.NTM_PROVINCE_REFS = "10"
    return build_world()


@pytest.fixture
def oct20():
    with time_machine.travel(local(2024, 10, 20, 9, 0), tick=False) as traveller:
        yield traveller


def test_draft_submitted_returned_submitted_accepted(world, oct20):
    u = world["users"]
    period, d0 = world["october"], reporter(world, "d0")
    s = services.save_draft(user=u["d0"], period=period, reporter=d0, sections={**FULL, "ket_qua": "Nháp"})
    assert s.state == State.DRAFT and s.submitted_at is None
    s = services.submit(user=u["d0"], period=period, reporter=d0)
    first = s.submitted_at
    assert s.state == State.SUBMITTED and s.sections["ket_qua"] == "Nháp"
    assert services.is_on_time(s) is True
    s = services.return_submission(user=u["officer"], submission=s, comment="Bổ sung số liệu giải ngân")
    assert s.state == State.RETURNED and s.return_comment == "Bổ sung số liệu giải ngân"
    oct20.shift(3600 * 24 * 7)  # resubmitted on 27/10, after the due date
    s = services.submit(user=u["d0"], period=period, reporter=d0, sections={**FULL, "ket_qua": "Đã bổ sung"})
    assert s.state == State.SUBMITTED
    assert s.submitted_at == first, "the first submission stays in the history"
    assert s.last_submitted_at > first
    s = services.accept_submission(user=u["officer"], submission=s)
    assert s.state == State.ACCEPTED
    assert services.is_on_time(s) is False, "timeliness is judged on the version accepted (27/10)"
    assert [(e.from_state, e.to_state) for e in s.events.all()] == [
        ("not_started", "draft"), ("draft", "submitted"), ("submitted", "returned"),
        ("returned", "submitted"), ("submitted", "accepted")]
    assert s.events.get(to_state="returned").comment == "Bổ sung số liệu giải ngân"


def test_a_report_with_an_empty_section_is_not_submitted(world, oct20):
    period, d0 = world["october"], reporter(world, "d0")
    with pytest.raises(TransitionRefused, match="Khó khăn"):
        services.submit(user=world["users"]["d0"], period=period, reporter=d0,
                        sections={**FULL, "kho_khan": "   "})
    with pytest.raises(TransitionRefused):
        services.submit(user=world["users"]["d0"], period=period, reporter=d0)
    assert not Submission.objects.exists()


def test_the_form_saves_but_does_not_submit_an_incomplete_or_unconfirmed_report(client, world, oct20):
    client.force_login(world["users"]["d0"])
    url = _form_url(world, "d0")
    page = client.post(url, {"ket_qua": "Hoàn thành", "submit": "1", "confirm": "1"}, follow=True)
    s = Submission.objects.get()
    assert (s.state, s.sections["ket_qua"]) == (State.DRAFT, "Hoàn thành"), "nothing typed is lost"
    assert "Khó khăn, vướng mắc" in page.content.decode()
    page = client.post(url, {**FULL, "submit": "1"}, follow=True)
    assert Submission.objects.get().state == State.DRAFT
    assert "đánh dấu" in page.content.decode() or "xác nhận" in page.content.decode()
    client.post(url, {**FULL, "submit": "1", "confirm": "1"})
    assert Submission.objects.get().state == State.SUBMITTED
    assert 'id="report-rules"' in client.get(url).content.decode()


def test_a_report_can_be_withdrawn_until_the_due_date_and_then_counts_anew(client, world, oct20):
    period, d0 = world["october"], reporter(world, "d0")
    client.force_login(world["users"]["d0"])
    url = _form_url(world, "d0")
    client.post(url, {**FULL, "submit": "1", "confirm": "1"})
    assert 'name="withdraw"' in client.get(url).content.decode()
    client.post(url, {"withdraw": "1"})
    s = Submission.objects.get()
    assert s.state == State.DRAFT and s.last_submitted_at is None and services.is_on_time(s) is None
    assert s.events.last().comment
    assert AuditRecord.objects.filter(action="reporting.submission.withdraw").count() == 1
    client.post(url, {**FULL, "submit": "1", "confirm": "1"})
    oct20.shift(3600 * 24 * 6)  # 26/10: past the due date
    assert 'name="withdraw"' not in client.get(url).content.decode()
    with pytest.raises(TransitionRefused):
        services.withdraw(user=world["users"]["d0"], period=period, reporter=d0)
    client.post(url, {"withdraw": "1"})
    assert Submission.objects.get().state == State.SUBMITTED


def test_a_decided_report_cannot_be_withdrawn(world, oct20):
    period, d0 = world["october"], reporter(world, "d0")
    s = services.submit(user=world["users"]["d0"], period=period, reporter=d0, sections=FULL)
    services.accept_submission(user=world["users"]["officer"], submission=s)
    with pytest.raises(TransitionRefused):
        services.withdraw(user=world["users"]["d0"], period=period, reporter=d0)


def test_illegal_transitions_are_refused(world, oct20):
    u = world["users"]
    period, d0 = world["october"], reporter(world, "d0")
    draft = services.save_draft(user=u["d0"], period=period, reporter=d0, sections={})
    with pytest.raises(TransitionRefused):
        services.accept_submission(user=u["officer"], submission=draft)
    with pytest.raises(TransitionRefused):
        services.return_submission(user=u["officer"], submission=draft, comment="x")
    submitted = services.submit(user=u["d0"], period=period, reporter=d0, sections=FULL)
    with pytest.raises(TransitionRefused):
        services.submit(user=u["d0"], period=period, reporter=d0, sections=FULL)
    with pytest.raises(TransitionRefused):
        services.save_draft(user=u["d0"], period=period, reporter=d0, sections={"ket_qua": "sửa"})
    with pytest.raises(ValidationError):
        services.return_submission(user=u["officer"], submission=submitted, comment="  ")
    accepted = services.accept_submission(user=u["officer"], submission=submitted)
    for call in (
        lambda: services.accept_submission(user=u["officer"], submission=accepted),
        lambda: services.return_submission(user=u["officer"], submission=accepted, comment="x"),
        lambda: services.submit(user=u["d0"], period=period, reporter=d0, sections=FULL),
    ):
        with pytest.raises(TransitionRefused):
            call()
    assert Submission.objects.get(pk=accepted.pk).state == State.ACCEPTED


def test_a_locked_period_refuses_reporters(world):
    with time_machine.travel(local(2024, 11, 6, 8, 0), tick=False):
        with pytest.raises(TransitionRefused):
            services.submit(user=world["users"]["d0"], period=world["october"], reporter=reporter(world, "d0"), sections=FULL)
    assert not Submission.objects.exists()


def _form_url(world, key, period="october"):
    return f"/bao-cao/nop/{world[period].pk}/u{world['units'][key].pk}/"


def test_the_server_sets_the_submission_time(client, world):
    client.force_login(world["users"]["d0"])
    with time_machine.travel(local(2024, 10, 27, 8, 15), tick=False):
        response = client.post(_form_url(world, "d0"), {
            **FULL, "submit": "1", "confirm": "1",
            "submitted_at": "2024-10-01T08:00:00+07:00", "on_time": "1", "state": "accepted",
        })
    assert response.status_code == 302
    s = Submission.objects.get()
    assert s.state == State.SUBMITTED
    assert s.submitted_at == local(2024, 10, 27, 8, 15)
    assert services.is_on_time(s) is False
    assert s.sections == FULL


def test_the_form_saves_a_draft(client, world, oct20):
    client.force_login(world["users"]["d0"])
    assert client.get(_form_url(world, "d0")).status_code == 200
    client.post(_form_url(world, "d0"), {"kho_khan": "Thiếu vốn", "draft": "1"})
    s = Submission.objects.get()
    assert (s.state, s.sections["kho_khan"], s.submitted_at) == (State.DRAFT, "Thiếu vốn", None)


def test_a_commune_officer_cannot_submit_for_another_commune(client, world, oct20):
    client.force_login(world["users"]["xa_a"])
    before = AuditRecord.objects.count()
    assert client.get(_form_url(world, "xa_a", "october_xa")).status_code == 200
    response = client.post(_form_url(world, "xa_b", "october_xa"), {"ket_qua": "x", "submit": "1"})
    assert response.status_code == 403
    assert not Submission.objects.exists()
    assert AuditRecord.objects.count() == before


def test_a_district_officer_reports_for_its_district_only(client, world, oct20):
    client.force_login(world["users"]["d0"])
    assert client.post(_form_url(world, "d1"), {"submit": "1"}).status_code == 403
    # Nor on the commune schedule with its district.
    assert client.get(_form_url(world, "d0", "october_xa")).status_code == 403
    assert not Submission.objects.exists()


def test_a_closed_district_cannot_report_for_a_period_after_it_closed(client, world, oct20):
    client.force_login(world["users"]["closed"])
    assert client.get(_form_url(world, "closed")).status_code == 403


def test_province_officers_review_and_reporters_do_not(client, world, oct20):
    s = services.submit(user=world["users"]["d0"], period=world["october"], reporter=reporter(world, "d0"), sections=FULL)
    client.force_login(world["users"]["d0"])
    assert client.post(f"/bao-cao/ho-so/{s.pk}/chap-nhan/").status_code == 403
    assert client.get(f"/bao-cao/ho-so/{s.pk}/").status_code == 200  # its own
    client.force_login(world["users"]["d1"])
    assert client.get(f"/bao-cao/ho-so/{s.pk}/").status_code == 403
    client.force_login(world["users"]["agency"])
    assert client.post(f"/bao-cao/ho-so/{s.pk}/tra-lai/", {"comment": "x"}).status_code == 403
    assert Submission.objects.get().state == State.SUBMITTED
    client.force_login(world["users"]["officer"])
    assert client.post(f"/bao-cao/ho-so/{s.pk}/tra-lai/", {"comment": "Thiếu phụ lục"}).status_code == 302
    assert Submission.objects.get().state == State.RETURNED


def test_the_reporter_page_lists_due_reports(client, world, oct20):
    make_period(2024)
    client.force_login(world["users"]["xa_a"])
    response = client.get("/bao-cao/")
    assert response.status_code == 200
    assert _form_url(world, "xa_a", "october_xa") in response.content.decode()
    response = client.get(_form_url(world, "xa_a", "october_xa"))
    assert f"/xa/{world['units']['xa_a'].ref}/nhap/" in response.content.decode()  # the data-entry page


def test_a_report_row_link_says_open_not_not_done(client, world, oct20):
    client.force_login(world["users"]["d0"])
    page = client.get("/bao-cao/").content.decode()
    assert ">Mở</a>" in page and "Chưa thực hiện" not in page
    services.submit(user=world["users"]["d0"], period=world["october"], reporter=reporter(world, "d0"), sections=FULL)
    s = Submission.objects.get()
    client.force_login(world["users"]["officer"])
    page = client.get(f"/bao-cao/ho-so/{s.pk}/").content.decode()
    # A label, marked required (the shared form include), without the stray question mark.
    assert '>Lý do trả lại <span class="req" aria-hidden="true">*</span>' in page and "Lý do trả lại?" not in page
