"""A closed round's result feeds the dossier's survey stage and the satisfaction condition."""

import re

import pytest
from django.utils import timezone

from accounts.models import Role
from assessments import services as _values  # noqa: F401 (imported before recognition: import order)
from recognition import checks
from recognition import services as dossiers
from recognition.models import Stage
from recognition.services import DossierRefused
from recognition.tests.helpers import walk, world
from surveys import services
from surveys.models import Channel
from surveys.tests.helpers import make_round, rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _dossier_at_posting():
    _province, communes, period = world()
    dossier = walk(dossiers.register_dossier(communes[0], period, "ntm", registered_on=TODAY), to="posting")
    return dossier, communes


def test_the_survey_stage_takes_a_closed_rounds_result(criteria_sets):
    dossier, _communes = _dossier_at_posting()
    survey = make_round(dossier.unit, dossier=dossier)
    services.record_answers(survey, rows([("Thôn Nà Lốc", True)] * 112 + [("Bản Mế", False)] * 8),
                            channel=Channel.EXCEL)
    with pytest.raises(DossierRefused) as refused:
        dossiers.record_survey(dossier, round=survey)
    assert "vẫn đang mở" in refused.value.message
    condition = next(c for c in checks.conditions(dossier) if c.label == "Sự hài lòng của người dân")
    assert condition.state == checks.UNKNOWN
    services.close_round(survey)
    # Closed: the condition is known from the round before the stage is recorded.
    condition = next(c for c in checks.conditions(dossier) if c.label == "Sự hài lòng của người dân")
    assert condition.state == checks.MET
    assert condition.detail == ("Đợt khảo sát đã kết thúc \"Khảo sát sự hài lòng 2026\": 93,3% của 120 hộ; "
                                "chưa ghi vào hồ sơ.")
    result = dossiers.record_survey(dossier, round=survey)
    assert (result.households_surveyed, result.satisfied, result.households_total) == (120, 112, 160)
    assert result.share == 93.3 and result.interval == (87.4, 96.6) and result.coverage == 75.0
    assert result.conducted_by == "Ban Thường trực UBMTTQ xã" and f"số {survey.pk}" in result.source
    dossier.refresh_from_db()
    assert dossier.stage == Stage.SURVEY
    condition = next(c for c in checks.conditions(dossier) if c.label == "Sự hài lòng của người dân")
    assert condition.state == checks.MET and "93,3%" in condition.detail


def test_a_round_under_the_threshold_is_refused_with_the_reason(criteria_sets):
    dossier, _communes = _dossier_at_posting()
    survey = make_round(dossier.unit, dossier=dossier)
    services.record_answers(survey, rows([("Thôn Nà Lốc", True)] * 85 + [("Bản Mế", False)] * 15),
                            channel=Channel.EXCEL)
    services.close_round(survey)
    condition = next(c for c in checks.conditions(dossier) if c.label == "Sự hài lòng của người dân")
    assert condition.state == checks.UNMET and "85%" in condition.detail
    with pytest.raises(DossierRefused) as refused:
        dossiers.record_survey(dossier, round=survey)
    assert "85%" in refused.value.message and "90%" in refused.value.message
    assert not hasattr(dossier, "survey") or dossier.survey is None


def test_a_round_of_another_dossier_is_refused(criteria_sets):
    dossier, communes = _dossier_at_posting()
    other = make_round(communes[0])  # not attached to the dossier
    services.record_answers(other, rows([("Bản Mế", True)]), channel=Channel.EXCEL)
    services.close_round(other)
    with pytest.raises(DossierRefused) as refused:
        dossiers.record_survey(dossier, round=other)
    assert "không gắn với hồ sơ này" in refused.value.message


def test_the_dossier_page_offers_the_closed_round(client, criteria_sets, django_user_model):
    from accounts import services as accounts
    from accounts.models import OrganisationKind

    dossier, _communes = _dossier_at_posting()
    survey = make_round(dossier.unit, dossier=dossier)
    services.record_answers(survey, rows([("Thôn Nà Lốc", True)] * 19 + [("Bản Mế", False)]),
                            channel=Channel.EXCEL)
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=dossier.unit.parent.parent)
    admin = accounts.create_user(by=None, username="adm", full_name="Adm", email="", organisation=office,
                                 role=Role.PROVINCE_ADMIN, password="Survey-Pass-2026!")
    client.force_login(admin)
    page = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    assert 'name="round"' not in page and f"/khao-sat/dot/{survey.pk}/" in page  # open: not offered yet
    services.close_round(survey)
    page = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    assert f'<option value="{survey.pk}">' in page
    response = client.post(f"/cong-nhan/{dossier.pk}/buoc-tiep/", {"round": survey.pk})
    assert response.status_code == 302, re.findall(r'class="error">([^<]*)|id="refused">(.*?)</div>', response.content.decode())
    dossier.refresh_from_db()
    assert dossier.stage == Stage.SURVEY and dossier.survey.satisfied == 19
    page = client.get(f"/cong-nhan/{dossier.pk}/").content.decode()
    assert "19 trên 20 hộ được khảo sát hài lòng" in page and f"Đợt khảo sát số {survey.pk}" in page


def test_a_round_is_attached_to_a_dossier_from_its_page(client, criteria_sets):
    from accounts import services as accounts
    from accounts.models import OrganisationKind

    dossier, communes = _dossier_at_posting()
    survey = make_round(dossier.unit)
    org = accounts.ensure_organisation(code="xa0", name="UBND xã", kind=OrganisationKind.COMMUNE, unit=communes[0])
    officer = accounts.create_user(by=None, username="xa0", full_name="Xã", email="", organisation=org,
                                   role=Role.COMMUNE_OFFICER, password="Survey-Pass-2026!")
    other = accounts.ensure_organisation(code="xa1", name="UBND xã 1", kind=OrganisationKind.COMMUNE,
                                         unit=communes[1])
    outsider = accounts.create_user(by=None, username="xa1", full_name="Xã 1", email="", organisation=other,
                                    role=Role.COMMUNE_OFFICER, password="Survey-Pass-2026!")
    client.force_login(outsider)
    assert client.post(f"/khao-sat/dot/{survey.pk}/ho-so/", {"dossier": dossier.pk}).status_code == 403
    client.force_login(officer)
    page = client.get(f"/khao-sat/dot/{survey.pk}/").content.decode()
    assert f'<option value="{dossier.pk}">' in page
    response = client.post(f"/khao-sat/dot/{survey.pk}/ho-so/", {"dossier": dossier.pk})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.dossier_id == dossier.pk
    assert 'id="attach-form"' not in client.get(f"/khao-sat/dot/{survey.pk}/").content.decode()
    with pytest.raises(services.SurveyRefused):
        services.attach_dossier(survey, dossier)
