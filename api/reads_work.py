"""Read endpoints of the work on the gaps and the reporting cycle: recognitions, roadmap items,
reporting periods and submissions, scoped through accounts.access and reporting.access."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Path, Query, Router, Schema

from accounts.access import filter_by_unit
from api.core import READ_ERRORS, PageMeta, PageNo, PageSize, filtered, paginate
from assessments.models import Recognition
from planning.models import RoadmapIndicator, RoadmapItem
from reporting.access import can_read_province_reports, submission_for_user, submissions_q
from reporting.models import ReportingPeriod, Submission
from reporting.reporters import reporter_for_user
from reporting.services import is_on_time

router = Router(tags=["read"])


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


@router.get("/recognitions", response={200: list[RecognitionOut], **READ_ERRORS}, summary="Quyết định công nhận",
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


@router.get("/roadmap-items", response={200: RoadmapPage, **READ_ERRORS}, summary="Lộ trình khắc phục chỉ tiêu",
            description="Roadmap items for unmet indicators, by unit and status.")
def list_roadmap(request, unit: str = "", status: str = "", family: str = "", page: PageNo = 1,
                 page_size: PageSize = 500):
    rows = filtered(filter_by_unit(request.user, RoadmapItem.objects.select_related("unit", "helping_agency")),
                    unit__ref=unit, status=status, family=family).order_by("pk")
    found, has_next, page, page_size, after = paginate(rows, page, page_size)
    indicators: dict[int, list] = {}
    for ind in RoadmapIndicator.objects.filter(item_id__in=[i.pk for i in found]).order_by("item_id", "indicator"):
        indicators.setdefault(ind.item_id, []).append(ind)
    return {"page": page, "page_size": page_size, "has_next": has_next, "next_cursor": after, "results": [
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


@router.get("/reporting-periods", response={200: list[ReportingPeriodOut], **READ_ERRORS}, summary="Kỳ báo cáo",
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


@router.get("/submissions", response={200: list[SubmissionOut], **READ_ERRORS}, summary="Báo cáo đã nộp",
            description="Người xem toàn tỉnh thấy mọi báo cáo của tỉnh mình; người báo cáo (xã, huyện, sở) thấy báo "
                        "cáo của mình, như trang báo cáo. Province-wide readers see every submission of their "
                        "province; a reporter (commune, district, agency) its own, as on the reporting pages "
                        "(reporting.access).")
def list_submissions(request, period: Annotated[int | None, Query(ge=1, le=2**62)] = None, state: str = ""):
    rows = Submission.objects.select_related("unit", "organisation").order_by("pk")
    if not can_read_province_reports(request.user):
        reporter = reporter_for_user(request.user)
        rows = rows.filter(**reporter.filter()) if reporter is not None else rows.none()
    else:
        rows = rows.filter(submissions_q(request.user))
    if period:
        rows = rows.filter(period_id=period)
    if state:
        rows = rows.filter(state=state)
    return [{"id": s.pk, "period": s.period_id, "unit": s.unit.ref if s.unit_id else None,
             "organisation": s.organisation.code if s.organisation_id else None, "state": s.state,
             "submitted_at": s.submitted_at, "last_submitted_at": s.last_submitted_at,
             "decided_at": s.decided_at} for s in rows]


class EventOut(Schema):
    at: datetime.datetime
    user: str | None
    from_state: str
    to_state: str
    comment: str


class SubmissionDetail(SubmissionOut):
    sections: dict[str, str]
    return_comment: str
    on_time: bool | None
    events: list[EventOut]


@router.get("/submissions/{submission_id}", response={200: SubmissionDetail, **READ_ERRORS},
            summary="Một báo cáo đã nộp, với nội dung và lịch sử",
            description="Nội dung, trạng thái, đúng hạn và các lần chuyển trạng thái; đọc được bởi người báo cáo "
                        "và người xem toàn tỉnh, như trang báo cáo. One submission with its sections, timeliness "
                        "and state changes, for its reporter and province-wide readers (the page's rule).")
def get_submission(request, submission_id: Annotated[int, Path(ge=1, le=2**62)]):
    s = submission_for_user(request.user, submission_id)
    events = [{"at": e.at, "user": e.user.get_username() if e.user_id else None, "from_state": e.from_state,
               "to_state": e.to_state, "comment": e.comment}
              for e in s.events.select_related("user").order_by("at", "pk")]
    return {"id": s.pk, "period": s.period_id, "unit": s.unit.ref if s.unit_id else None,
            "organisation": s.organisation.code if s.organisation_id else None, "state": s.state,
            "submitted_at": s.submitted_at, "last_submitted_at": s.last_submitted_at,
            "decided_at": s.decided_at, "sections": {k: str(v) for k, v in (s.sections or {}).items()},
            "return_comment": s.return_comment, "on_time": is_on_time(s), "events": events}
