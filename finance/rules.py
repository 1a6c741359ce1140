"""Rules of the finance pages that are settings, each with where it comes from.

- Disbursement deadlines: investment capital of a plan year may be paid until 31 January of the
  next year, recurrent capital until 31 December of the year. Commonly cited from the Law on
  Public Investment; the article was not read (../shared/domain/README.md "Money"), so the
  source says so. Override with settings.NTM_FINANCE_DEADLINES.
- Slow disbursement: the product's own rule (not an official one), a setting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

DEFAULT_DEADLINES = {
    # capital kind: (months after the end of the plan year, day of that month)
    "investment": {"months_after": 1, "day": 31,
                   "source": "Luật Đầu tư công (thường được dẫn; chưa đối chiếu điều khoản): "
                             "vốn đầu tư năm kế hoạch giải ngân đến 31/01 năm sau"},
    "recurrent": {"months_after": 0, "day": 31,
                  "source": "Thường được dẫn: vốn sự nghiệp giải ngân đến 31/12 năm kế hoạch "
                            "(chưa đối chiếu điều khoản)"},
}

# A project or commune is slow when its rate is below this share of the year elapsed
# (product rule, not an official one).
DEFAULT_SLOW_FACTOR = Decimal("0.6")


@dataclass(frozen=True)
class Deadline:
    kind: str
    day: datetime.date
    source: str


def deadline(year: int, capital_kind: str) -> Deadline:
    rules = getattr(settings, "NTM_FINANCE_DEADLINES", DEFAULT_DEADLINES)
    rule = rules[capital_kind]
    month_index = 12 + int(rule["months_after"])  # 12 = December of the plan year
    y, m = year + (month_index - 1) // 12, (month_index - 1) % 12 + 1
    return Deadline(capital_kind, datetime.date(y, m, int(rule["day"])), rule["source"])


def last_month(year: int, capital_kind: str) -> datetime.date:
    """The last month (first day) a disbursement of the plan year may be reported for."""
    return deadline(year, capital_kind).day.replace(day=1)


def slow_factor() -> Decimal:
    return Decimal(str(getattr(settings, "NTM_FINANCE_SLOW_FACTOR", DEFAULT_SLOW_FACTOR)))
