"""Read endpoints: every row passes through accounts.access (visible_units, filter_by_unit,
commune_for_user, can_view_province) for the token's user, as on the pages."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Annotated, Any

from django.db import connection
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status

from accounts.access import commune_for_user, filter_by_unit, scope_for, visible_units
from api.core import MAX_PAGE_SIZE, Error, etag_for, not_modified, paginate
from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from assessments.queries import explained_results
from criteria.models import CriteriaSet, CriteriaSetVersion
from planning.models import RoadmapIndicator, RoadmapItem
from reporting.models import ReportingPeriod, Submission
from units.models import Unit, UnitLineage

router = Router(tags=["read"])
PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PageSize = Annotated[int, Query(ge=1, le=10_000, description="rows per page (at most 10,000)")]
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


def as_json(value) -> str | bool | None:
    """A stored value as the API gives it: numbers as exact decimal strings ("12.5")."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value


class PageMeta(Schema):
    page: int
    page_size: int
    has_next: bool


# --- units -------------------------------------------------------------------------------------

class UnitOut(Schema):
    ref: str
    code: str
    kind: str
    name: str
    parent: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    predecessors: list[str]
    successors: list[str]


class UnitPage(PageMeta):
    results: list[UnitOut]


def _units_out(units: list[Unit]) -> list[dict]:
    ids = [u.pk for u in units]
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    links = UnitLineage.objects.filter(Q(successor_id__in=ids) | Q(predecessor_id__in=ids)).values_list(
        "predecessor_id", "predecessor__ref", "successor_id", "successor__ref")
    for pred_id, pred_ref, succ_id, succ_ref in links:
        before.setdefault(succ_id, []).append(pred_ref)
        after.setdefault(pred_id, []).append(succ_ref)
    return [
        {"ref": u.ref, "code": u.code, "kind": u.kind, "name": u.name,
         "parent": u.parent.ref if u.parent_id else None, "valid_from": u.valid_from,
         "valid_to": u.valid_to, "predecessors": sorted(before.get(u.pk, [])),
         "successors": sorted(after.get(u.pk, []))}
        for u in units
    ]


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="Danh sách đơn vị hành chính",
            description="Đơn vị trong phạm vi của token, với ngày hiệu lực và quan hệ sáp nhập. "
                        "`valid_on=2025-06-30` cho bản đồ trước sáp nhập, `valid_on=2025-07-01` trở đi "
                        "cho bản đồ mới. Units the token may read, with validity dates and lineage.")
def list_units(request, kind: str = "", valid_on: datetime.date | None = None, parent: str = "",
               page: PageNo = 1, page_size: PageSize = 500):
    units = visible_units(request.user, Unit.objects.select_related("parent")).order_by("pk")
    if kind:
        units = units.filter(kind=kind)
    if valid_on:
        units = units.valid_on(valid_on)
    if parent:
        units = units.filter(parent__ref=parent)
    rows, has_next, page, page_size = paginate(units, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": _units_out(rows)}


@router.get("/units/{ref}", response={200: UnitOut, **ERRORS}, summary="Một đơn vị hành chính",
            description="Một đơn vị với tiền thân và kế thừa. One unit with its lineage.")
def get_unit(request, ref: str):
    unit = visible_units(request.user, Unit.objects.select_related("parent")).filter(ref=ref).first()
    if unit is None:
        if Unit.objects.filter(ref=ref).exists():
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied
        raise Http404
    return _units_out([unit])[0]


# --- criteria sets, periods ---------------------------------------------------------------------

class VersionOut(Schema):
    number: int
    sha256: str
    loaded_at: datetime.datetime
    current: bool


class CriteriaSetOut(Schema):
    code: str
    name: str
    family: str
    level_code: str
    level_name: str
    level_rank: int
    threshold_by: str
    illustrative: bool
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    versions: list[VersionOut]


class VersionContent(VersionOut):
    content: dict[str, Any]


@router.get("/criteria-sets", response={200: list[CriteriaSetOut], **ERRORS},
            summary="Bộ tiêu chí và các phiên bản", description="Every criteria set and its versions.")
def list_sets(request):
    sets = list(CriteriaSet.objects.all())
    versions: dict[int, list] = {}
    for v in CriteriaSetVersion.objects.order_by("criteria_set_id", "number").only(
            "pk", "criteria_set_id", "number", "sha256", "loaded_at"):
        versions.setdefault(v.criteria_set_id, []).append(v)
    return [
        {**{f: getattr(s, f) for f in ("code", "name", "family", "level_code", "level_name", "level_rank",
                                       "threshold_by", "illustrative", "valid_from", "valid_to")},
         "versions": [{"number": v.number, "sha256": v.sha256, "loaded_at": v.loaded_at,
                       "current": v.pk == s.current_version_id} for v in versions.get(s.pk, [])]}
        for s in sets
    ]


@router.get("/criteria-sets/{code}/versions/{number}", response={200: VersionContent, **ERRORS},
            summary="Nội dung một phiên bản bộ tiêu chí",
            description="The validated content of one version (what the engine evaluates with).")
def get_version(request, code: str, number: Annotated[int, Path(ge=1, le=2**31)]):
    v = get_object_or_404(CriteriaSetVersion.objects.select_related("criteria_set"),
                          criteria_set__code=code, number=number)
    return {"number": v.number, "sha256": v.sha256, "loaded_at": v.loaded_at,
            "current": v.criteria_set.current_version_id == v.pk, "content": v.content}


class PeriodOut(Schema):
    code: str
    kind: str
    name: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date


@router.get("/periods", response={200: list[PeriodOut], **ERRORS}, summary="Kỳ đánh giá",
            description="Assessment periods; values are as of `as_of`.")
def list_periods(request):
    return list(Period.objects.order_by("start", "code"))


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
    rows = filter_by_unit(request.user, IndicatorValue.objects.all())
    if current:
        rows = rows.filter(is_current=True)
    if period:
        rows = rows.filter(period__code=period)
    if unit:
        rows = rows.filter(unit__ref=unit)
    if indicator:
        rows = rows.filter(indicator=indicator)
    return rows


def _cached(request, response: HttpResponse, rows, *key):
    """ETag from the rows' count and highest id (values are only ever added: a correction is
    a new row), so an unchanged result is answered 304 without reading it."""
    summary = rows.order_by().aggregate(n=Count("pk"), top=Max("pk"))
    etag = etag_for(str(request.user.pk), summary["n"], summary["top"], *key)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return etag, not_modified(request, etag)


@router.get("/values", response={200: ValuePage, 304: None, **ERRORS}, summary="Giá trị chỉ tiêu hiện hành",
            description="Giá trị hiện hành theo đơn vị, kỳ, chỉ tiêu; có ETag. Current values, with "
                        "ETag/If-None-Match. Numbers are exact decimal strings; yes/no are booleans.")
def list_values(request, response: HttpResponse, period: str = "", unit: str = "", indicator: str = "",
                page: PageNo = 1, page_size: PageSize = 1000):
    rows = _value_rows(request, period, unit, indicator, current=True)
    etag, fresh = _cached(request, response, rows, "values", period, unit, indicator, page, page_size)
    if fresh:
        return Status(304, None)
    rows = rows.order_by("pk").values_list("unit__ref", "period__code", "indicator", "number", "boolean",
                                           "recorded_at", "source")
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    start = (page - 1) * page_size
    found = _raw(rows[start:start + page_size + 1])
    has_next = len(found) > page_size
    # Built and encoded here from the database's own types, not through the ORM's converters and
    # the schema's per-row validation (a province period is ~8,600 rows: those cost ten times
    # the query). The shape is ValuePage's, which a test checks against the schema.
    moments: dict = {}
    numbers: dict = {}
    results = []
    for u, p, i, n, b, at, s in found[:page_size]:
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
    body = {"page": page, "page_size": page_size, "has_next": has_next, "results": results}
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


@router.get("/values/history", response={200: HistoryPage, 304: None, **ERRORS},
            summary="Lịch sử giá trị chỉ tiêu",
            description="Mọi giá trị đã ghi, kể cả giá trị đã được đính chính (ai, khi nào, lý do). "
                        "Every recorded value including corrected ones, with who, when and why.")
def list_history(request, response: HttpResponse, unit: str, period: str = "", indicator: str = "",
                 page: PageNo = 1, page_size: PageSize = 1000):
    rows = _value_rows(request, period, unit, indicator, current=False)
    etag, fresh = _cached(request, response, rows, "history", period, unit, indicator, page, page_size)
    if fresh:
        return Status(304, None)
    rows = rows.order_by("pk").values_list(
        "pk", "unit__ref", "period__code", "indicator", "number", "boolean", "recorded_at", "source",
        "is_current", "supersedes_id", "recorded_by__username", "reason")
    found, has_next, page, page_size = paginate(rows, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": [
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


@router.get("/evaluations", response={200: EvaluationPage, 304: None, **ERRORS},
            summary="Kết quả đánh giá tiêu chí",
            description="Kết quả đã lưu theo đơn vị, kỳ, bộ tiêu chí. Stored evaluations (statuses).")
def list_evaluations(request, response: HttpResponse, period: str = "", unit: str = "", criteria_set: str = "",
                     page: PageNo = 1, page_size: PageSize = 500):
    rows = filter_by_unit(request.user, Evaluation.objects.all())
    if period:
        rows = rows.filter(period__code=period)
    if unit:
        rows = rows.filter(unit__ref=unit)
    if criteria_set:
        rows = rows.filter(criteria_set__code=criteria_set)
    summary = rows.order_by().aggregate(n=Count("pk"), top=Max("computed_at"))
    etag = etag_for(str(request.user.pk), summary["n"], summary["top"], period, unit, criteria_set, page, page_size)
    response["ETag"] = etag
    if not_modified(request, etag):
        return Status(304, None)
    rows = rows.select_related("unit", "period", "criteria_set", "version").defer("result").order_by("pk")
    found, has_next, page, page_size = paginate(rows, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next,
            "results": [_evaluation(e) for e in found]}


@router.get("/evaluations/{unit_ref}/{period_code}", response={200: list[ExplainedOut], **ERRORS},
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


# --- recognitions, roadmap items ------------------------------------------------------------------

class RecognitionOut(Schema):
    id: int
    unit: str
    level_code: str
    level_rank: int
    family: str
    decision_number: str
    decision_date: datetime.date
    issuer: str
    revoked: bool
    revocation_number: str | None
    revocation_date: datetime.date | None


@router.get("/recognitions", response={200: list[RecognitionOut], **ERRORS}, summary="Quyết định công nhận",
            description="Recognition decisions and their revocations.")
def list_recognitions(request, unit: str = "", level: str = ""):
    rows = filter_by_unit(request.user, Recognition.objects.select_related("unit", "revocation")).order_by("pk")
    if unit:
        rows = rows.filter(unit__ref=unit)
    if level:
        rows = rows.filter(level_code=level)
    out = []
    for r in rows:
        rev = getattr(r, "revocation", None)
        out.append({"id": r.pk, "unit": r.unit.ref, "level_code": r.level_code, "level_rank": r.level_rank,
                    "family": r.family, "decision_number": r.decision_number, "decision_date": r.decision_date,
                    "issuer": r.issuer, "revoked": rev is not None,
                    "revocation_number": rev.decision_number if rev else None,
                    "revocation_date": rev.decision_date if rev else None})
    return out


class RoadmapIndicatorOut(Schema):
    indicator: str
    criterion: str
    value_at_start: str
    target_value: str


class RoadmapItemOut(Schema):
    id: int
    unit: str
    family: str
    title: str
    target_date: datetime.date
    estimated_cost: int
    funding_source: str
    helping_agency: str | None
    status: str
    indicators: list[RoadmapIndicatorOut]


class RoadmapPage(PageMeta):
    results: list[RoadmapItemOut]


@router.get("/roadmap-items", response={200: RoadmapPage, **ERRORS}, summary="Lộ trình khắc phục chỉ tiêu",
            description="Roadmap items for unmet indicators, by unit and status.")
def list_roadmap(request, unit: str = "", status: str = "", family: str = "", page: PageNo = 1,
                 page_size: PageSize = 500):
    rows = filter_by_unit(request.user, RoadmapItem.objects.select_related("unit", "helping_agency")).order_by("pk")
    if unit:
        rows = rows.filter(unit__ref=unit)
    if status:
        rows = rows.filter(status=status)
    if family:
        rows = rows.filter(family=family)
    found, has_next, page, page_size = paginate(rows, page, page_size)
    indicators: dict[int, list] = {}
    for ind in RoadmapIndicator.objects.filter(item_id__in=[i.pk for i in found]).order_by("item_id", "indicator"):
        indicators.setdefault(ind.item_id, []).append(ind)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": [
        {"id": i.pk, "unit": i.unit.ref, "family": i.family, "title": i.title, "target_date": i.target_date,
         "estimated_cost": i.estimated_cost, "funding_source": i.funding_source,
         "helping_agency": i.helping_agency.code if i.helping_agency_id else None, "status": i.status,
         "indicators": indicators.get(i.pk, [])}
        for i in found]}


# --- reporting ------------------------------------------------------------------------------------

class ReportingPeriodOut(Schema):
    id: int
    schedule: str
    start: datetime.date
    end: datetime.date
    due_date: datetime.date
    lock_date: datetime.date


@router.get("/reporting-periods", response={200: list[ReportingPeriodOut], **ERRORS}, summary="Kỳ báo cáo",
            description="Reporting periods of the report schedules.")
def list_reporting_periods(request, schedule: str = "", year: Annotated[int | None, Query(ge=1900, le=2200)] = None):
    rows = ReportingPeriod.objects.select_related("schedule").order_by("schedule__code", "start")
    if schedule:
        rows = rows.filter(schedule__code=schedule)
    if year:
        rows = rows.filter(start__year=year)
    return [{"id": p.pk, "schedule": p.schedule.code, "start": p.start, "end": p.end, "due_date": p.due_date,
             "lock_date": p.lock_date} for p in rows]


class SubmissionOut(Schema):
    id: int
    period: int
    unit: str | None
    organisation: str | None
    state: str
    submitted_at: datetime.datetime | None
    last_submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None


@router.get("/submissions", response={200: list[SubmissionOut], **ERRORS}, summary="Báo cáo đã nộp",
            description="Submissions of the readable units (and of agencies for province-wide roles).")
def list_submissions(request, period: Annotated[int | None, Query(ge=1, le=2**62)] = None, state: str = ""):
    rows = Submission.objects.select_related("unit", "organisation").order_by("pk")
    scope = scope_for(request.user)
    if not scope.reads_all:
        rows = rows.filter(unit_id__in=scope.readable)
    if period:
        rows = rows.filter(period_id=period)
    if state:
        rows = rows.filter(state=state)
    return [{"id": s.pk, "period": s.period_id, "unit": s.unit.ref if s.unit_id else None,
             "organisation": s.organisation.code if s.organisation_id else None, "state": s.state,
             "submitted_at": s.submitted_at, "last_submitted_at": s.last_submitted_at,
             "decided_at": s.decided_at} for s in rows]
