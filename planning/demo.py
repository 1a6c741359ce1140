"""The demo phase plan of Lào Cai for 2021-2025."""

from django.db import transaction

from assessments.demo import plan_targets
from planning.models import Phase
from planning.services import set_phase_targets


@transaction.atomic
def ensure_demo_plan() -> Phase:
    phase, _created = Phase.objects.get_or_create(
        code="2021-2025",
        defaults={
            "name": "Giai đoạn 2021-2025",
            "start_year": 2021,
            "end_year": 2025,
            "family": "ntm-xa-2021",
            "source": (
                "Suy ra từ Chỉ thị 15/CT-UBND (2023): 62 xã đạt 66% kế hoạch giai đoạn, "
                "5 xã nâng cao đạt 11%; các năm giữa nội suy (minh họa)"
            ),
            "illustrative": True,
            "target_min_criteria": 10,
            "target_avg_criteria": "16.5",
            "target_source": "Mục tiêu 2025 của tỉnh Lào Cai: không xã dưới 10 tiêu chí, bình quân 16,5 tiêu chí/xã",
        },
    )
    set_phase_targets(phase, plan_targets(), note="demo plan")
    return phase


@transaction.atomic
def ensure_demo_plan_2026() -> Phase:
    """The illustrative 2026-2030 phase of new Lào Cai (89 xã), measured with the 2026 sets."""
    from assessments.demo_2026 import plan_targets_2026

    phase, _created = Phase.objects.get_or_create(
        code="2026-2030",
        defaults={
            "name": "Giai đoạn 2026-2030",
            "start_year": 2026,
            "end_year": 2030,
            "family": "ntm-xa-2026",
            "source": (
                "Minh họa: từ 37/89 xã đạt chuẩn sau sắp xếp (2025) đến khoảng 65% số xã năm 2030 "
                "(mức đề xuất của Chương trình, chưa phải số chính thức); mỗi năm thêm 1 xã hiện đại"
            ),
            "illustrative": True,
            "target_min_criteria": 7,
            "target_avg_criteria": "8.5",
            "target_source": "Minh họa: không xã dưới 7/10 tiêu chí, bình quân 8,5 tiêu chí/xã năm 2030",
        },
    )
    set_phase_targets(phase, plan_targets_2026(), note="demo plan 2026-2030")
    return phase


SEED = 2025
# The demo department: merged into Sở Nông nghiệp và Môi trường in 2025 (accounts.demo).
DEMO_AGENCIES = ("so-nong-nghiep-moi-truong", "so-nong-nghiep")


def ensure_demo_roadmaps(seed: int = SEED, period=None) -> dict:
    """Illustrative roadmaps ("minh họa") for the demo communes: one item per unmet criterion
    with seeded costs, a few past their target date, commune targets, a helping agency, the
    criteria targets per year and two field visits. Does nothing when they exist."""
    import datetime
    import random

    from accounts.models import Organisation
    from assessments.queries import period_context
    from planning import queries
    from planning.models import RoadmapItem
    from planning.services import (
        FollowUp,
        ItemSpec,
        add_task,
        create_items,
        record_field_visit,
        set_commune_target,
        set_helping_agency,
        set_year_targets,
    )

    ctx = period_context(period) if period is not None else queries.current_context()
    if ctx is None or ctx.spec is None:
        return {"skipped": True}
    if RoadmapItem.objects.filter(illustrative=True, family=ctx.family).exists():
        return {"skipped": True}
    rng = random.Random(seed)
    # Items of a past period are dated as they were planned then (the day after its as_of).
    today = min(queries.today(), ctx.period.as_of + datetime.timedelta(days=1))
    agency = next((o for o in Organisation.objects.filter(code__in=DEMO_AGENCIES).order_by("-valid_from")
                   if o.is_valid_on(ctx.period.as_of)), None)
    agency_criteria = set(
        agency.assignments.filter(criteria_set_code=ctx.base_set.code).values_list("criterion_code", flat=True)
    ) if agency else set()
    units = queries.province_units(ctx)
    statuses = queries.indicator_statuses(ctx, [u.pk for u in units])
    specs, failing_by_unit, targets = [], {}, {}
    for unit in units:
        if not any(s == "unmet" for s in statuses.get(unit.pk, {}).values()):
            continue
        by_criterion: dict[str, list] = {}
        for proposal in queries.proposals(ctx, unit):
            by_criterion.setdefault(proposal.indicator.criterion, []).append(proposal)
        failing_by_unit[unit.pk] = (unit, sorted(by_criterion))
        # The year the commune plans to reach the standard: sooner when fewer criteria fail.
        n = len(by_criterion)
        target_year = today.year + (1 if n <= 3 else 2 if n <= 6 else 3)
        year_end = datetime.date(target_year, 12, 31)
        targets[unit.pk] = target_year
        for criterion, props in sorted(by_criterion.items()):
            cost = sum(rng.randrange(20, 260) for _p in props) * 10_000_000
            if rng.random() < 0.08:
                target = today - datetime.timedelta(days=rng.randrange(20, 120))
            else:
                target = today + datetime.timedelta(days=rng.randrange(60, (year_end - today).days))
            specs.append(ItemSpec(
                unit=unit, family=ctx.family,
                indicators={p.code: (criterion, p.value, p.threshold) for p in props},
                title=f"Tiêu chí {criterion} ({ctx.criterion_names.get(criterion, '')}): đưa "
                      f"{', '.join(p.code for p in props)} đạt chuẩn (minh họa)",
                target_date=target, estimated_cost=cost,
                funding_source=rng.choice(["ntm", "ntm", "integrated", "ethnic", "poverty", "local", "people"]),
                helping_agency=agency if criterion in agency_criteria else None, illustrative=True,
            ))
    items = create_items(specs, reason="dữ liệu minh họa")
    for item, spec in zip(items, specs, strict=True):
        add_task(unit=item.unit, item=item, title="Xã lập kế hoạch chi tiết và huy động nguồn lực (minh họa)",
                 due_date=min(spec.target_date, today + datetime.timedelta(days=60)))
        if spec.helping_agency is not None:
            add_task(unit=item.unit, item=item, owner="agency", organisation=agency,
                     title="Cơ quan giúp đỡ hướng dẫn kỹ thuật (minh họa)", due_date=spec.target_date)
    for unit, _criteria in failing_by_unit.values():
        set_commune_target(unit, "ntm", targets[unit.pk], note="minh họa")
    helped = []
    if agency is not None:
        closest = sorted((v for v in failing_by_unit.values() if agency_criteria & set(v[1])),
                         key=lambda v: (len(v[1]), v[0].name))[:6]
        for unit, _criteria in closest:
            set_helping_agency(agency, unit, note="minh họa")
            helped.append(unit)
        days = (today - datetime.timedelta(days=105), today - datetime.timedelta(days=40))
        for unit, day in zip(helped[:2], days, strict=False):
            record_field_visit(
                agency, unit, date=day, members=f"Đoàn công tác {agency.name} (minh họa)",
                criteria_checked=sorted(agency_criteria), illustrative=True,
                findings="Hệ thống thủy lợi nội đồng xuống cấp; tổ chức sản xuất chưa có liên kết (minh họa)",
                difficulties="Thiếu vốn đối ứng; địa hình chia cắt (minh họa)",
                follow_ups=[FollowUp("Lập dự toán sửa chữa kênh mương (minh họa)", "commune",
                                     day + datetime.timedelta(days=45)),
                            FollowUp("Hỗ trợ xây dựng hợp tác xã kiểu mới (minh họa)", "agency",
                                     day + datetime.timedelta(days=90))],
            )
    phase = Phase.objects.filter(family=ctx.family).first()
    if phase is not None and phase.code == "2021-2025":
        set_year_targets(phase, {2024: (8, "15.5"), 2025: (phase.target_min_criteria, phase.target_avg_criteria)},
                         note="2025: mục tiêu của tỉnh; 2024 minh họa")
    return {"items": len(items), "communes": len(failing_by_unit),
            "overdue": sum(1 for s in specs if s.target_date < today), "visits": min(len(helped), 2)}


def optimiser_figures(budgets_billion=(20, 50)) -> dict[int, tuple[int, int]]:
    """{budget in billion VND: (communes completed, cost in VND)} on the current data."""
    from planning import optimiser, queries

    ctx = queries.current_context()
    rows = queries.invest_ranking(ctx, queries.province_units(ctx))
    candidates, needs = queries.optimiser_inputs(rows)
    out = {}
    for billions in budgets_billion:
        selection = optimiser.choose(billions * 1_000_000_000, candidates, needs)
        out[billions] = (len(selection.communes), selection.cost)
    return out
