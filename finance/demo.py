"""Illustrative (minh họa) money for the demo: capital plans, projects, allocations, monthly
disbursement and a few construction debts, for old Lào Cai 2021-2025 (province "10", districts)
and new Lào Cai 2026 (today's map). Seeded, generated with the services, every row marked
illustrative. Consistent with the roadmaps: a commune's open roadmap items of the period become
its projects, at their estimated cost. None of these figures is official."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import transaction

from finance import services
from finance.models import Component, PlanLine, Programme, ProjectKind, Source

SEED = 2026
MILLION = 1_000_000
NOTE = "dữ liệu minh họa"

# Roadmap funding source -> (programme of 2021-2025, component) ; 2026 uses the merged programme.
PROGRAMME_2021 = {"ntm": ("ntm-2021", "ha-tang"), "poverty": ("giam-ngheo-2021", "ha-tang"),
                  "ethnic": ("dtts-2021", "ha-tang"), "local": ("ntm-2021", "ha-tang"),
                  "integrated": ("ngoai-ct", None), "people": ("ngoai-ct", None), "other": ("ngoai-ct", None)}
PROGRAMME_2026 = {"ntm": ("mtqg-2026", "ha-tang"), "poverty": ("mtqg-2026", "giam-ngheo"),
                  "ethnic": ("mtqg-2026", "ha-tang"), "local": ("mtqg-2026", "ha-tang"),
                  "integrated": ("ngoai-ct", None), "people": ("ngoai-ct", None), "other": ("ngoai-ct", None)}
MAIN_SOURCE = {"integrated": "long-ghep", "people": "dan-gop", "other": "doanh-nghiep", "local": "nsdp-tinh"}
KIND_WORDS = [
    (ProjectKind.ROAD, "Đường giao thông thôn"), (ProjectKind.IRRIGATION, "Kênh mương nội đồng"),
    (ProjectKind.CULTURE, "Nhà văn hóa thôn"), (ProjectKind.SCHOOL, "Phòng học trường tiểu học"),
    (ProjectKind.WATER, "Công trình nước sinh hoạt"), (ProjectKind.HEALTH, "Trạm y tế xã"),
    (ProjectKind.PRODUCTION, "Hỗ trợ phát triển sản xuất"), (ProjectKind.ENVIRONMENT, "Điểm thu gom rác"),
]
VILLAGES = ["Nà Lốc", "Sín Chải", "Cốc Ly", "Bản Mế", "Pha Long", "Tả Van", "Lùng Phình", "Nậm Lúc"]


def _round_million(value: float) -> int:
    return max(int(value // MILLION) * MILLION, MILLION)


def _units(year: int):
    from assessments.queries import programme_communes, province_on

    day = datetime.date(year, 6, 30) if year <= 2025 else datetime.date(year, 7, 1)
    province = province_on(day)
    if province is None:
        return None, []
    return province, list(programme_communes(day, province).order_by("code"))


def _priority_targets_2021(units) -> int:
    """Old communes recognised in 2021-2025 without a planned year get that year as their target
    (minh họa), so the 2021-2025 priority share has something to measure."""
    from assessments.models import Recognition
    from planning.models import CommuneTarget
    from planning.services import set_commune_target

    have = set(CommuneTarget.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    firsts = {}
    for unit_id, day in (Recognition.objects.filter(unit__in=units, decision_date__year__gte=2021,
                                                    decision_date__year__lte=2025)
                         .order_by("decision_date").values_list("unit_id", "decision_date")):
        firsts.setdefault(unit_id, day.year)
    by_id = {u.pk: u for u in units}
    n = 0
    for unit_id, year in firsts.items():
        if unit_id not in have:
            set_commune_target(by_id[unit_id], "ntm", year, note="minh họa: năm được công nhận")
            n += 1
    return n


def _monthly_shape(month_index: int, months: int) -> float:
    """Share of the final disbursement reached after month_index of months (slow start, S-curve)."""
    x = month_index / months
    return x * x * (3 - 2 * x)


@transaction.atomic
def ensure_demo_finance(seed: int = SEED, today: datetime.date | None = None) -> dict:
    """Generate the demo money once (does nothing when illustrative plans exist)."""
    from finance.queries import today as _today
    from planning.models import ItemStatus, RoadmapItem

    if PlanLine.objects.filter(illustrative=True).exists():
        return {"skipped": True}
    services.sync_reference()
    today = today or _today()
    rng = random.Random(seed)
    programmes = {p.code: p for p in Programme.objects.all()}
    components = {(c.programme.code, c.code): c for c in Component.objects.select_related("programme")}
    sources = {s.code: s for s in Source.objects.all()}
    figures = {}
    for year in (2021, 2022, 2023, 2024, 2025, 2026):
        if datetime.date(year, 1, 1) > today:
            continue
        province, units = _units(year)
        if not units:
            continue
        if year == 2021:
            figures["targets_set_2021_2025"] = _priority_targets_2021(units)
        mapping = PROGRAMME_2021 if year <= 2025 else PROGRAMME_2026
        local_source = "nsdp-huyen" if year <= 2024 else "nsdp-xa"
        items_by_unit = defaultdict(list)
        if year in (2025, 2026):
            family = "ntm-xa-2021" if year == 2025 else "ntm-xa-2026"
            for item in (RoadmapItem.objects.filter(unit__in=units, illustrative=True, family=family,
                                                    status__in=[ItemStatus.OPEN, ItemStatus.IN_PROGRESS])
                         .order_by("unit_id", "pk")):
                items_by_unit[item.unit_id].append(item)
        specs, plans = [], []  # plans: per project, [(funding, source code, amount)]
        for unit in units:
            items = items_by_unit.get(unit.pk, [])
            if items:
                # Priority communes: their roadmap items, a share of them funded this year.
                chosen = [i for i in items if rng.random() < 0.45][:3] or items[:1]
                drafts = [(i.title.split(":")[0], i.estimated_cost, i.funding_source, i.pk) for i in chosen]
            elif rng.random() < (0.55 if year <= 2024 else 0.25):
                n = rng.choice([1, 1, 2])
                drafts = [(None, rng.randrange(6, 40) * 100 * MILLION, rng.choice(
                    ["ntm", "ntm", "ntm", "poverty", "ethnic", "integrated"]), None) for _ in range(n)]
            else:
                continue
            for title, cost, funding, item_id in drafts:
                kind, words = rng.choice(KIND_WORDS)
                name = f"{words} {rng.choice(VILLAGES)}, {unit.name}"
                if title:
                    name = f"{words} — {title}, {unit.name}"
                cost = max(int(cost), 200 * MILLION)
                code = f"MH{year % 100:02d}-{unit.code}-{len(specs):04d}"
                specs.append(services.ProjectSpec(
                    unit=unit, code=code, name=f"{name} (minh họa)"[:300], kind=kind, owner=f"UBND {unit.name}",
                    start_date=datetime.date(year, rng.randrange(2, 6), 1),
                    end_date=datetime.date(year, rng.randrange(10, 13), 1), total_investment=cost,
                    roadmap_item_ids=(item_id,) if item_id else (), illustrative=True))
                main = MAIN_SOURCE.get(funding, "nstw-dtpt")
                if kind == ProjectKind.PRODUCTION and main == "nstw-dtpt":
                    main = "nstw-sn"
                share = rng.uniform(0.6, 0.8)
                plans.append([(funding, main, _round_million(cost * share)),
                              ("local", local_source, _round_million(cost * (1 - share) * 0.7)),
                              ("people", "dan-gop", _round_million(cost * (1 - share) * 0.3))])
        projects = services.create_projects(specs, reason=NOTE)
        # Plan lines: what the projects take, plus a reserve not yet allocated.
        by_line = defaultdict(int)
        keyed = defaultdict(int)
        for project, parts in zip(projects, plans, strict=True):
            for funding, source_code, amount in parts:
                programme_code, component_code = mapping[funding]
                key = (programme_code, component_code, source_code)
                by_line[key] += amount
                keyed[(project, key)] += amount
        lines = {}
        for n, (key, allocated) in enumerate(sorted(by_line.items(), key=lambda kv: (kv[0][0], kv[0][2]))):
            programme_code, component_code, source_code = key
            first = _round_million(allocated * rng.uniform(0.95, 1.05))
            final = max(_round_million(allocated * rng.uniform(1.03, 1.15)), allocated)
            kwargs = dict(province=province, year=year, programme=programmes[programme_code],
                          component=components.get((programme_code, component_code)) if component_code else None,
                          source=sources[source_code], illustrative=True, reason=NOTE)
            lines[key] = services.set_plan_line(
                amount=first, decision_number=f"{100 + n}/QĐ-UBND (minh họa)",
                decision_date=datetime.date(year, 1, 10), **kwargs)
            if final != first:
                lines[key] = services.set_plan_line(
                    amount=final, decision_number=f"{600 + n}/QĐ-UBND (minh họa, điều chỉnh)",
                    decision_date=datetime.date(year, 7, 15), **kwargs)
        allocations = []
        for (project, key), amount in keyed.items():
            allocations.append(services.set_allocation(
                project=project, plan_line=lines[key], amount=amount,
                decision_number=f"{300 + len(allocations) % 50}/QĐ-UBND (minh họa)",
                decision_date=datetime.date(year, 2, 1), reason=NOTE))
        # Monthly cumulative disbursement: an S-curve to a final rate; a few projects are slow.
        last_month = min(datetime.date(year + 1, 1, 1), today.replace(day=1) - datetime.timedelta(days=1))
        months = []
        month = datetime.date(year, 1, 1)
        while month <= last_month:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        finals = {a.pk: (rng.uniform(0.25, 0.55) if rng.random() < 0.1 else rng.uniform(0.85, 1.0))
                  for a in allocations}
        for index, month in enumerate(months, start=1):
            entries = []
            for a in allocations:
                if month.year > year and a.plan_line.source.capital_kind != "investment":
                    continue
                fraction = _monthly_shape(min(index, 12), 12) if month.year == year else 1.0
                paid = int(a.amount * finals[a.pk] * fraction // MILLION) * MILLION
                if month.year > year:
                    paid = min(a.amount, int(a.amount * min(1.0, finals[a.pk] + 0.03) // MILLION) * MILLION)
                if paid:
                    entries.append(services.DisbursementEntry(a, month, paid))
            if entries:
                services.record_disbursements(entries, reason=NOTE, origin="demo")
        # A few outstanding construction debts, some partly repaid.
        debts = 0
        pool = [p for p in projects if p.total_investment >= 500 * MILLION]
        for project in rng.sample(pool, min(len(pool), 3 if year in (2024, 2026) else 1)):
            debt = services.record_debt(project, amount=_round_million(project.total_investment * rng.uniform(0.05, 0.15)),
                                        since=datetime.date(year, 12, 31) if year < today.year else
                                        datetime.date(year, 6, 30),
                                        note="Khối lượng hoàn thành chưa được thanh toán (minh họa)",
                                        illustrative=True, reason=NOTE)
            if rng.random() < 0.5:
                services.record_repayment(debt, amount=_round_million(debt.amount * 0.4),
                                          date=min(today, datetime.date(year + 1, 3, 31)), reason=NOTE)
            debts += 1
        figures[year] = {"province": province.ref, "projects": len(projects), "allocations": len(allocations),
                         "debts": debts}
    return figures


def summary_vi(figures: dict) -> str:
    """One line for setup_demo."""
    if figures.get("skipped"):
        return "Tài chính minh họa đã có, giữ nguyên."
    years = [y for y in figures if isinstance(y, int)]
    projects = sum(figures[y]["projects"] for y in years)
    debts = sum(figures[y]["debts"] for y in years)
    span = f"{min(years)}-{max(years)}" if years else "-"
    return f"Tài chính minh họa {span}: {projects} công trình, {debts} khoản nợ đọng XDCB."
