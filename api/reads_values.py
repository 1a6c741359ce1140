"""Read endpoints of the indicator values (current and history) and the evaluations: every row
passes through accounts.access (filter_by_unit, commune_for_user) for the token's user."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from accounts.access import commune_for_user, filter_by_unit
from api.core import (
    READ_ERRORS,
    Cursor,
    PageMeta,
    PageNo,
    PageSize,
    as_json,
    decode_cursor,
    encode_cursor,
    etag_for,
    filtered,
    not_modified,
    page_size_of,
    paginate,
)
from assessments.models import Evaluation, IndicatorValue, Period
from assessments.queries import explained_results

router = Router(tags=["read"])


# --- indicator values ---------------------------------------------------------------------------

class ValueOut(Schema):
    unit: str
    period: str
    indicator: str
    value: str | bool | None
    recorded_at: datetime.datetime
    source: str


class ValuePage(PageMeta):
    results: list[ValueOut]


class HistoryOut(ValueOut):
    id: int
    is_current: bool
    supersedes: int | None
    recorded_by: str | None
    reason: str


class HistoryPage(PageMeta):
    results: list[HistoryOut]


def _value_rows(request, period: str, unit: str, indicator: str, current: bool):
    return filtered(filter_by_unit(request.user, IndicatorValue.objects.all()), is_current=current,
                    period__code=period, unit__ref=unit, indicator=indicator)


def _cached(request, response: HttpResponse, rows, *key):
    """ETag from the rows' count and highest id (values are only ever added: a correction is
    a new row), so an unchanged result is answered 304 without reading it."""
    summary = rows.order_by().aggregate(n=Count("pk"), top=Max("pk"))
    etag = etag_for(str(request.user.pk), summary["n"], summary["top"], *key)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return etag, not_modified(request, etag)


@router.get("/values", response={200: ValuePage, **READ_ERRORS}, summary="Giá trị chỉ tiêu hiện hành",
            description="Giá trị hiện hành theo đơn vị, kỳ, chỉ tiêu; có ETag; phân trang bằng `cursor` theo thứ "
                        "tự ổn định. Current values, with ETag/If-None-Match and keyset pagination "
                        "(`next_cursor`). Numbers are exact decimal strings; yes/no are booleans.")
def list_values(request, response: HttpResponse, period: str = "", unit: str = "", indicator: str = "",
                page: PageNo = 1, page_size: PageSize = 1000, cursor: Cursor = ""):
    rows = _value_rows(request, period, unit, indicator, current=True)
    after = decode_cursor(cursor) if cursor else None
    etag, fresh = _cached(request, response, rows, "values", period, unit, indicator, page, page_size, cursor)
    if fresh:
        return Status(304, None)
    rows = rows.order_by("pk").values_list("pk", "unit__ref", "period__code", "indicator", "number", "boolean",
                                           "recorded_at", "source")
    page_size = page_size_of(page_size)
    if after is not None:
        page = 1
        found = _raw(rows.filter(pk__gt=after)[:page_size + 1])
    else:
        page = max(page, 1)
        start = (page - 1) * page_size
        found = _raw(rows[start:start + page_size + 1])
    has_next = len(found) > page_size
    found = found[:page_size]
    # Built and encoded here from the database's own types, not through the ORM's converters and
    # the schema's per-row validation (a province period is ~8,600 rows: those cost ten times
    # the query). The shape is ValuePage's, which a test checks against the schema.
    moments: dict = {}
    numbers: dict = {}
    results = []
    for _pk, u, p, i, n, b, at, s in found:
        moment = moments.get(at)
        if moment is None:
            moment = moments[at] = _moment(at)
        if n is None:
            value = None if b is None else bool(b)
        else:
            value = numbers.get(n)
            if value is None:
                value = numbers[n] = _number(n)
        results.append({"unit": u, "period": p, "indicator": i, "value": value, "recorded_at": moment,
                        "source": s})
    body = {"page": page, "page_size": page_size, "has_next": has_next,
            "next_cursor": encode_cursor(found[-1][0]) if has_next else None, "results": results}
    return _json(body, response)


_QUANTUM = Decimal("0.0001")


def _raw(queryset) -> list[tuple]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _number(raw) -> str | None:
    """A stored number as the ORM would read it (4 decimals), as an exact decimal string."""
    value = raw if isinstance(raw, Decimal) else Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not value.is_finite():
        return None
    return as_json(value.quantize(_QUANTUM) if value.as_tuple().exponent < -4 else value)


def _moment(raw) -> str:
    if isinstance(raw, str):  # SQLite keeps UTC text
        raw = datetime.datetime.fromisoformat(raw)
    if raw.tzinfo is None:  # SQLite's own converter gives naive UTC
        raw = raw.replace(tzinfo=datetime.UTC)
    return raw.isoformat().replace("+00:00", "Z")


def _json(body, temporal: HttpResponse) -> HttpResponse:
    answer = HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                          content_type="application/json; charset=utf-8")
    for header in ("ETag", "Cache-Control"):
        if temporal.has_header(header):
            answer[header] = temporal[header]
    return answer


@router.get("/values/history", response={200: HistoryPage, **READ_ERRORS},
            summary="Lịch sử giá trị chỉ tiêu",
            description="Mọi giá trị đã ghi, kể cả giá trị đã được đính chính (ai, khi nào, lý do). "
                        "Every recorded value including corrected ones, with who, when and why; keyset "
                        "pagination by `cursor`.")
def list_history(request, response: HttpResponse, unit: str, period: str = "", indicator: str = "",
                 page: PageNo = 1, page_size: PageSize = 1000, cursor: Cursor = ""):
    rows = _value_rows(request, period, unit, indicator, current=False)
    if cursor:
        decode_cursor(cursor)
    etag, fresh = _cached(request, response, rows, "history", period, unit, indicator, page, page_size, cursor)
    if fresh:
        return Status(304, None)
    rows = rows.order_by("pk").values_list(
        "pk", "unit__ref", "period__code", "indicator", "number", "boolean", "recorded_at", "source",
        "is_current", "supersedes_id", "recorded_by__username", "reason")
    found, has_next, page, page_size, after = paginate(rows, page, page_size, cursor, key=lambda row: row[0])
    return {"page": page, "page_size": page_size, "has_next": has_next, "next_cursor": after, "results": [
        {"id": pk, "unit": u, "period": p, "indicator": i, "value": as_json(b if n is None else n),
         "recorded_at": at, "source": s, "is_current": cur, "supersedes": sup, "recorded_by": by,
         "reason": why}
        for pk, u, p, i, n, b, at, s, cur, sup, by, why in found]}


# --- evaluations ----------------------------------------------------------------------------------

class EvaluationOut(Schema):
    unit: str
    period: str
    criteria_set: str
    version: int
    computed_at: datetime.datetime
    criteria_met: int
    criteria_unmet: int
    criteria_missing: int
    criteria_total: int
    all_met: bool
    level_reached: str
    criteria_status: dict[str, str]


class EvaluationPage(PageMeta):
    results: list[EvaluationOut]


class ExplainedOut(EvaluationOut):
    explanation: dict[str, Any]


def _evaluation(e: Evaluation) -> dict:
    return {"unit": e.unit.ref, "period": e.period.code, "criteria_set": e.criteria_set.code,
            "version": e.version.number, "computed_at": e.computed_at, "criteria_met": e.criteria_met,
            "criteria_unmet": e.criteria_unmet, "criteria_missing": e.criteria_missing,
            "criteria_total": e.criteria_total, "all_met": e.all_met, "level_reached": e.level_reached,
            "criteria_status": e.criteria_status}


@router.get("/evaluations", response={200: EvaluationPage, **READ_ERRORS},
            summary="Kết quả đánh giá tiêu chí",
            description="Kết quả đã lưu theo đơn vị, kỳ, bộ tiêu chí; có ETag; phân trang bằng `cursor`. Stored "
                        "evaluations (statuses), with ETag/If-None-Match and keyset pagination.")
def list_evaluations(request, response: HttpResponse, period: str = "", unit: str = "", criteria_set: str = "",
                     page: PageNo = 1, page_size: PageSize = 500, cursor: Cursor = ""):
    rows = filtered(filter_by_unit(request.user, Evaluation.objects.all()), period__code=period, unit__ref=unit,
                    criteria_set__code=criteria_set)
    if cursor:
        decode_cursor(cursor)
    summary = rows.order_by().aggregate(n=Count("pk"), top=Max("computed_at"), last=Max("pk"))
    etag = etag_for(str(request.user.pk), summary["n"], summary["top"], summary["last"], period, unit,
                    criteria_set, page, page_size, cursor)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if not_modified(request, etag):
        return Status(304, None)
    rows = rows.select_related("unit", "period", "criteria_set", "version").defer("result").order_by("pk")
    found, has_next, page, page_size, after = paginate(rows, page, page_size, cursor)
    return {"page": page, "page_size": page_size, "has_next": has_next, "next_cursor": after,
            "results": [_evaluation(e) for e in found]}


@router.get("/evaluations/{unit_ref}/{period_code}", response={200: list[ExplainedOut], **READ_ERRORS},
            summary="Đánh giá của một xã, có giải thích",
            description="Mỗi bộ tiêu chí: trạng thái từng tiêu chí, chỉ tiêu, giá trị, ngưỡng và nguồn. "
                        "Each set's result with the explanation of every criterion and indicator.")
def explain(request, unit_ref: str, period_code: str):
    unit = commune_for_user(request.user, unit_ref)
    period = get_object_or_404(Period, code=period_code)
    evaluations = list(Evaluation.objects.filter(unit=unit, period=period)
                       .select_related("unit", "period", "criteria_set", "version")
                       .order_by("criteria_set__level_rank"))
    return [{**_evaluation(e), "explanation": result.to_dict()}
            for e, result in explained_results(unit, period, evaluations)]
