"""The rules a dossier is checked against, each with its source and how far it was verified
(../shared/domain/criteria-sources.md §3). Numbers are settings so that a verified text can
change them without code: `settings.NTM_POSTING_MIN_BROADCASTS` etc. override the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys import rules as surveys_rules

# The satisfaction rule lives with the surveys (surveys/rules.py), which compute the rate.
from surveys.rules import SATISFACTION_SOURCE, SATISFACTION_STATUS  # noqa: F401

POSTING_SOURCE = (
    "QĐ 18/2022/QĐ-TTg Điều 5 (theo bản tóm tắt trên thuvienphapluat.vn, "
    "https://beta.thuvienphapluat.vn/phap-luat/uy-ban-nhan-dan-xa-co-the-to-chuc-xet-xa-dat-chuan-nong-thon-moi-"
    "truoc-thoi-diem-danh-gia-dat-chuan-320579-45315.html)"
)
# V2 in the sources: read in a secondary summary, not in the decision's own text.
POSTING_STATUS = gettext_lazy("not verified against the original text")

# criteria-sources.md §5: "Recognition procedure replacing 18/2022 for 2026-30: not found".
PROCEDURE_2026 = gettext_lazy(
    "No rule replacing the procedure of QĐ 18/2022/QĐ-TTg for 2026-2030 has been found; this dossier "
    "follows the steps of QĐ 18/2022."
)


@dataclass(frozen=True)
class PostingRule:
    min_broadcasts: int
    min_days: int
    source: str = POSTING_SOURCE
    status: str = ""

    @property
    def text(self) -> str:
        return _("Posted at the commune People's Committee and the village halls, and broadcast on the commune "
                 "loudspeaker at least %(times)s times within %(days)s days") % {
                     "times": self.min_broadcasts, "days": self.min_days}


def posting_rule() -> PostingRule:
    return PostingRule(
        min_broadcasts=getattr(settings, "NTM_POSTING_MIN_BROADCASTS", 5),
        min_days=getattr(settings, "NTM_POSTING_DAYS", 15),
        status=str(POSTING_STATUS),
    )


def satisfaction_threshold() -> float:
    """Percent of surveyed households satisfied (reference value, not confirmed for communes)."""
    return surveys_rules.satisfaction_threshold()
