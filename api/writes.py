"""Write endpoints: values go through assessments.services.record_values (validation, history,
audit, evaluation in one transaction), with the same access checks as the entry form."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from accounts.access import commune_for_user
from api.core import Error, ip_of, token_label
from api.idempotency import idempotent
from assessments import services
from assessments.catalog import allowed_indicators, family_on
from assessments.models import Period
from audit import channel as audit

router = Router(tags=["write"])
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}


def machine_value(raw: Any) -> Any:
    """An API value as the service takes it: JSON numbers and dot-decimal strings become
    Decimals (never read with the Vietnamese grouping of the forms), "true"/"false" booleans;
    anything else is passed on for the service to refuse with its own message."""
    if isinstance(raw, bool) or raw is None:
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        try:
            value = Decimal(text)
        except InvalidOperation:
            return raw
        return value if value.is_finite() else raw
    return raw


class ValuesIn(Schema):
    values: dict[str, str | float | int | bool | None]
    source: str = ""
    reason: str = ""

    model_config = {"json_schema_extra": {"examples": [
        {"values": {"1.1": "92.5", "2.1": True}, "source": "Báo cáo của xã", "reason": ""}]}}


class ValuesOut(Schema):
    unit: str
    period: str
    created: int
    corrected: int
    unchanged: int
    criteria_met: int | None
    criteria_total: int | None


@router.post("/values/{unit_ref}/{period_code}", response={200: ValuesOut, **ERRORS},
             summary="Ghi một lô giá trị chỉ tiêu của một xã trong một kỳ",
             description="Tất cả hoặc không có gì: cùng kiểm tra, lịch sử, nhật ký và đánh giá lại như biểu "
                         "mẫu nhập liệu. Đính chính giá trị đã ghi cần `reason`. Gửi `Idempotency-Key` để "
                         "yêu cầu lặp lại chỉ ghi một lần. All or nothing, through the same service as "
                         "the form; a correction needs a reason; Idempotency-Key makes retries safe.")
def write_values(request, unit_ref: str, period_code: str, payload: ValuesIn):
    unit = commune_for_user(request.user, unit_ref, write=True)
    period = get_object_or_404(Period, code=period_code)

    def do():
        family = family_on(period.as_of)
        allowed = allowed_indicators(request.user, family) if family else None
        with audit.acting_through(token_label(request)):
            result = services.record_values(
                unit, period, {code: machine_value(v) for code, v in payload.values.items()},
                user=request.user, source=payload.source or token_label(request), reason=payload.reason,
                ip_address=ip_of(request), allowed_indicators=allowed)
        evaluation = result.evaluation
        return 200, {"unit": unit.ref, "period": period.code, "created": result.created,
                     "corrected": result.corrected, "unchanged": result.unchanged,
                     "criteria_met": evaluation.criteria_met if evaluation else None,
                     "criteria_total": evaluation.criteria_total if evaluation else None}

    return Status(*idempotent(request, payload.dict(), do))


class ItemChange(Schema):
    title: str | None = None
    target_date: datetime.date | None = None
    estimated_cost: int | None = Field(None, ge=0, le=10**15)
    funding_source: str | None = None
    status: str | None = None
    reason: str = ""

    model_config = {"json_schema_extra": {"examples": [{"status": "in_progress"}]}}


class ItemOut(Schema):
    id: int
    unit: str
    title: str
    target_date: datetime.date
    estimated_cost: int
    funding_source: str
    status: str


@router.patch("/roadmap-items/{item_id}", response={200: ItemOut, **ERRORS},
              summary="Cập nhật một mục lộ trình",
              description="Sửa tiêu đề, hạn, kinh phí, nguồn vốn hoặc trạng thái, qua cùng dịch vụ và quyền như "
                          "trang lộ trình (đóng \"done\" chỉ khi chỉ tiêu đã đạt; hủy cần lý do). Same service "
                          "and permission as the roadmap page.")
def update_roadmap_item(request, item_id: Annotated[int, Path(ge=1, le=2**62)], payload: ItemChange):
    from planning import queries as plans
    from planning import services as planning
    from planning.permissions import can_manage_item

    item = get_object_or_404(plans.items_queryset(), pk=item_id)
    commune_for_user(request.user, item.unit.ref)
    ctx = plans.current_context()
    plans.annotate_items([item], ctx)
    set_code = ctx.base_set.code if ctx is not None and ctx.base_set is not None else ""
    if not can_manage_item(request.user, item, set_code):
        raise PermissionDenied
    fields = {k: v for k, v in payload.dict().items()
              if k in ("title", "target_date", "estimated_cost", "funding_source") and v is not None}
    try:
        with transaction.atomic(), audit.acting_through(token_label(request)):
            if fields:
                item = planning.update_item(item, user=request.user, ip_address=ip_of(request), **fields)
            if payload.status:
                item = planning.set_item_status(item, payload.status, met=getattr(item, "met", False),
                                                reason=payload.reason, user=request.user,
                                                ip_address=ip_of(request))
    except (ValueError, ValidationError) as exc:
        raise HttpError(422, "; ".join(getattr(exc, "messages", None) or [str(exc)])) from None
    return {"id": item.pk, "unit": item.unit.ref, "title": item.title, "target_date": item.target_date,
            "estimated_cost": item.estimated_cost, "funding_source": item.funding_source, "status": item.status}
