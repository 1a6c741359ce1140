"""The least an import of the bench workbook must do, written with bare sqlite3 (no Django).

Used by bench/excel.py to put the 2x-parse target in perspective: after the parse, the importer
must type every cell, read the stored values, mark the corrected ones superseded, insert the
new rows and an audit record per commune with the values before and after, and evaluate every
changed commune (issue #2 asks for all of it in the same transaction). This does exactly that
work with no ORM, no access checks, no problem reporting, and does not even store the
evaluations: its time is a floor for the importer's own, not an alternative implementation.
Not used by the application.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal


def required_work(data, db_path, period, family, columns_by_index, unit_ids, keys, catalog) -> int:
    """Do the import's writes for `data` (read_workbook's result); return the rows inserted."""
    from assessments.excel import layout as L
    from assessments.values import parse_indicator_value
    from criteria import engine

    typed: dict[int, dict] = {}
    for row_number, cells in data.sheets[L.DATA_SHEET].rows.items():
        if row_number < L.FIRST_DATA_ROW:
            continue
        values = {}
        for col, column in columns_by_index.items():
            raw = cells.get(col)
            if raw is None:
                continue
            if column.type == "bool" and not isinstance(raw, bool):
                raw = raw in (1, "có")
            values[column.code] = parse_indicator_value(column.spec, raw)
        typed[unit_ids[str(cells[1])]] = values
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("BEGIN IMMEDIATE")
    ids = list(typed)
    marks = ",".join("?" * len(ids))
    existing = {
        (uid, code): (pk, None if number is None else Decimal(repr(number)), boolean)
        for pk, uid, code, number, boolean in con.execute(
            "SELECT id, unit_id, indicator, number, boolean FROM assessments_indicatorvalue "
            f"WHERE period_id = ? AND family = ? AND is_current AND unit_id IN ({marks})",
            [period.pk, family, *ids])
    }
    current: dict[int, dict] = {uid: {} for uid in ids}
    for (uid, code), (_pk, number, boolean) in existing.items():
        current[uid][code] = bool(boolean) if number is None else number
    new, superseded, audit = [], [], []
    for uid, values in typed.items():
        before, after = {}, {}
        for code, value in values.items():
            old = existing.get((uid, code))
            is_bool = isinstance(value, bool)
            if old is not None and (old[2] == value if is_bool else old[1] == value):
                continue
            superseded.append(old[0] if old else None)
            new.append((period.pk, family, 1, "2026-01-01 00:00:00", None, "floor", uid, code,
                        None if is_bool else str(value), value if is_bool else None,
                        old[0] if old else None, "floor"))
            before[code] = None if old is None else str(old[1] if old[1] is not None else old[2])
            after[code] = str(value)
            current[uid][code] = value
        if after:
            audit.append(("2026-01-01 00:00:00", "values.record", "unit_period_values", str(uid), uid,
                          json.dumps(before), json.dumps(after), "floor"))
    superseded = [pk for pk in superseded if pk is not None]
    for start in range(0, len(superseded), 900):
        part = superseded[start : start + 900]
        con.execute(f"UPDATE assessments_indicatorvalue SET is_current = 0 WHERE id IN ({','.join('?' * len(part))})",
                    part)
    con.executemany(
        "INSERT INTO assessments_indicatorvalue (period_id, family, is_current, recorded_at, recorded_by_id, "
        "source, unit_id, indicator, number, boolean, supersedes_id, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", new)
    con.executemany(
        "INSERT INTO audit_auditrecord (at, action, object_type, object_id, unit_id, before, after, reason) "
        "VALUES (?,?,?,?,?,?,?,?)", audit)
    engine.evaluate_statuses(
        catalog, family,
        ((uid, engine.Context(key=keys.get(uid, ""), on_date=period.as_of), current[uid]) for uid in ids))
    con.commit()
    con.close()
    return len(new)
