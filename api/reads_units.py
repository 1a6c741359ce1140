"""Read endpoints of the reference data: units (both maps, lineage), criteria sets and their
versions, assessment periods. Units pass through accounts.access.visible_units."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from accounts.access import visible_units
from api.core import READ_ERRORS, Cursor, PageMeta, PageNo, PageSize, paginate
from assessments.models import Period
from criteria.models import CriteriaSet, CriteriaSetVersion
from units.models import Unit, UnitLineage

router = Router(tags=["read"])


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


@router.get("/units", response={200: UnitPage, **READ_ERRORS}, summary="Danh sách đơn vị hành chính",
            description="Đơn vị trong phạm vi của token, với ngày hiệu lực và quan hệ sáp nhập. "
                        "`valid_on=2025-06-30` cho bản đồ trước sáp nhập, `valid_on=2025-07-01` trở đi "
                        "cho bản đồ mới; phân trang bằng `cursor`. Units the token may read, with validity dates and "
                        "lineage; keyset pagination by `cursor`.")
def list_units(request, kind: str = "", valid_on: datetime.date | None = None, parent: str = "",
               page: PageNo = 1, page_size: PageSize = 500, cursor: Cursor = ""):
    units = visible_units(request.user, Unit.objects.select_related("parent")).order_by("pk")
    if kind:
        units = units.filter(kind=kind)
    if valid_on:
        units = units.valid_on(valid_on)
    if parent:
        units = units.filter(parent__ref=parent)
    rows, has_next, page, page_size, after = paginate(units, page, page_size, cursor)
    return {"page": page, "page_size": page_size, "has_next": has_next, "next_cursor": after,
            "results": _units_out(rows)}


@router.get("/units/{ref}", response={200: UnitOut, **READ_ERRORS}, summary="Một đơn vị hành chính",
            description="Một đơn vị với tiền thân và kế thừa. One unit with its lineage.")
def get_unit(request, ref: str):
    unit = visible_units(request.user, Unit.objects.select_related("parent")).filter(ref=ref).first()
    if unit is None:
        if Unit.objects.filter(ref=ref).exists():
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


@router.get("/criteria-sets", response={200: list[CriteriaSetOut], **READ_ERRORS},
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


@router.get("/criteria-sets/{code}/versions/{number}", response={200: VersionContent, **READ_ERRORS},
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


@router.get("/periods", response={200: list[PeriodOut], **READ_ERRORS}, summary="Kỳ đánh giá",
            description="Assessment periods; values are as of `as_of`.")
def list_periods(request):
    return list(Period.objects.order_by("start", "code"))
