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
