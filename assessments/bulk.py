"""Fast INSERT of many rows for the hot write paths (value imports, evaluations).

The ORM's bulk_create spends ~0.2 ms per row building model instances and compiling SQL, several
times the database's own work. Here each value is prepared by its field's own get_db_prep_save,
except values already of the type that call would return unchanged (an int for an integer
column, a str for a text one...), so every backend receives exactly what the ORM would send.
On PostgreSQL the rows go by COPY."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.operations import BaseDatabaseOperations

# Field classes whose get_db_prep_save returns a value of exactly this Python type unchanged
# (for DecimalField only where the backend keeps the base adapt_decimalfield_value, which is the
# identity: SQLite and PostgreSQL; checked below).
_PASSTHROUGH = (
    (models.BooleanField, bool),
    (models.DecimalField, Decimal),
    (models.CharField, str),
    (models.TextField, str),
    (models.IntegerField, int),
    (models.AutoField, int),
    (models.BigAutoField, int),
)


def _passthrough_type(field, connection) -> type | None:
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.DecimalField):
        adapter = type(connection.ops).adapt_decimalfield_value
        if adapter is not BaseDatabaseOperations.adapt_decimalfield_value:
            return None
    for field_class, python_type in _PASSTHROUGH:
        if isinstance(target, field_class):
            return python_type
    return None


def insert_rows(
    model,
    rows: Iterable[Sequence[Any]],
    columns: Sequence[str],
    constant: Mapping[str, Any] | None = None,
) -> None:
    """INSERT rows given as value sequences in `columns` order, plus `constant` attnames whose
    value is the same on every row. Every concrete field but the primary key must be given."""
    rows = list(rows)
    if not rows:
        return
    constant = dict(constant or {})
    connection = connections[router.db_for_write(model)]
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    names = list(constant) + list(columns)
    missing = set(fields) - set(names)
    if missing:
        raise ValueError(f"insert_rows({model.__name__}): no value for {sorted(missing)}")
    head = [fields[name].get_db_prep_save(value, connection) for name, value in constant.items()]
    row_fields = [(fields[name], _passthrough_type(fields[name], connection)) for name in columns]
    params = [
        head + [
            v if v is None or type(v) is kind else f.get_db_prep_save(v, connection)
            for (f, kind), v in zip(row_fields, row, strict=True)
        ]
        for row in rows
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    if connection.vendor == "postgresql":
        # COPY: one stream instead of a statement (and a round trip) per row; psycopg adapts
        # the same prepared values (Jsonb, Decimal, datetimes) as it does for INSERT.
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        # executemany, not one INSERT of many rows: as fast on SQLite for rows this narrow, and
        # with DEBUG on Django logs it without quoting every parameter through the database.
        cursor.executemany(f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})", params)


def update_by_pk(model, pks: Sequence[int], values: Mapping[str, Any]) -> None:
    """UPDATE the rows whose primary key is in `pks`, 900 keys per statement. The ORM's
    `filter(pk__in=...).update()` prepares every key through the lookup machinery, ~8 µs each:
    most of the cost for thousands of integer keys."""
    if not pks:
        return
    connection = connections[router.db_for_write(model)]
    fields = {f.attname: f for f in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(fields[name].column)} = %s" for name in values)
    prepared = [fields[name].get_db_prep_save(value, connection) for name, value in values.items()]
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    keys = [int(pk) for pk in pks]
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 900):  # within SQLite's default parameter limit
            part = keys[start : start + 900]
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE {pk_column} IN ({', '.join(['%s'] * len(part))})",
                [*prepared, *part],
            )


def current_values(unit_ids: Sequence[int], period_id: int, family: str) -> dict[int, dict[str, Any]]:
    """Unit id -> indicator -> current value (Decimal, bool or None) of the period, for
    evaluating many units: what IndicatorValue.objects...values_list() gives, read on
    PostgreSQL with one array parameter and no per-row converters (psycopg returns Decimal and
    bool; a stored non-finite number reads as no value, as ReadableDecimalField does)."""
    from assessments.models import IndicatorValue

    values: dict[int, dict[str, Any]] = {uid: {} for uid in unit_ids}
    connection = connections[router.db_for_read(IndicatorValue)]
    if connection.vendor != "postgresql":
        rows = IndicatorValue.objects.filter(
            unit_id__in=list(unit_ids), period_id=period_id, family=family, is_current=True
        ).order_by().values_list("unit_id", "indicator", "number", "boolean")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT unit_id, indicator, number, boolean FROM {IndicatorValue._meta.db_table} "
                "WHERE period_id = %s AND family = %s AND is_current AND unit_id = ANY(%s)",
                [period_id, family, list(unit_ids)],
            )
            rows = cursor.fetchall()
    for unit_id, code, number, boolean in rows:
        if number is not None and not number.is_finite():
            number = None
        values[unit_id][code] = boolean if number is None else number
    return values
