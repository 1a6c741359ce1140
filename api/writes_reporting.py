"""Write endpoints of the reporting cycle, through reporting.services with the reporting pages'
rules (reporting.access) and forms (the same text checks): a reporter submits, saves or
withdraws its own report; the province reviews (returns with a reason, accepts)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from accounts.access import require
from api.core import ERRORS, Error, ip_of, token_label
from api.idempotency import idempotent
from audit import channel as audit
from reporting import services as reporting
from reporting.access import can_review, reporter_for_period, submission_for_user
from reporting.forms import ReturnForm, SubmissionForm
from reporting.models import ReportingPeriod

router = Router(tags=["write"])
WRITE_ERRORS = {**ERRORS, 409: Error}
Id = Annotated[int, Path(ge=1, le=2**62)]


class SubmissionIn(Schema):
    sections: dict[str, Any] | None = None
    draft: bool = False

    model_config = {"json_schema_extra": {"examples": [
        {"sections": {"ket_qua": "Kết quả thực hiện trong tháng ...", "kho_khan": "Không",
                      "kien_nghi": "Không"}, "draft": False}]}}


class SubmissionDone(Schema):
    id: int
    period: int
    state: str
    submitted_at: datetime.datetime | None


class ReturnIn(Schema):
    comment: str = Field(..., max_length=20000)

    model_config = {"json_schema_extra": {"examples": [{"comment": "Bổ sung số liệu giải ngân quý."}]}}


class Decided(Schema):
    id: int
    period: int
    state: str
    decided_at: datetime.datetime | None
    return_comment: str


def _refused(exc: ValidationError):
    return HttpError(422, "; ".join(exc.messages))


def _done(submission) -> dict:
    return {"id": submission.pk, "period": submission.period_id, "state": submission.state,
            "submitted_at": submission.submitted_at.isoformat() if submission.submitted_at else None}


def _period(period_id: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("schedule"), pk=period_id)


def _sections(period: ReportingPeriod, given: dict | None) -> dict | None:
    """The sections checked by the page's form (length, control characters); unknown keys are
    ignored as on the page."""
    if given is None:
        return None
    form = SubmissionForm({k: "" if v is None else str(v) for k, v in given.items()}, schedule=period.schedule)
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{key}: {' '.join(errors)}" for key, errors in form.errors.items()))
    return form.sections()


@router.post("/reporting-periods/{period_id}/submissions/{reporter_key}", response={200: SubmissionDone,
                                                                                   **WRITE_ERRORS},
             summary="Nộp (hoặc lưu nháp) báo cáo của một kỳ",
             description="Người báo cáo là đơn vị hoặc cơ quan của token (`u<id>` hoặc `o<id>`), như trang báo "
                         "cáo; thời điểm nộp do máy chủ ghi. Submit (or save as draft) the token user's own "
                         "report, with the reporting page's rules. Idempotency-Key makes retries safe.")
def submit_report(request, period_id: Id, reporter_key: str, payload: SubmissionIn):
    period = _period(period_id)
    reporter = reporter_for_period(request.user, period, reporter_key)
    sections = _sections(period, payload.sections)

    def do():
        try:
            with audit.acting_through(token_label(request)):
                if payload.draft:
                    submission = reporting.save_draft(user=request.user, period=period, reporter=reporter,
                                                      sections=sections or {}, ip_address=ip_of(request))
                else:
                    submission = reporting.submit(user=request.user, period=period, reporter=reporter,
                                                  sections=sections, ip_address=ip_of(request))
        except ValidationError as exc:
            raise _refused(exc) from None
        return 200, _done(submission)

    return Status(*idempotent(request, payload.dict(), do))


@router.post("/reporting-periods/{period_id}/submissions/{reporter_key}/withdraw",
             response={200: SubmissionDone, **WRITE_ERRORS}, summary="Rút lại báo cáo đã nộp",
             description="Người báo cáo rút báo cáo đã nộp về bản nháp, đến hết hạn nộp và khi tỉnh chưa quyết "
                         "định. The reporter takes its submitted report back as a draft, until the due date "
                         "and while the province has not decided.")
def withdraw_report(request, period_id: Id, reporter_key: str):
    period = _period(period_id)
    reporter = reporter_for_period(request.user, period, reporter_key)

    def do():
        try:
            with audit.acting_through(token_label(request)):
                submission = reporting.withdraw(user=request.user, period=period, reporter=reporter,
                                                ip_address=ip_of(request))
        except ValidationError as exc:
            raise _refused(exc) from None
        return 200, _done(submission)

    return Status(*idempotent(request, {}, do))


def _decided(submission) -> dict:
    return {"id": submission.pk, "period": submission.period_id, "state": submission.state,
            "decided_at": submission.decided_at.isoformat() if submission.decided_at else None,
            "return_comment": submission.return_comment}


@router.post("/submissions/{submission_id}/return", response={200: Decided, **WRITE_ERRORS},
             summary="Trả lại báo cáo để bổ sung (kèm lý do)",
             description="Văn phòng điều phối tỉnh (quản trị, cán bộ tỉnh) trả lại báo cáo đã nộp, bắt buộc nêu lý "
                         "do, như trang xem báo cáo. The province office returns a submitted report with a "
                         "reason (required), with the review page's rules.")
def return_report(request, submission_id: Id, payload: ReturnIn):
    require(can_review(request.user))
    submission = submission_for_user(request.user, submission_id)
    form = ReturnForm({"comment": payload.comment})
    if not form.is_valid():
        if not payload.comment.strip():
            raise HttpError(422, _("Say why the report is returned."))
        raise HttpError(422, " ".join(form.errors.get("comment", [])))

    def do():
        try:
            with audit.acting_through(token_label(request)):
                done = reporting.return_submission(user=request.user, submission=submission,
                                                   comment=form.cleaned_data["comment"], ip_address=ip_of(request))
        except ValidationError as exc:
            raise _refused(exc) from None
        return 200, _decided(done)

    return Status(*idempotent(request, payload.dict(), do))


@router.post("/submissions/{submission_id}/accept", response={200: Decided, **WRITE_ERRORS},
             summary="Chấp nhận báo cáo đã nộp",
             description="Văn phòng điều phối tỉnh chấp nhận báo cáo đã nộp (trạng thái cuối). The province "
                         "office accepts a submitted report (final).")
def accept_report(request, submission_id: Id):
    require(can_review(request.user))
    submission = submission_for_user(request.user, submission_id)

    def do():
        try:
            with audit.acting_through(token_label(request)):
                done = reporting.accept_submission(user=request.user, submission=submission,
                                                   ip_address=ip_of(request))
        except ValidationError as exc:
            raise _refused(exc) from None
        return 200, _decided(done)

    return Status(*idempotent(request, {}, do))
