import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services as values
from assessments.models import Recognition
from audit.models import AuditRecord
from recognition import checks, services
from recognition.models import Dossier, Stage
from recognition.services import DossierRefused
from recognition.tests.helpers import register, signed_pdf, walk

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()




def test_a_dossier_walks_from_registration_to_the_recognition(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="decision")
    assert dossier.stage == Stage.DECISION
    recognition = Recognition.objects.get(unit=communes[0])
    assert dossier.recognition == recognition
    assert (recognition.decision_number, recognition.issuer, recognition.level_code) == (
        "15/QĐ-UBND", "Chủ tịch UBND tỉnh", "ntm")
    assert recognition.family == "ntm-xa-2021" and recognition.level_rank == 1
    assert dossier.decision_pdf.read().startswith(b"%PDF-")
    assert [e.stage_to for e in dossier.events.all()] == [s.value for s in Stage]
    actions = set(AuditRecord.objects.filter(object_type="dossier").values_list("action", flat=True))
    assert {"dossier.register", "dossier.self_assessment", "dossier.decide"} <= actions
    assert AuditRecord.objects.filter(action="recognition.create").exists()


def test_the_snapshot_does_not_change_when_a_value_is_corrected(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="self_assessment")
    frozen = Dossier.objects.get(pk=dossier.pk).snapshot
    income = frozen["values"]["10.1"]["value"]
    assert checks.target_result(frozen)["criteria_met"] == 19
    values.record_values(communes[0], period, {"10.1": "30"}, source="Điều tra lại", reason="Sửa")
    again = Dossier.objects.get(pk=dossier.pk)
    assert again.snapshot == frozen
    assert again.snapshot["values"]["10.1"]["value"] == income
    diff = {d.code: d for d in checks.differences(again)}
    assert Decimal(diff["10.1"].now_value) == 30 and diff["10.1"].now_status == "unmet"
    assert diff["10.1"].then_status == "met"


def test_an_unmet_criterion_stops_the_dossier_with_the_reason(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[1], period), to="self_assessment")
    with pytest.raises(DossierRefused) as refused:
        services.record_opinions(dossier, opinions="Đồng ý")
    assert "10" in refused.value.message and "chưa đạt" in refused.value.message.lower()
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.SELF_ASSESSMENT


def test_a_posting_too_short_or_with_too_few_broadcasts_is_refused(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="opinions")
    short = dict(posted_where="UBND xã", start=TODAY - datetime.timedelta(days=10), end=TODAY, broadcasts=5)
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, **short)
    assert "11 ngày" in refused.value.message and "15 ngày" in refused.value.message
    assert "chưa xác minh" in refused.value.message
    few = dict(posted_where="UBND xã", start=TODAY - datetime.timedelta(days=20), end=TODAY, broadcasts=4)
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, **few)
    assert "4 lần" in refused.value.message
    future = dict(posted_where="UBND xã", start=TODAY, end=TODAY + datetime.timedelta(days=15), broadcasts=5)
    with pytest.raises(DossierRefused):
        services.record_posting(dossier, **future)
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.OPINIONS


def test_the_posting_rule_is_a_setting(setup, settings):
    settings.NTM_POSTING_DAYS = 10
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="opinions")
    services.record_posting(dossier, posted_where="UBND xã", start=TODAY - datetime.timedelta(days=10),
                            end=TODAY - datetime.timedelta(days=1), broadcasts=5)


def test_satisfaction_under_the_setting_is_refused(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="posting")
    with pytest.raises(DossierRefused) as refused:
        services.record_survey(dossier, conducted_by="MTTQ", conducted_on=TODAY, households_surveyed=100,
                               satisfied=85)
    assert "85%" in refused.value.message and "90%" in refused.value.message
    survey = services.record_survey(dossier, conducted_by="MTTQ", conducted_on=TODAY, households_total=200,
                                    households_surveyed=150, satisfied=141)
    assert survey.share == 94.0 and survey.coverage == 75.0
    # Wilson score interval of 141/150 at 95%: 89.0% to 96.8% (Wilson formula, z = 1.96).
    assert survey.interval == (89.0, 96.8)


def test_the_decision_refuses_a_future_date_and_needs_number_signer_and_pdf(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="appraisal")
    good = dict(decision_number="1/QĐ", decision_date=TODAY, signer="Chủ tịch", signed_pdf=signed_pdf())
    cases = [
        ({"decision_date": TODAY + datetime.timedelta(days=1)}, "tương lai"),
        ({"decision_number": " "}, "Số quyết định"),
        ({"signer": ""}, "Người ký"),
        ({"signed_pdf": None}, "PDF"),
        ({"signed_pdf": signed_pdf(content=b"MZ not a pdf")}, "PDF"),
    ]
    for change, word in cases:
        with pytest.raises(DossierRefused) as refused:
            services.decide(dossier, **{**good, **change})
        assert word.lower() in refused.value.message.lower(), refused.value.message
    assert not Recognition.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.APPRAISAL


def test_steps_out_of_order_are_refused(setup):
    _province, communes, period = setup
    dossier = register(communes[0], period)
    with pytest.raises(DossierRefused) as refused:
        services.record_opinions(dossier, opinions="x")
    assert "Đăng ký" in refused.value.message
    with pytest.raises(DossierRefused):
        register(communes[0], period)
    with pytest.raises(DossierRefused):
        services.register_dossier(communes[0], period, "khong-co", registered_on=TODAY)
    with pytest.raises(DossierRefused):
        services.register_dossier(communes[1], period, "ntm", registered_on=TODAY + datetime.timedelta(days=1))


def test_a_returned_dossier_goes_back_a_stage_with_the_reason(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="self_assessment")
    with pytest.raises(DossierRefused):
        services.return_dossier(dossier, reason=" ")
    dossier = services.return_dossier(dossier, reason="Thiếu số liệu tiêu chí 17")
    assert dossier.stage == Stage.REGISTRATION and dossier.snapshot is None
    event = dossier.events.last()
    assert event.action == "return" and event.note == "Thiếu số liệu tiêu chí 17"
    assert event.data["snapshot"]["set_code"]
    assert AuditRecord.objects.filter(action="dossier.return", reason="Thiếu số liệu tiêu chí 17").exists()
    with pytest.raises(DossierRefused):
        services.return_dossier(dossier, reason="x")


def test_conditions_show_met_unmet_and_unknown(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="self_assessment")
    states = [c.state for c in checks.conditions(dossier)]
    assert states == ["met", "unknown", "unknown", "unknown", "unknown"]
    dossier = walk(register(communes[1], period), to="self_assessment")
    assert checks.conditions(dossier)[0].state == "unmet"


def test_a_return_clears_the_undone_step_and_keeps_it_in_the_history(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="posting")
    dossier = services.return_dossier(dossier, reason="Niêm yết sai địa điểm")
    assert dossier.stage == Stage.OPINIONS and dossier.posting_start is None and dossier.posted_where == ""
    assert dossier.events.last().data["broadcasts"] == 5
    assert [c.state for c in checks.conditions(dossier)][1] == "unknown"


def test_the_satisfaction_threshold_is_a_setting(setup, settings):
    settings.NTM_SATISFACTION_MIN_PERCENT = 80
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="posting")
    survey = services.record_survey(dossier, conducted_by="MTTQ", conducted_on=TODAY, households_surveyed=100,
                                    satisfied=85)
    assert survey.share == 85.0


def test_a_2026_dossier_says_the_procedure_replacing_18_2022_was_not_found(client, officer, criteria_sets):
    from assessments.tests.helpers import make_period_2026, values_2026
    from conftest import make_new_province

    _province, communes = make_new_province(1)
    period = make_period_2026()
    values.record_values(communes[0], period, values_2026(period, group="nhom-1"), source="x")
    dossier = walk(services.register_dossier(communes[0], period, "ntm", registered_on=TODAY),
                   to="self_assessment")
    client.force_login(officer)
    html = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    assert 'id="procedure-2026"' in html and "Chưa tìm thấy quy định" in html
