"""Demo recognition dossiers (dữ liệu minh họa), built with the services like a user would:

- for the year 2026 on today's map of Lào Cai, one dossier stopped at each stage, registration to
  decision: communes that do not meet every criterion yet stay at registration and
  self-assessment (the snapshot shows what is missing); the communes meeting every criterion
  carry the later stages; the decision goes only to a commune already recognised in 2021-2025
  (a recognition under the 2026-2030 set), so the public figure of recognised communes stays;
- one revocation dossier for a commune of the 2021-2025 map that meets the revocation rule of
  QĐ 18/2022 in 2025 (the 2026-2030 sets state no revocation rule), with the check frozen.

Every text says "minh họa"; dates are counted back from today. Safe to run again: nothing is
added when the province already has dossiers."""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from assessments.models import Period
from assessments.queries import commune_statuses, period_context, programme_communes, province_on
from recognition import conditions, services
from recognition.models import ConditionKind, Dossier

SEED = 20261201
NOTE = "(minh họa)"
PDF = b"%PDF-1.4\n% Quyet dinh minh hoa (du lieu demo)\n%%EOF\n"
STAGES = ["registration", "self_assessment", "opinions", "posting", "survey", "appraisal", "decision"]
COMMENTS = [
    ("Ông Giàng A Páo, thôn {v}", "Đề nghị làm rõ số hộ được dùng nước sạch của thôn {v}.",
     "Đã bổ sung số liệu của Trung tâm nước sạch vào báo cáo."),
    ("Bà Lò Thị Mai, thôn {v}", "Đường vào khu sản xuất của thôn {v} mùa mưa còn lầy.",
     "Đã đưa vào kế hoạch cứng hóa năm 2027."),
    ("Hội Nông dân xã", "Nhất trí với báo cáo.", ""),
]


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def _survey_step(dossier, today: datetime.date, rng: random.Random) -> None:
    """The satisfaction survey result (kept apart: the surveys app may replace this step)."""
    surveyed = rng.randint(620, 900)
    services.record_survey(dossier, conducted_by=f"Ủy ban MTTQ xã {NOTE}", conducted_on=today - datetime.timedelta(days=24),
                           households_total=round(surveyed / rng.uniform(0.72, 0.9)),
                           households_surveyed=surveyed, satisfied=round(surveyed * rng.uniform(0.92, 0.98)),
                           source=f"Biên bản tổng hợp phiếu khảo sát {NOTE}")


def _advance(dossier: Dossier, to: str, today: datetime.date, rng: random.Random, number: int) -> Dossier:
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    for step in STAGES[STAGES.index(dossier.stage) + 1: STAGES.index(to) + 1]:
        if step == "self_assessment":
            dossier = services.freeze_self_assessment(dossier)
        elif step == "opinions":
            dossier = services.record_opinions(
                dossier, opinions=f"Ủy ban MTTQ xã, Hội Nông dân, Hội Phụ nữ, Đoàn Thanh niên nhất trí với kết quả "
                                  f"tự đánh giá {NOTE}.")
        elif step == "posting":
            village = rng.randint(1, 9)
            dossier = services.record_posting(
                dossier, posted_where=f"Trụ sở UBND xã và nhà văn hóa các thôn {NOTE}", start=day(46), end=day(31),
                broadcast_dates=[day(n) for n in (45, 42, 39, 36, 33)],
                comments=[(who.format(v=village), text.format(v=village), answer)
                          for who, text, answer in COMMENTS])
        elif step == "survey":
            _survey_step(dossier, today, rng)
            dossier.refresh_from_db()
        elif step == "appraisal":
            dossier = services.record_appraisal(
                dossier, appraised_by=f"Sở Nông nghiệp và Môi trường {NOTE}", appraised_on=day(10),
                findings=f"Hồ sơ đầy đủ; các tiêu chí đạt theo số liệu đã chốt {NOTE}.")
        elif step == "decision":
            if conditions.finance_debt(dossier.unit) is None:
                services.record_condition(dossier, kind=ConditionKind.NO_DEBT, holds=True,
                                          declared_by=f"UBND xã {NOTE}", declared_on=day(20),
                                          document_ref=f"Báo cáo {number}/BC-UBND {NOTE}",
                                          document=_pdf("cam-ket.pdf"))
            services.record_condition(dossier, kind=ConditionKind.SECURITY, holds=True,
                                      declared_by=f"Công an tỉnh {NOTE}", declared_on=day(15),
                                      document_ref=f"Văn bản {number}/CAT-PV01 {NOTE}")
            dossier = services.decide(dossier, decision_number=f"{number}/QĐ-UBND {NOTE}", decision_date=day(3),
                                      signer=f"Chủ tịch UBND tỉnh {NOTE}", signed_pdf=_pdf("quyet-dinh.pdf"))
    return dossier


def ensure_demo_dossiers(seed: int = SEED) -> dict:
    """The demo dossiers (see the module's text); {"dossiers": n, "revocations": m} of what was added."""
    today = timezone.localdate()
    period = Period.objects.filter(code="2026").first()
    province = province_on(datetime.date(2026, 2, 15))
    if period is None or province is None:
        return {"dossiers": 0, "revocations": 0}
    units = list(programme_communes(period.as_of, province).order_by("code"))
    if Dossier.objects.filter(unit__in=units).exists():
        return {"dossiers": 0, "revocations": 0}
    rng = random.Random(seed)
    ctx = period_context(period)
    statuses = commune_statuses(ctx, units)
    meeting = [s for s in statuses if s.level_reached]
    # The decision goes to a commune already recognised (see the module's text).
    meeting.sort(key=lambda s: (s.recognition is None, s.unit.code))
    others = [s for s in statuses if not s.level_reached and s.criteria_missing == 0]
    registered_on = today - datetime.timedelta(days=60)
    plan: list[tuple[object, str]] = [(s.unit, stage) for s, stage in zip(others, STAGES[:2], strict=False)]
    later = list(reversed(STAGES[2:]))  # decision first, to the recognised commune
    for s, stage in zip(meeting, later, strict=False):
        if stage == "decision" and s.recognition is None:
            stage = "appraisal"
        plan.append((s.unit, stage))
    added = 0
    number = 3100
    for unit, stage in plan:
        number += rng.randint(3, 20)
        dossier = services.register_dossier(unit, period, "ntm", registered_on=registered_on)
        try:
            _advance(dossier, stage, today, rng, number)
        except services.DossierRefused:
            pass  # the dossier stays at the stage it reached, which the page explains
        added += 1
    return {"dossiers": added, "revocations": _revocation_dossier(today)}


def _revocation_dossier(today: datetime.date) -> int:
    period = Period.objects.filter(code="2025").first()
    province = province_on(datetime.date(2025, 6, 30))
    if period is None or province is None:
        return 0
    ctx = period_context(period)
    units = list(programme_communes(period.as_of, province).order_by("code"))
    revocable = [s for s in commune_statuses(ctx, units) if s.revocable]
    if not revocable:
        return 0
    dossier = services.register_revocation(revocable[0].recognition, period,
                                           registered_on=today - datetime.timedelta(days=20))
    services.freeze_revocation_check(dossier)
    return 1

