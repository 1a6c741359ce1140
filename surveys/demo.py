"""Demo survey rounds (dữ liệu minh họa): residents' satisfaction surveys in 2026 for some communes
of new Lào Cai, with generated household frames and answers, through the same services as the
pages. Seeded, idempotent; every round says it is illustrative."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from surveys import services
from surveys.frame import VillageSpec
from surveys.models import Channel, HouseholdCode, Round

SEED = 20261005
COMMUNES = 8
TITLE = "Khảo sát sự hài lòng của người dân năm 2026 (dữ liệu minh họa)"
CONDUCTED_BY = "Ban Thường trực Ủy ban MTTQ Việt Nam xã (minh họa)"
STARTS, ENDS = datetime.date(2026, 10, 5), datetime.date(2026, 10, 25)
VILLAGE_NAMES = ["Nà Lốc", "Sín Chải", "Cốc Ly", "Bản Mế", "Pha Long", "Tả Van", "Lùng Phình", "Nậm Lúc",
                 "Cốc Lầu", "Bản Phố", "Na Hối", "Thải Giàng Phố", "Lử Thẩn", "Nậm Mòn", "Bản Liền"]
TOPIC_CHOICES = ["rat_hai_long", "hai_long", "chua_hai_long", "khong_y_kien"]
COMMENTS = ["Đề nghị nâng cấp đường liên thôn", "Cần thêm điểm thu gom rác", "Nước sinh hoạt mùa khô còn thiếu",
            "Hài lòng với nhà văn hóa thôn", "Mong có thêm lớp dạy nghề cho thanh niên"]


def demo_present() -> bool:
    return Round.objects.filter(title=TITLE).exists()


def _communes():
    from assessments.queries import programme_communes, province_on

    day = datetime.date(2026, 6, 30)
    province = province_on(day)
    if province is None:
        return []
    return list(programme_communes(day, province).order_by("code")[:COMMUNES])


def _open_until() -> datetime.date:
    from django.utils import timezone

    return max(datetime.date(2026, 12, 31), timezone.localdate() + datetime.timedelta(days=30))


def _frame(rng: random.Random) -> list[VillageSpec]:
    names = rng.sample(VILLAGE_NAMES, rng.randint(5, 9))
    frame = []
    for name in names:
        households = rng.randint(60, 240)
        frame.append(VillageSpec(f"Thôn {name}", households, max(1, round(households * rng.uniform(0.7, 0.9)))))
    return frame


def _values(rng: random.Random, satisfied: bool) -> dict[str, str]:
    values = {"hai_long_chung": "co" if satisfied else "khong"}
    for topic in ("giao_thong", "nuoc_sach", "moi_truong", "truong_tram", "doi_song"):
        weights = (30, 55, 10, 5) if satisfied else (5, 35, 50, 10)
        values[topic] = rng.choices(TOPIC_CHOICES, weights=weights)[0]
    if rng.random() < 0.08:
        values["y_kien_khac"] = rng.choice(COMMENTS)
    return values


def _moment(rng: random.Random) -> datetime.datetime:
    day = STARTS + datetime.timedelta(days=rng.randint(0, (ENDS - STARTS).days))
    return datetime.datetime.combine(day, datetime.time(rng.randint(7, 18), rng.randint(0, 59)),
                                     tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def ensure_demo_surveys(seed: int = SEED) -> dict:
    """Rounds for the first communes of new Lào Cai in 2026; the last one is left open with its
    codes printed and a few answered on the web. Returns what was made."""
    if demo_present():
        return {"skipped": True}
    communes = _communes()
    if not communes:
        return {"skipped": True}
    from assessments.models import Period

    rng = random.Random(seed)
    period = Period.objects.filter(code="2026").first()
    questionnaire = services.ensure_default_questionnaire()
    made = {"rounds": 0, "answers": 0}
    with transaction.atomic():
        for index, commune in enumerate(communes):
            frame = _frame(rng)
            survey = services.create_round(commune, questionnaire, title=TITLE, conducted_by=CONDUCTED_BY,
                                           starts_on=STARTS, ends_on=ENDS if index else _open_until(),
                                           villages=frame, period=period)
            # A plausible commune: 82-98% satisfied, each village near it; 65-90% of households reached.
            level = rng.uniform(0.82, 0.98)
            reach = rng.uniform(0.65, 0.9)
            rows = []
            for village in frame:
                answered = min(village.sample, round(village.households * reach * rng.uniform(0.9, 1.1)))
                share = min(0.995, max(0.6, level + rng.uniform(-0.05, 0.05)))
                for n in range(answered):
                    rows.append(services.AnswerRow(where=f"{village.name} {n + 1}", village=village.name,
                                                   values=_values(rng, rng.random() < share),
                                                   submitted_at=_moment(rng)))
            channel = Channel.KOBO if index % 2 else Channel.EXCEL
            if index == 0:
                services.generate_codes(survey)
                rows = rows[: len(rows) // 2]
            made["answers"] += services.record_answers(survey, rows, channel=channel, source="dữ liệu minh họa")
            if index == 0:
                for code in HouseholdCode.objects.filter(round=survey).order_by("village__position", "number")[:12]:
                    services.answer_with_code(code.code, _values(rng, rng.random() < level))
                    made["answers"] += 1
            else:
                services.close_round(survey)
            made["rounds"] += 1
    return made


def summary_vi(made: dict) -> str:
    if made.get("skipped"):
        return "Khảo sát sự hài lòng minh họa đã có (hoặc chưa có xã năm 2026), giữ nguyên."
    return (f"Khảo sát sự hài lòng minh họa 2026: {made['rounds']} đợt, {made['answers']} hộ trả lời "
            "(/khao-sat/, phiếu công khai /phieu-khao-sat/).")
