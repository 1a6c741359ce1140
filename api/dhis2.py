"""DHIS2 `dataValueSets` JSON in and out: dataElement = indicator code, orgUnit = unit ref,
period = period code, each translated through ExchangeMapping when a partner id is set.
Imports go through record_values_many in one transaction: an unknown code or a refused value
anywhere writes nothing."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.access import can_edit_values, filter_by_unit
from api.core import Error, as_json, ip_of, token_label
from api.idempotency import idempotent
from api.models import ExchangeMapping
from api.writes import machine_value
from assessments import services
from assessments.catalog import allowed_indicators, family_on
from assessments.models import IndicatorValue, Period
from audit import channel as audit
from units.models import Unit

router = Router(tags=["DHIS2"])
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}


class DataValue(Schema):
    dataElement: str
    period: str
    orgUnit: str
    value: str | float | int | bool | None
    comment: str | None = None


class DataValueSet(Schema):
    dataValues: list[DataValue]

    model_config = {"json_schema_extra": {"examples": [{"dataValues": [
        {"dataElement": "1.1", "period": "2024", "orgUnit": "91000", "value": "92.5"}]}]}}


class ImportCount(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class Conflict(Schema):
    object: str
    value: str


class ImportSummary(Schema):
    status: str
    importCount: ImportCount
    conflicts: list[Conflict]


def _maps(system: str):
    """ours -> theirs and theirs -> ours, per kind (one query)."""
    out, back = defaultdict(dict), defaultdict(dict)
    for kind, ours, theirs in ExchangeMapping.objects.filter(system=system).values_list("kind", "ours", "theirs"):
        out[kind][ours] = theirs
        back[kind][theirs] = ours
    return out, back


@router.get("/dataValueSets", response={200: DataValueSet, 304: None, **ERRORS},
            summary="Xuất giá trị chỉ tiêu theo định dạng DHIS2 dataValueSets",
            description="Giá trị hiện hành của một kỳ cho các đơn vị token được xem. Current values of "
                        "one period in the DHIS2 dataValueSets JSON shape, ids mapped to the partner's.")
def export(request, period: str, orgUnit: str = "", system: str = "dhis2"):
    out, back = _maps(system)
    code = back["period"].get(period, period)
    found = get_object_or_404(Period, code=code)
    rows = filter_by_unit(request.user, IndicatorValue.objects.filter(period=found, is_current=True))
    if orgUnit:
        rows = rows.filter(unit__ref=back["unit"].get(orgUnit, orgUnit))
    rows = rows.order_by("unit__ref", "indicator").values_list("unit__ref", "indicator", "number", "boolean")
    theirs_period = out["period"].get(found.code, found.code)
    units, indicators = out["unit"], out["indicator"]
    return {"dataValues": [
        {"dataElement": indicators.get(i, i), "period": theirs_period, "orgUnit": units.get(u, u),
         "value": as_json(n) if n is not None else ("true" if b else "false")}
        for u, i, n, b in rows]}


@router.post("/dataValueSets", response={200: ImportSummary, 403: ImportSummary | Error, 409: Error,
                                         422: ImportSummary | Error, 401: Error, 429: Error},
             summary="Nhập giá trị chỉ tiêu từ DHIS2 dataValueSets",
             description="Tất cả hoặc không có gì qua cùng dịch vụ ghi giá trị. Mã không biết được liệt kê "
                         "trong `conflicts`. All or nothing through the values service; unknown codes are "
                         "listed in `conflicts`. `reason` is needed to correct recorded values.")
def import_(request, payload: DataValueSet, system: str = "dhis2", reason: str = "", dryRun: bool = False):
    _out, back = _maps(system)
    conflicts: list[dict] = []
    periods = {p.code: p for p in Period.objects.all()}
    refs = {back["unit"].get(v.orgUnit, v.orgUnit) for v in payload.dataValues}
    units = {u.ref: u for u in Unit.objects.filter(ref__in=refs)}
    batches: dict[str, dict[Unit, dict]] = defaultdict(lambda: defaultdict(dict))
    refused = set()
    for v in payload.dataValues:
        period = periods.get(back["period"].get(v.period, v.period))
        unit = units.get(back["unit"].get(v.orgUnit, v.orgUnit))
        if period is None:
            conflicts.append({"object": v.period, "value": _("unknown period")})
            continue
        if unit is None:
            conflicts.append({"object": v.orgUnit, "value": _("unknown organisation unit")})
            continue
        if not can_edit_values(request.user, unit):
            refused.add(unit.ref)
            continue
        code = back["indicator"].get(v.dataElement, v.dataElement)
        batches[period.code][unit][code] = machine_value(v.value)
    if refused:
        return Status(403, _summary("ERROR", 0, 0, [{"object": ref, "value": _("you may not change this unit")}
                                            for ref in sorted(refused)] + conflicts))
    if conflicts:
        return Status(422, _summary("ERROR", 0, 0, conflicts))

    def do():
        imported = updated = ignored = 0
        try:
            with transaction.atomic(), audit.acting_through(token_label(request)):
                for code, by_unit in batches.items():
                    period = periods[code]
                    family = family_on(period.as_of)
                    allowed = allowed_indicators(request.user, family) if family else None
                    results = services.record_values_many(
                        period, by_unit, user=request.user, source=f"DHIS2 ({token_label(request)})",
                        reason=reason, ip_address=ip_of(request), allowed_indicators=allowed)
                    for r in results.values():
                        imported += r.created
                        updated += r.corrected
                        ignored += r.unchanged
                if dryRun:
                    transaction.set_rollback(True)
        except services.ValuesRefused as exc:
            return 403, _summary("ERROR", 0, 0, [{"object": k, "value": str(m)} for k, m in exc.errors.items()])
        except services.BatchRejected as exc:
            return 422, _summary("ERROR", 0, 0, [{"object": k, "value": str(m)} for k, m in exc.errors.items()])
        return 200, _summary("SUCCESS", imported, updated, [], ignored)

    if dryRun:
        return Status(*do())
    return Status(*idempotent(request, {"payload": payload.dict(), "system": system, "reason": reason}, do))


def _summary(status, imported, updated, conflicts, ignored=0):
    return {"status": status, "importCount": {"imported": imported, "updated": updated, "ignored": ignored,
                                              "deleted": 0}, "conflicts": conflicts}


__all__ = ["router", "Http404", "PermissionDenied"]
