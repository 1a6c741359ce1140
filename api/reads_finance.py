"""Read endpoints of the programme's money (finance app), through finance/queries.py with the
finance pages' access rules (finance/permissions.py): reference data for every signed-in role,
capital plans of the provinces of the user's units, as on the plans page; projects, disbursement
and debt only of the units the token's user may read. Amounts are integers of đồng; rates are percentages as decimal strings."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.db.models import Q
from django.http import Http404
from ninja import Path, Query, Router, Schema

from api.core import READ_ERRORS, PageMeta, PageNo, PageSize, paginate
from finance import queries
from finance.models import Programme, Source
from finance.permissions import project_for_user, readable_province_ids, readable_unit_ids
from finance.services import describe_line
from units.models import Unit

router = Router(tags=["finance"])
Year = Annotated[int | None, Query(ge=2000, le=2100, description="plan year (the newest with a plan by default)")]


class ComponentOut(Schema):
    code: str
    name: str
    illustrative: bool
    source: str


class ProgrammeOut(Schema):
    code: str
    name: str
    short_name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    source: str
    components: list[ComponentOut]


@router.get("/programmes", response={200: list[ProgrammeOut], **READ_ERRORS},
            summary="Chương trình và hợp phần",
            description="Các chương trình mục tiêu quốc gia (và vốn ngoài chương trình) với hợp phần, hiệu lực và "
                        "nguồn văn bản. Programmes with their components, validity and source.")
def list_programmes(request):
    programmes = list(Programme.objects.prefetch_related("components").order_by("valid_from", "code"))
    return [{"code": p.code, "name": p.name, "short_name": p.short_name, "valid_from": p.valid_from,
             "valid_to": p.valid_to, "source": p.source,
             "components": [{"code": c.code, "name": c.name, "illustrative": c.illustrative, "source": c.source}
                            for c in sorted(p.components.all(), key=lambda c: c.code)]}
            for p in programmes]


class SourceOut(Schema):
    code: str
    name: str
    capital_kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    position: int
    source: str


@router.get("/sources", response={200: list[SourceOut], **READ_ERRORS}, summary="Nguồn vốn",
            description="Nguồn vốn (ngân sách trung ương, địa phương, lồng ghép, tín dụng, doanh nghiệp, người "
                        "dân). Sources of capital, in the pages' order.")
def list_sources(request):
    return list(Source.objects.order_by("position", "code"))


class AdjustmentOut(Schema):
    amount_before: int | None
    amount_after: int
    decision_number: str
    decision_date: datetime.date
    reason: str


class PlanLineOut(Schema):
    id: int
    year: int
    province: str
    programme: str
    component: str | None
    source: str
    description: str
    amount: int
    decision_number: str
    decision_date: datetime.date
    illustrative: bool
    decisions: list[AdjustmentOut]


def _adjustment(a) -> dict:
    return {"amount_before": a.amount_before, "amount_after": a.amount_after, "decision_number": a.decision_number,
            "decision_date": a.decision_date, "reason": a.reason}


@router.get("/plans", response={200: list[PlanLineOut], **READ_ERRORS}, summary="Kế hoạch vốn",
            description="Kế hoạch vốn của tỉnh theo năm, chương trình, hợp phần, nguồn, với các quyết định giao và "
                        "điều chỉnh (như trang kế hoạch vốn). The capital plan lines of a year with every "
                        "decision that set or adjusted them.")
def list_plans(request, year: Year = None):
    return [{"id": line.pk, "year": line.year, "province": line.province.ref, "programme": line.programme.code,
             "component": line.component.code if line.component_id else None, "source": line.source.code,
             "description": describe_line(line), "amount": line.amount, "decision_number": line.decision_number,
             "decision_date": line.decision_date, "illustrative": line.illustrative,
             "decisions": [_adjustment(a) for a in line.adjustments.all()]}
            for line in queries.plan_lines(year=year, province_ids=readable_province_ids(request.user))]


class GroupOut(Schema):
    label: str
    plan: int
    allocated: int
    disbursed: int
    rate: str | None


class MonthOut(Schema):
    month: datetime.date
    cumulative: int
    plan: int


class CommuneMoney(Schema):
    unit: str
    name: str
    projects: int
    allocated: int
    disbursed: int
    rate: str | None
    debt: int
    priority: bool
    target_year: int | None


class SlowProjectOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    allocated: int
    disbursed: int
    rate: str | None


class SummaryOut(Schema):
    province: str
    year: int
    as_of: datetime.date
    illustrative: bool
    plan: int
    allocated: int
    disbursed: int
    rate: str | None
    rate_allocated: str | None
    debt: int
    by_programme: list[GroupOut]
    by_source: list[GroupOut]
    monthly: list[MonthOut]
    communes: list[CommuneMoney]
    slow_projects: list[SlowProjectOut]


def _rate(value) -> str | None:
    """A percentage with its one decimal, as the pages show it ("40.0")."""
    return None if value is None else str(value)


def _group(g) -> dict:
    return {"label": g.label, "plan": g.plan, "allocated": g.allocated, "disbursed": g.disbursed,
            "rate": _rate(g.rate)}


def _plan_year(request, year: int | None) -> tuple[int, Unit]:
    """The plan year asked for (or the newest) and the province of its plan, as the finance
    dashboard chooses them among the provinces the user may read; 404 when there is no plan."""
    pairs = queries.plan_years(readable_province_ids(request.user))
    chosen = [p for p in pairs if p[0] == year] if year is not None else pairs[:1]
    if not chosen:
        raise Http404
    return chosen[0][0], Unit.objects.get(pk=chosen[0][1])


@router.get("/summary", response={200: SummaryOut, **READ_ERRORS}, summary="Tình hình giải ngân của một năm",
            description="Kế hoạch, phân bổ, giải ngân lũy kế theo chương trình, nguồn, tháng và xã; công trình "
                        "giải ngân chậm; nợ đọng. Chỉ các xã trong phạm vi của token (như trang tài chính). The "
                        "finance dashboard of a plan year: plan, allocation and disbursement by programme, "
                        "source, month and commune, slow projects, debt; limited to the token's units.")
def summary(request, year: Year = None):
    year, province = _plan_year(request, year)
    s = queries.year_summary(province, year, unit_ids=readable_unit_ids(request.user))
    return {"province": province.ref, "year": s.year, "as_of": s.as_of, "illustrative": s.illustrative,
            "plan": s.plan, "allocated": s.allocated, "disbursed": s.disbursed, "rate": _rate(s.rate),
            "rate_allocated": _rate(s.rate_allocated), "debt": s.debt_total,
            "by_programme": [_group(g) for g in s.by_programme], "by_source": [_group(g) for g in s.by_source],
            "monthly": [{"month": m, "cumulative": c, "plan": p} for m, c, p in s.monthly],
            "communes": [{"unit": c.ref, "name": c.name, "projects": c.projects, "allocated": c.allocated,
                          "disbursed": c.disbursed, "rate": _rate(c.rate), "debt": c.debt,
                          "priority": c.priority, "target_year": c.target_year} for c in s.communes],
            "slow_projects": [{"id": p.pk, "code": p.code, "name": p.name, "unit": p.unit_ref,
                               "allocated": p.allocated, "disbursed": p.disbursed, "rate": _rate(p.rate)}
                              for p in s.slow_projects]}


class ProjectOut(Schema):
    id: int
    code: str
    unit: str
    name: str
    kind: str
    owner: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    total_investment: int
    criteria: list[str]
    illustrative: bool
    allocated: int
    disbursed: int


class ProjectPage(PageMeta):
    results: list[ProjectOut]


def _project(p) -> dict:
    return {"id": p.pk, "code": p.code, "unit": p.unit.ref, "name": p.name, "kind": p.kind, "owner": p.owner,
            "start_date": p.start_date, "end_date": p.end_date, "total_investment": p.total_investment,
            "criteria": [str(c) for c in p.criteria or []], "illustrative": p.illustrative,
            "allocated": p.allocated, "disbursed": p.disbursed}


@router.get("/projects", response={200: ProjectPage, **READ_ERRORS}, summary="Công trình, dự án",
            description="Công trình của các xã trong phạm vi của token, với vốn đã phân bổ và đã giải ngân; lọc "
                        "theo năm kế hoạch, xã, từ khóa. Projects of the token's units with their allocated and "
                        "disbursed totals, in the project list's order (commune name, code).")
def list_projects(request, year: Year = None, unit: str = "", q: Annotated[str, Query(max_length=200)] = "",
                  page: PageNo = 1, page_size: PageSize = 100):
    rows = queries.projects_for(year=year, unit_ids=readable_unit_ids(request.user))
    if unit:
        rows = rows.filter(unit__ref=unit)
    q = q.strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q))
    found, has_next, page, page_size, _after = paginate(rows, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": [_project(p) for p in found]}


class DisbursementOut(Schema):
    month: datetime.date
    cumulative: int
    amount: int


class AllocationOut(Schema):
    id: int
    plan_line: int
    description: str
    amount: int
    decision_number: str
    decision_date: datetime.date
    disbursed: int
    rate: str | None
    months: list[DisbursementOut]
    decisions: list[AdjustmentOut]


class DebtOut(Schema):
    id: int
    project: str
    unit: str
    amount: int
    repaid: int
    outstanding: int
    since: datetime.date
    note: str
    illustrative: bool


class ProjectDetail(ProjectOut):
    allocations: list[AllocationOut]
    debts: list[DebtOut]


def _debt(row) -> dict:
    d = row.debt
    return {"id": d.pk, "project": d.project.code, "unit": d.unit.ref, "amount": d.amount, "repaid": row.repaid,
            "outstanding": row.outstanding, "since": d.since, "note": d.note, "illustrative": d.illustrative}


@router.get("/projects/{project_id}", response={200: ProjectDetail, **READ_ERRORS},
            summary="Một công trình: phân bổ, giải ngân theo tháng, nợ đọng",
            description="Như trang công trình: các quyết định phân bổ, giải ngân lũy kế từng tháng và nợ đọng. "
                        "One project as its page shows it: allocations with their decisions, monthly "
                        "cumulative disbursement and debts.")
def get_project(request, project_id: Annotated[int, Path(ge=1, le=2**62)]):
    project = project_for_user(request.user, project_id)
    detail = queries.project_detail(project)
    project.allocated, project.disbursed = detail["allocated"], detail["disbursed"]
    return {**_project(project), "allocations": [
        {"id": r["allocation"].pk, "plan_line": r["allocation"].plan_line_id,
         "description": describe_line(r["allocation"].plan_line), "amount": r["allocation"].amount,
         "decision_number": r["allocation"].decision_number, "decision_date": r["allocation"].decision_date,
         "disbursed": r["disbursed"], "rate": _rate(r["rate"]),
         "months": [{"month": m.month, "cumulative": m.cumulative, "amount": m.amount} for m in r["months"]],
         "decisions": [_adjustment(a) for a in r["history"]]}
        for r in detail["rows"]], "debts": [_debt(r) for r in detail["debts"]]}


@router.get("/debts", response={200: list[DebtOut], **READ_ERRORS}, summary="Nợ đọng xây dựng cơ bản",
            description="Nợ đọng của các xã trong phạm vi của token, với số đã trả và còn nợ; `open=false` gồm cả "
                        "khoản đã trả hết. Construction debt of the token's units with repayments to date.")
def list_debts(request, unit: str = "", open: bool = True):  # noqa: A002 - the query parameter's name
    unit_ids = readable_unit_ids(request.user)
    if unit:
        wanted = list(Unit.objects.filter(ref=unit).values_list("pk", flat=True))
        unit_ids = [pk for pk in wanted if unit_ids is None or pk in unit_ids]
    return [_debt(r) for r in queries.debts(unit_ids=unit_ids, open_only=open)]
