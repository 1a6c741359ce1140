"""Survey rounds for tests, built with the services."""

import datetime

from django.utils import timezone

from surveys import services
from surveys.frame import VillageSpec

FRAME = [VillageSpec("Thôn Nà Lốc", 100, 80), VillageSpec("Bản Mế", 60, 60)]


def make_round(unit, *, frame=FRAME, dossier=None, user=None, questionnaire=None):
    today = timezone.localdate()
    return services.create_round(
        unit, questionnaire or services.ensure_default_questionnaire(), title="Khảo sát sự hài lòng 2026",
        conducted_by="Ban Thường trực UBMTTQ xã", starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=10), villages=list(frame), dossier=dossier, user=user)


def answers(satisfied=True, **extra):
    values = {"hai_long_chung": "co" if satisfied else "khong", "giao_thong": "hai_long"}
    values.update(extra)
    return values


def rows(specs):
    """AnswerRows from (village, satisfied) pairs."""
    return [services.AnswerRow(where=f"dòng {i}", village=village, values=answers(ok))
            for i, (village, ok) in enumerate(specs, start=2)]
