"""The recognition cases of assessments/tests/test_every_write_is_audited.py: every write function
of recognition/services.py leaves an audit record. `w` is that test's world (province "10", a
commune, the 2024 period)."""

import datetime

from assessments import services as values
from assessments.tests.helpers import values_for
from recognition import services
from recognition.tests.helpers import confirm_conditions, declaration, signed_pdf, walk

NAMES = {f"recognition.services.{n}" for n in (
    "register_dossier", "freeze_self_assessment", "record_opinions", "record_posting", "record_survey",
    "record_appraisal", "decide", "return_dossier", "answer_comment", "record_condition", "register_revocation",
    "freeze_revocation_check", "revoke")} | {f"recognition.decisions.{n}" for n in (
    "record_direct_recognition", "attach_signed_scan", "correct_recognition")}


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

    def posted_comment():
        dossier = at("posting")
        return dossier.posting_comments.get(answer="")

    def direct(day=None):
        from recognition import decisions

        return decisions.record_direct_recognition(
            commune, level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="3/QĐ",
            decision_date=day or datetime.date(2019, 5, 1), issuer="UBND tỉnh", before_system=True, user=user)

    def revocation_dossier(stage):
        # A commune failing most criteria, recognised in 2019: the revocation rule is met.
        values.record_values(commune, period, values_for(period, failing={str(c) for c in range(1, 12)}),
                             source="Báo cáo xã")
        dossier = services.register_revocation(direct(), period, registered_on=today, user=user)
        if stage in ("self_assessment", "appraisal"):
            dossier = services.freeze_revocation_check(dossier, user=user)
        if stage == "appraisal":
            dossier = services.record_appraisal(dossier, appraised_by="Sở NN&MT", appraised_on=today,
                                                findings="Rớt chuẩn", user=user)
        return dossier

    from recognition import decisions

    return {
        "recognition.services.answer_comment": lambda: services.answer_comment(
            posted_comment(), answer="Đã tiếp thu", answered_on=today, user=user),
        "recognition.services.record_condition": lambda: confirm_conditions(at("appraisal"), user=user),
        "recognition.services.register_revocation": lambda: revocation_dossier("registration"),
        "recognition.services.freeze_revocation_check": lambda: revocation_dossier("self_assessment"),
        "recognition.services.revoke": lambda: services.revoke(
            revocation_dossier("appraisal"), decision_number="9/QĐ-UBND", decision_date=today, signer="Chủ tịch",
            signed_pdf=signed_pdf(), reason="Rớt chuẩn", user=user),
        "recognition.decisions.record_direct_recognition": direct,
        "recognition.decisions.attach_signed_scan": lambda: decisions.attach_signed_scan(
            direct(), signed_scan=declaration("qd.pdf"), user=user),
        "recognition.decisions.correct_recognition": lambda: decisions.correct_recognition(
            direct(), decision_number="3/QĐ-UBND", decision_date=datetime.date(2019, 5, 2), issuer="UBND tỉnh",
            reason="Gõ sai số", user=user),
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
