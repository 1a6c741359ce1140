"""The dashboard's figures kept between requests, keyed by a data version.

A national dashboard reads ~8,000 evaluations per request; its figures change only when data
changes. Every write of the product records an audit row in the writer's transaction (house
rule, assessments/tests/test_every_write_is_audited.py), and evaluations are replaced by new
rows whenever they are recomputed, so the data version below changes with every committed write
that can change a figure. It is one query on primary keys, which costs the same for any amount
of data (the rendered pages cached under it, dashboard.fragments, are served on it):
- on PostgreSQL, the commit marks (audit.models.CommitMark): one per committed transaction that
  wrote audit records, numbered at COMMIT by a trigger. The last mark, and how many marks of the
  last window are visible, change with every such commit, also one that took its mark before
  another but finished after it (its mark fills a gap below the last one);
- on SQLite, which runs one writer at a time, the last audit id (ids follow commit order);
- on both, the last audit id and the last evaluation id.
The figures read after the version was read can only be newer than it: never is an older
figure stored under a newer version.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from assessments.models import Evaluation
from audit.models import AuditRecord, CommitMark
from dashboard.queries import Dashboard, province_dashboard
from finance.queries import debt_for_units

# Rows of the lists shown on the dashboard (the commune list has them all).
LIST_LIMIT = 50
# Commit marks taken within this many of the last one may still be committing (the marks are
# taken at COMMIT, so only transactions committing at the same instant can overtake each other).
MARK_WINDOW = 1000
TIMEOUT = 3600


def data_version() -> str:
    q = connection.ops.quote_name
    audit, evaluation, mark = (q(m._meta.db_table) for m in (AuditRecord, Evaluation, CommitMark))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {mark}), "
            f"(SELECT COUNT(*) FROM {mark} WHERE id > (SELECT COALESCE(MAX(id), 0) - %s FROM {mark})), "
            f"(SELECT MAX(id) FROM {audit}), (SELECT MAX(id) FROM {evaluation})",
            [MARK_WINDOW],
        )
        return "-".join(str(v or 0) for v in cursor.fetchone())


def _build(period, area) -> dict:
    board = province_dashboard(period, area=area)
    # Outstanding construction debt of the communes shown (nợ đọng XDCB), one query.
    debts = debt_for_units([s.unit.pk for s in board.statuses])
    light: Dashboard = copy.copy(board)
    light.statuses = []
    light.at_risk = board.at_risk[:LIST_LIMIT]
    light.meets_unrecognised = board.meets_unrecognised[:LIST_LIMIT]
    return {
        "board": light,
        "debts": debts,
        "at_risk_count": len(board.at_risk),
        "meets_unrecognised_count": len(board.meets_unrecognised),
    }


def dashboard_figures(period, area) -> dict:
    """The dashboard of the period for the area (dashboard.areas.Area), from the cache when no
    data changed since it was computed: {"board", "debts", "at_risk_count",
    "meets_unrecognised_count"}; the board's lists are cut at LIST_LIMIT rows and it keeps no
    per-commune statuses."""
    if not settings.NTM_DASHBOARD_CACHE:
        return _build(period, area)
    key = f"ntm:dashboard:{period.pk}:{area.key}:{data_version()}"
    found = cache.get(key)
    if found is None:
        found = _build(period, area)
        cache.set(key, found, TIMEOUT)
    return found
