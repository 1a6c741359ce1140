"""The surveys cases of assessments/tests/test_every_write_is_audited.py: every write function of
surveys/services.py leaves an audit record. `w` is that test's world (province "10", a commune)."""

from surveys import services
from surveys.models import Channel, HouseholdCode
from surveys.tests.helpers import make_round, rows

NAMES = {f"surveys.services.{n}" for n in (
    "import_questionnaire", "ensure_default_questionnaire", "set_satisfaction", "create_round",
    "generate_codes", "close_round", "record_answers", "answer_with_code", "attach_dossier")}


def cases(w, user):
    from surveys import default_form

    commune = w["commune"]

    def answered():
        survey = make_round(commune, user=user)
        services.record_answers(survey, rows([("Bản Mế", True)]), channel=Channel.EXCEL, user=user)
        return survey

    def with_code():
        survey = make_round(commune, user=user)
        services.generate_codes(survey, user=user)
        return services.answer_with_code(HouseholdCode.objects.filter(round=survey).first().code,
                                         {"hai_long_chung": "co"})

    def attached():
        from django.utils import timezone

        from assessments import services as values
        from assessments.tests.helpers import values_for
        from recognition import services as dossiers

        values.record_values(commune, w["period"], values_for(w["period"]), source="Báo cáo xã")
        dossier = dossiers.register_dossier(commune, w["period"], "ntm", registered_on=timezone.localdate())
        return services.attach_dossier(make_round(commune), dossier, user=user)

    return {
        "surveys.services.import_questionnaire": lambda: services.import_questionnaire(
            default_form.spec(), source="test", user=user),
        "surveys.services.ensure_default_questionnaire": lambda: services.ensure_default_questionnaire(user=user),
        "surveys.services.set_satisfaction": lambda: services.set_satisfaction(
            services.ensure_default_questionnaire(), question_name="giao_thong", satisfied=["hai_long"], user=user),
        "surveys.services.create_round": lambda: make_round(commune, user=user),
        "surveys.services.generate_codes": lambda: services.generate_codes(make_round(commune), user=user),
        "surveys.services.close_round": lambda: services.close_round(answered(), user=user),
        "surveys.services.record_answers": answered,
        "surveys.services.answer_with_code": with_code,
        "surveys.services.attach_dossier": attached,
    }
