"""Official documents: the province's monthly NTM progress report and an agency's quarterly
report, as Word (.docx, layout of Nghị định 30/2020/NĐ-CP) and as Excel (the tables).

Every figure comes from dashboard.queries.province_dashboard for the assessment period that
contains the reporting period, so the documents show what the dashboard shows for it. The text
of the documents is Vietnamese, written directly (official documents are not translated).
Every text is written through config.text (stored control characters dropped; workbook text is
never a formula).
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import AgencyAssignment, Organisation
from assessments.models import Period
from assessments.queries import recognition_counts_for
from config.text import append_row
from dashboard.queries import Dashboard, province_dashboard
from reporting import docx_layout as layout
from reporting.docx_layout import DEMO_MARK, FONT, vn_number
from reporting.models import ReportingPeriod, Section, State, Submission
from reporting.queries import completeness
from reporting.reporters import key_of
from units.collation import sort_key
from units.models import UnitKind

SECTION_TITLES = OrderedDict([
    (Section.RESULTS.value, "Kết quả"),
    (Section.DIFFICULTIES.value, "Khó khăn, vướng mắc"),
    (Section.PROPOSALS.value, "Đề xuất, kiến nghị"),
])


def assessment_period_for(rperiod: ReportingPeriod) -> Period | None:
    """The assessment period whose values the report uses: the shortest one containing the end
    of the reporting period (a half-year before its year), else the latest one before it."""
    from assessments.periods import period_for_day

    return (
        period_for_day(rperiod.end)
        or Period.objects.filter(start__lte=rperiod.end).order_by("-as_of", "-start").first()
    )


def is_demo() -> bool:
    from assessments.demo import demo_present

    return bool(settings.NTM_DEMO) or demo_present()


def _avg(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class DistrictRow:
    name: str
    communes: int
    recognised: int
    meeting: int
    average_met: Decimal | None
    at_risk: int


@dataclass
class ProvinceReport:
    rperiod: ReportingPeriod
    period: Period | None
    board: Dashboard | None
    base_level: str = ""
    base_level_name: str = ""
    districts: list[DistrictRow] = field(default_factory=list)
    narrative: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    submitted: int = 0
    expected: int = 0
    on_time: int = 0
    demo: bool = False

    @property
    def by_district(self) -> bool:
        """Pre-reform periods are reported by district; today's map has no districts."""
        return _by_district(self)

    @property
    def province_name(self) -> str:
        return self.board.province.name if self.board and self.board.province else "Tỉnh"

    @property
    def summary(self) -> list[tuple[str, object]]:
        """(label, figure) of the dashboard's headline figures."""
        b = self.board
        if b is None:
            return []
        rows: list[tuple[str, object]] = [("Số xã trong Chương trình", b.communes),
                                          ("Số xã đã có kết quả đánh giá", b.evaluated)]
        for level, name in b.ctx.level_names.items():
            rows.append((f"Số xã được công nhận: {name}", b.recognised_by_level.get(level, 0)))
            rows.append((f"Số xã đạt theo số liệu: {name}", b.meeting_by_level.get(level, 0)))
        rows += [
            ("Số tiêu chí đạt bình quân/xã", b.average_met),
            ("Số tiêu chí đạt bình quân/xã đã được công nhận", b.average_met_recognised),
            ("Số xã đã công nhận có tiêu chí không đạt (nguy cơ)", len(b.at_risk)),
            ("Số xã đã công nhận thuộc diện xem xét thu hồi", b.revocable),
        ]
        if b.phase and b.phase.target_min_criteria:
            rows.append((f"Số xã dưới {b.phase.target_min_criteria} tiêu chí", b.below_floor))
        return rows


def _narrative(submissions) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {key: [] for key in SECTION_TITLES}
    for s in submissions:
        for key in SECTION_TITLES:
            text = (s.sections or {}).get(key, "").strip()
            if text:
                out[key].append((s.reporter_name, text))
    return out


def _reported(rperiod: ReportingPeriod, **filters):
    return (
        Submission.objects.filter(period=rperiod, state__in=[State.SUBMITTED, State.ACCEPTED], **filters)
        .select_related("unit", "organisation").order_by("unit__name", "organisation__name")
    )


def province_report(rperiod: ReportingPeriod) -> ProvinceReport:
    period = assessment_period_for(rperiod)
    board = province_dashboard(period) if period else None
    report = ProvinceReport(rperiod=rperiod, period=period, board=board, demo=is_demo())
    if board is not None and board.ctx.level_ranks:
        ranks = board.ctx.level_ranks
        report.base_level = min(ranks, key=ranks.get)
        report.base_level_name = board.ctx.level_names[report.base_level]
        base_rank = ranks[report.base_level]
        groups: OrderedDict[str, list] = OrderedDict()
        for s in sorted(board.statuses, key=lambda s: (sort_key(_district_name(s.unit)), s.unit.sort_name)):
            groups.setdefault(_district_name(s.unit), []).append(s)
        for name, statuses in groups.items():
            evaluated = [s for s in statuses if s.criteria_met is not None]
            report.districts.append(DistrictRow(
                name=name,
                communes=len(statuses),
                recognised=sum(1 for s in statuses if s.recognition and recognition_counts_for(
                    s.recognition, report.base_level, base_rank, board.ctx.family)),
                meeting=sum(1 for s in evaluated
                            if s.level_reached and ranks.get(s.level_reached, 0) >= base_rank),
                average_met=_avg([s.criteria_met for s in evaluated]),
                at_risk=sum(1 for s in evaluated if s.at_risk),
            ))
    c = completeness(rperiod)
    # The expected reporters' words only: the database may hold other provinces' submissions.
    expected = {row.reporter.key for row in c.rows}
    report.narrative = _narrative(s for s in _reported(rperiod) if key_of(s) in expected)
    report.expected, report.submitted, report.on_time = c.expected, c.submitted, c.on_time
    return report


def _by_district(report) -> bool:
    return any(s.unit.parent is not None and s.unit.parent.kind == UnitKind.DISTRICT
               for s in (report.board.statuses if report.board else []))


def _district_name(unit) -> str:
    parent = unit.parent
    if parent is not None and parent.kind == UnitKind.DISTRICT:
        return parent.name
    return "Các xã (bản đồ sau sắp xếp)"


@dataclass
class AgencyReport:
    rperiod: ReportingPeriod
    organisation: Organisation
    period: Period | None
    board: Dashboard | None
    rates: list = field(default_factory=list)
    narrative: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    demo: bool = False


def agency_report(rperiod: ReportingPeriod, organisation: Organisation) -> AgencyReport:
    period = assessment_period_for(rperiod)
    board = province_dashboard(period) if period else None
    report = AgencyReport(rperiod, organisation, period, board, demo=is_demo())
    if board is not None and board.ctx.base_set is not None:
        codes = set(AgencyAssignment.objects.filter(
            organisation=organisation, criteria_set_code=board.ctx.base_set.code
        ).values_list("criterion_code", flat=True))
        report.rates = [r for r in board.rates if r.code in codes]
    report.narrative = _narrative(_reported(rperiod, organisation=organisation))
    return report


# --- Word ----------------------------------------------------------------------------------------


def district_table(report: ProvinceReport) -> tuple[list[str], list[list], list]:
    headers = ["Huyện" if report.by_district else "Đơn vị", "Số xã", f"Đã công nhận {report.base_level_name}",
               f"Đạt {report.base_level_name} theo số liệu", "Bình quân tiêu chí đạt/xã",
               "Đã công nhận, có tiêu chí không đạt"]
    rows = [[r.name, r.communes, r.recognised, r.meeting, r.average_met, r.at_risk] for r in report.districts]
    b = report.board
    total = ["Toàn tỉnh", b.communes, b.recognised_by_level.get(report.base_level, 0),
             b.meeting_by_level.get(report.base_level, 0), b.average_met, len(b.at_risk)] if b else None
    return headers, rows, total


def plan_table(report: ProvinceReport) -> tuple[list[str], list[list]]:
    headers = ["Mức độ", "Năm", "Kế hoạch (xã)", "Đã công nhận (xã)", "Tỷ lệ so với kế hoạch (%)"]
    rows = [[p.level_name, str(p.year), p.target, p.actual, p.percent] for p in (report.board.plan if report.board else [])]
    return headers, rows


def province_docx(rperiod: ReportingPeriod, report: ProvinceReport | None = None, day=None) -> bytes:
    from docx import Document

    report = report or province_report(rperiod)
    day = day or timezone.localdate()
    document = Document()
    layout.setup(document)
    body, place = layout.issuer(report.province_name)
    layout.header(document, superior="", body=body, number="Số: …/BC-UBND", place=place, day=day)
    month = f"tháng {rperiod.start.month:02d} năm {rperiod.start.year}"
    layout.title(document, f"Tiến độ thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới {month}",
           report.demo)
    b = report.board
    if b is None or report.period is None:
        layout.para(document, "Chưa có số liệu đánh giá cho kỳ báo cáo này.", indent=True)
    else:
        set_name = b.ctx.base_set.name if b.ctx.base_set else ""
        version = b.ctx.base_set.current_version.number if b.ctx.base_set else ""
        layout.para(document, (
            f"Ủy ban nhân dân tỉnh {place} báo cáo tiến độ thực hiện "
            f"Chương trình mục tiêu quốc gia xây dựng nông thôn mới {month}; số liệu đánh giá đến ngày "
            f"{report.period.as_of:%d/%m/%Y} ({report.period.name}), theo bộ tiêu chí “{set_name}” "
            f"(phiên bản {version}), như sau:"), indent=True)
        layout.para(document, "I. KẾT QUẢ THỰC HIỆN", bold=True)
        layout.para(document, "1. Tổng hợp chung", bold=True)
        layout.table(document, ["Nội dung", "Số liệu"], [[label, value] for label, value in report.summary])
        layout.para(document, "2. Kết quả theo huyện" if report.by_district else
              "2. Kết quả các xã (từ 01/07/2025 không còn cấp huyện)", bold=True)
        headers, rows, total = district_table(report)
        layout.table(document, headers, rows, total=total)
        layout.para(document, "3. So sánh với kế hoạch giai đoạn", bold=True)
        headers, rows = plan_table(report)
        if rows:
            layout.table(document, headers, rows)
        else:
            layout.para(document, "Chưa có kế hoạch giai đoạn.", italic=True, indent=True)
        layout.para(document, "4. Kết quả do các đơn vị báo cáo", bold=True)
        layout.narrative_block(document, report.narrative.get(Section.RESULTS, []))
    finance_docx_section(document, rperiod)
    layout.para(document, "II. KHÓ KHĂN, VƯỚNG MẮC", bold=True)
    layout.narrative_block(document, report.narrative.get(Section.DIFFICULTIES, []))
    layout.para(document, "III. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    layout.narrative_block(document, report.narrative.get(Section.PROPOSALS, []))
    layout.para(document, (
        f"Tình hình nộp báo cáo kỳ {rperiod.label}: {report.submitted}/{report.expected} đơn vị đã nộp, "
        f"{report.on_time} đơn vị nộp đúng hạn (hạn {rperiod.due_date:%d/%m/%Y})."), italic=True, indent=True)
    layout.para(document, f"Trên đây là báo cáo tiến độ thực hiện Chương trình {month} của Ủy ban nhân dân "
                    f"tỉnh {place}./.", indent=True)
    layout.closing(document, [
        "- Ban Chỉ đạo Trung ương các CTMTQG (b/c);",
        "- Bộ Nông nghiệp và Môi trường (b/c);",
        "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);",
        "- Chủ tịch, các PCT UBND tỉnh;",
        "- Các sở, ban, ngành thành viên BCĐ tỉnh;",
        "- Lưu: VT, VPĐP NTM.",
    ], ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    return layout.save(document)


def rate_table(report: AgencyReport) -> tuple[list[str], list[list]]:
    headers = ["Tiêu chí", "Số xã đạt", "Số xã chưa đạt", "Chưa có số liệu", "Số xã đánh giá", "Tỷ lệ đạt (%)"]
    rows = [[f"{r.code}. {r.name}", r.met, r.unmet, r.missing, r.total, r.percent] for r in report.rates]
    return headers, rows


def agency_docx(rperiod: ReportingPeriod, organisation: Organisation, report: AgencyReport | None = None,
                day=None) -> bytes:
    from docx import Document

    report = report or agency_report(rperiod, organisation)
    day = day or timezone.localdate()
    document = Document()
    layout.setup(document)
    province = report.board.province.name if report.board and report.board.province else "Tỉnh"
    superior, place = layout.issuer(province)
    layout.header(document, superior=superior, body=organisation.name.upper(), number="Số: …/BC", place=place, day=day)
    quarter = f"quý {(rperiod.start.month - 1) // 3 + 1} năm {rperiod.start.year}"
    layout.title(document, f"Kết quả thực hiện các tiêu chí nông thôn mới được phân công {quarter}", report.demo)
    if report.period is not None:
        layout.para(document, (
            f"{organisation.name} báo cáo kết quả thực hiện các tiêu chí được phân công phụ trách trên "
            f"địa bàn các xã; số liệu đánh giá đến ngày {report.period.as_of:%d/%m/%Y}, như sau:"), indent=True)
    layout.para(document, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    layout.para(document, "1. Tỷ lệ xã đạt các tiêu chí được phân công", bold=True)
    headers, rows = rate_table(report)
    if rows:
        layout.table(document, headers, rows)
    else:
        layout.para(document, "Cơ quan chưa được phân công tiêu chí của bộ tiêu chí đang áp dụng.", italic=True,
              indent=True)
    layout.para(document, "2. Kết quả khác", bold=True)
    layout.narrative_block(document, report.narrative.get(Section.RESULTS, []))
    layout.para(document, "II. KHÓ KHĂN, VƯỚNG MẮC", bold=True)
    layout.narrative_block(document, report.narrative.get(Section.DIFFICULTIES, []))
    layout.para(document, "III. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    layout.narrative_block(document, report.narrative.get(Section.PROPOSALS, []))
    layout.closing(document, ["- UBND tỉnh (b/c);", "- Văn phòng Điều phối NTM tỉnh;", "- Lưu: VT."],
             ["GIÁM ĐỐC"])
    return layout.save(document)


# --- Excel ---------------------------------------------------------------------------------------


def _sheet(workbook, title: str, caption: str, headers: list[str], rows: list[list], demo: bool):
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    append_row(sheet, [caption + (f" {DEMO_MARK}" if demo else "")])
    sheet["A1"].font = Font(name=FONT, bold=True, size=13)
    append_row(sheet, headers)
    for cell in sheet[2]:
        cell.font = Font(name=FONT, bold=True)
    for row in rows:
        append_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.column_dimensions["A"].width = 48
    return sheet


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def province_xlsx(rperiod: ReportingPeriod, report: ProvinceReport | None = None) -> bytes:
    from openpyxl import Workbook

    report = report or province_report(rperiod)
    workbook = Workbook()
    workbook.remove(workbook.active)
    caption = f"Báo cáo tiến độ NTM {rperiod.label}"
    _sheet(workbook, "Tổng hợp", caption, ["Nội dung", "Số liệu"],
           [[label, value] for label, value in report.summary], report.demo)
    if report.board is not None:
        headers, rows, total = district_table(report)
        _sheet(workbook, "Theo huyện" if report.by_district else "Các xã", caption, headers, rows + [total],
               report.demo)
        headers, rows = plan_table(report)
        _sheet(workbook, "Kế hoạch giai đoạn", caption, headers, rows, report.demo)
    finance_sheets(workbook, rperiod, caption, report.demo)
    return _workbook_bytes(workbook)


def agency_xlsx(rperiod: ReportingPeriod, organisation: Organisation, report: AgencyReport | None = None) -> bytes:
    from openpyxl import Workbook

    report = report or agency_report(rperiod, organisation)
    workbook = Workbook()
    workbook.remove(workbook.active)
    headers, rows = rate_table(report)
    _sheet(workbook, "Tiêu chí", f"{organisation.name} — {rperiod.label}", headers, rows, report.demo)
    return _workbook_bytes(workbook)


# --- Finance: capital, disbursement and construction debt (finance app, issue 12) ------------------
# The figures come from finance.queries.year_summary, the function the finance dashboard shows.


def finance_summary(rperiod: ReportingPeriod):
    """The finance dashboard's figures for the plan year of the reporting period, counted up to its
    last day; None when the year has no capital plan of the deployment's province (on either
    map: a database may hold the plans of other provinces)."""
    from django.conf import settings

    from finance import queries
    from units.models import Unit, UnitKind

    year = rperiod.start.year
    refs = [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]
    ours = Unit.objects.filter(kind=UnitKind.PROVINCE, ref__in=refs).values("pk") if refs else None
    pairs = [p for p in queries.plan_years(ours) if p[0] == year]
    if not pairs:
        return None
    return queries.year_summary(Unit.objects.get(pk=pairs[0][1]), year, day=rperiod.end)


def disbursement_table(summary) -> tuple[list[str], list[list]]:
    headers = ["Chương trình / nguồn vốn", "Kế hoạch vốn (đồng)", "Đã phân bổ (đồng)", "Đã giải ngân (đồng)",
               "Tỷ lệ giải ngân so với kế hoạch (%)"]
    rows = [[g.label, g.plan, g.allocated, g.disbursed, g.rate] for g in summary.by_programme]
    rows += [[f"Nội dung: {g.label}", g.plan, g.allocated, g.disbursed, g.rate] for g in summary.by_component]
    rows += [[f"Nguồn: {g.label}", g.plan, g.allocated, g.disbursed, g.rate] for g in summary.by_source]
    rows.append(["Tổng cộng", summary.plan, summary.allocated, summary.disbursed, summary.rate])
    return headers, rows


def debt_table(summary) -> tuple[list[str], list[list]]:
    headers = ["Xã", "Công trình", "Nợ từ ngày", "Số nợ (đồng)", "Đã trả (đồng)", "Còn nợ (đồng)"]
    rows = [[r.debt.unit.name, r.debt.project.name, f"{r.debt.since:%d/%m/%Y}", r.debt.amount, r.repaid,
             r.outstanding] for r in summary.debts]
    return headers, rows


def _finance_lines(summary) -> list[str]:
    from finance.money import dong, percent

    deadlines = "; ".join(
        f"{'vốn đầu tư phát triển' if d.kind == 'investment' else 'vốn sự nghiệp'} đến {d.day:%d/%m/%Y}"
        for d in summary.deadlines)
    return [
        f"Kế hoạch vốn năm {summary.year}: {dong(summary.plan)}; đã phân bổ {dong(summary.allocated)}; "
        f"giải ngân đến ngày {summary.as_of:%d/%m/%Y}: {dong(summary.disbursed)}, đạt {percent(summary.rate)} "
        f"kế hoạch. Thời hạn giải ngân: {deadlines}.",
        f"Vốn phân bổ cho các xã có kế hoạch đạt chuẩn trong giai đoạn: {dong(summary.priority_allocated)} "
        f"({percent(summary.priority_share)}); {summary.projects} công trình, bình quân "
        f"{dong(summary.average_project)}/công trình.",
        f"Nợ đọng xây dựng cơ bản còn lại: {dong(summary.debt_total)} ({len(summary.debts)} khoản).",
    ]


def _money_cells(rows: list[list]) -> list[list]:
    from finance.money import dong

    return [[dong(v) if isinstance(v, int) and not isinstance(v, bool) and i else v
             for i, v in enumerate(row)] for row in rows]


def finance_docx_section(document, rperiod: ReportingPeriod) -> None:
    summary = finance_summary(rperiod)
    layout.para(document, "5. Vốn, giải ngân và nợ đọng xây dựng cơ bản", bold=True)
    if summary is None:
        layout.para(document, "Chưa có kế hoạch vốn của năm.", italic=True, indent=True)
        return
    for line in _finance_lines(summary):
        layout.para(document, line, indent=True)
    headers, rows = disbursement_table(summary)
    layout.table(document, headers, [[r[0], *_money_cells([r])[0][1:4], vn_number(r[4])] for r in rows])
    headers, rows = debt_table(summary)
    if rows:
        layout.table(document, headers, _money_cells(rows))


def finance_sheets(workbook, rperiod: ReportingPeriod, caption: str, demo: bool) -> None:
    summary = finance_summary(rperiod)
    if summary is None:
        return
    headers, rows = disbursement_table(summary)
    _sheet(workbook, "Giải ngân", caption, headers, rows, demo or summary.illustrative)
    headers, rows = debt_table(summary)
    _sheet(workbook, "Nợ đọng XDCB", caption, headers, rows, demo or summary.illustrative)
