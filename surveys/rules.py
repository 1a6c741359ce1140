"""The survey rules, each with its source and how far it was verified
(../shared/domain/criteria-sources.md §3.1). Numbers are settings so that a verified text can
change them without code: NTM_SATISFACTION_MIN_PERCENT, NTM_SURVEY_MIN_COVERAGE_PERCENT."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

SATISFACTION_SOURCE = gettext_lazy(
    "QĐ 18/2022/QĐ-TTg Article 4.1(b) only says \"đáp ứng yêu cầu theo quy định\"; 90% is a reference "
    "(QĐ 320 for districts; Tiền Giang survey report 2024)"
)
SATISFACTION_STATUS = gettext_lazy("the commune figure is not confirmed")

COVERAGE_SOURCE = gettext_lazy(
    "Guide of the Fatherland Front of Ninh Thuận province (surveys reach at least 70% of a commune's households)"
)
COVERAGE_STATUS = gettext_lazy("a provincial guide, date not confirmed; not a condition of QĐ 18/2022")


def satisfaction_threshold() -> float:
    """Percent of surveyed households satisfied (reference value, not confirmed for communes)."""
    return float(getattr(settings, "NTM_SATISFACTION_MIN_PERCENT", 90))


def coverage_threshold() -> float:
    """Percent of the commune's households a survey should reach (a provincial guide)."""
    return float(getattr(settings, "NTM_SURVEY_MIN_COVERAGE_PERCENT", 70))
