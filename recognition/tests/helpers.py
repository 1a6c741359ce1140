"""Dossiers for tests, built with the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as values
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from recognition import services

PDF = b"%PDF-1.4\n% signed decision\n"


def signed_pdf(name="qd.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def world(failing=frozenset()):
    """A province with two communes and their 2024 values (the first meeting every criterion
    unless `failing`)."""
    province, communes = make_province(2)
    period = make_period(2024)
    values.record_values_many(period, {communes[0]: values_for(period, failing=set(failing), seed=1),
                                       communes[1]: values_for(period, failing={"10"}, seed=2)}, source="Báo cáo xã")
    return province, communes, period


def walk(dossier, *, to="appraisal", user=None, today=None):
    """Take a dossier from its stage through the next stages up to `to` with valid data."""
    today = today or timezone.localdate()
    steps = ["registration", "self_assessment", "opinions", "posting", "survey", "appraisal", "decision"]
    for step in steps[steps.index(dossier.stage) + 1: steps.index(to) + 1]:
        if step == "self_assessment":
            dossier = services.freeze_self_assessment(dossier, user=user)
        elif step == "opinions":
            dossier = services.record_opinions(dossier, opinions="MTTQ xã đồng ý", user=user)
        elif step == "posting":
            dossier = services.record_posting(
                dossier, posted_where="Trụ sở UBND xã, nhà văn hóa 5 thôn", start=today - datetime.timedelta(days=20),
                end=today - datetime.timedelta(days=6), user=user,
                broadcast_dates=[today - datetime.timedelta(days=d) for d in (19, 16, 13, 10, 7)],
                comments=[("Ông Nguyễn Văn A, thôn 2", "Đường thôn 2 còn lầy lội", "Đã đưa vào kế hoạch 2027"),
                          ("Bà Lò Thị B, thôn 5", "Đề nghị thêm đèn đường", "")])
        elif step == "survey":
            services.record_survey(dossier, conducted_by="UBMTTQ xã", conducted_on=today - datetime.timedelta(days=3),
                                   households_total=1000, households_surveyed=800, satisfied=760, user=user)
            dossier.refresh_from_db()
        elif step == "appraisal":
            dossier = services.record_appraisal(dossier, appraised_by="Sở NN&MT", appraised_on=today,
                                                findings="Đạt", user=user)
        elif step == "decision":
            confirm_conditions(dossier, user=user, today=today)
            dossier = services.decide(dossier, decision_number="15/QĐ-UBND", decision_date=today,
                                      signer="Chủ tịch UBND tỉnh", signed_pdf=signed_pdf(), user=user)
    return dossier


def declaration(name="cam-ket.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def confirm_conditions(dossier, *, user=None, today=None, debt=True, security=True):
    """Record the no-debt declaration (when the finance records hold nothing for the commune)
    and the security confirmation, both holding."""
    from recognition.conditions import finance_debt
    from recognition.models import ConditionKind

    today = today or timezone.localdate()
    if debt and finance_debt(dossier.unit) is None:
        services.record_condition(dossier, kind=ConditionKind.NO_DEBT, holds=True, declared_by="UBND xã",
                                  declared_on=today, document_ref="Báo cáo 12/BC-UBND", document=declaration(),
                                  user=user)
    if security:
        services.record_condition(dossier, kind=ConditionKind.SECURITY, holds=True, declared_by="Công an tỉnh",
                                  declared_on=today, document_ref="Văn bản 88/CAT-PV01", user=user)


def register(commune, period, level="ntm"):
    """A recognition dossier registered today."""
    from django.utils import timezone

    from recognition import services

    return services.register_dossier(commune, period, level, registered_on=timezone.localdate())
