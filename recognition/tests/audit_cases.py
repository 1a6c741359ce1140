"""The recognition cases of assessments/tests/test_every_write_is_audited.py: every write function
of recognition/services.py leaves an audit record. `w` is that test's world (province "10", a
commune, the 2024 period)."""

from assessments import services as values
from assessments.tests.helpers import values_for
from recognition import services
from recognition.tests.helpers import walk

NAMES = {f"recognition.services.{n}" for n in (
    "register_dossier", "freeze_self_assessment", "record_opinions", "record_posting", "record_survey",
    "record_appraisal", "decide", "return_dossier")}


def cases(w, user):
    from django.utils import timezone

    commune, period = w["commune"], w["period"]
    today = timezone.localdate()

    def at(stage, level="ntm"):

        values.record_values(commune, period, values_for(period), source="Báo cáo xã")
        dossier = services.register_dossier(commune, period, level, registered_on=today, user=user)
        return walk(dossier, to=stage, user=user) if stage != "registration" else dossier

    def before(step):
        order = ["registration", "self_assessment", "opinions", "posting", "survey", "appraisal", "decision"]
        return order[order.index(step) - 1]

    def advance(step):
        def run():
            dossier = at(before(step))
            return walk(dossier, to=step, user=user)
        return run

    return {
        "recognition.services.register_dossier": lambda: at("registration"),
        "recognition.services.freeze_self_assessment": advance("self_assessment"),
        "recognition.services.record_opinions": advance("opinions"),
        "recognition.services.record_posting": advance("posting"),
        "recognition.services.record_survey": advance("survey"),
        "recognition.services.record_appraisal": advance("appraisal"),
        "recognition.services.decide": advance("decision"),
        "recognition.services.return_dossier": lambda: services.return_dossier(
            at("opinions"), reason="Bổ sung ý kiến", user=user),
    }
