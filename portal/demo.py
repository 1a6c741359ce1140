"""The demo's public portal: every evaluated period made public (the portal opens on the latest,
2026 on today's map; 2021-2025 are history). A real province publishes period by period. A few
residents' feedback messages (labelled as demo) show the moderation: one answered and published,
one waiting, one held as gambling spam like the seed's."""

from django.contrib.auth import get_user_model

from assessments.queries import evaluated_periods, programme_communes
from portal import queries, services
from portal.models import Feedback

DEMO_FEEDBACK = [
    ("Nguyễn Văn Hùng", "Đường trục thôn 3 xuống cấp, mùa mưa xe máy đi lại khó khăn. Đề nghị xã sớm sửa "
     "chữa. (dữ liệu minh họa)",
     "UBND xã đã đưa tuyến đường vào kế hoạch duy tu năm 2026, dự kiến thi công trong quý III. "
     "(dữ liệu minh họa)"),
    ("", "Đề nghị công khai danh sách hộ được hỗ trợ làm nhà vệ sinh hợp vệ sinh. (dữ liệu minh họa)", None),
    ("", "tip bóng đá uy tín, cá cược nhà cái số 1 (ví dụ tin rác bị tạm giữ, dữ liệu minh họa)", None),
]


def ensure_demo_feedback() -> int:
    if Feedback.objects.exists():
        return 0
    moderator = get_user_model().objects.filter(username="tinh.canbo").first()
    period = queries.public_period(None)
    if period is None:
        return 0
    unit = programme_communes(period.as_of).order_by("name").first()
    if unit is None:
        return 0
    for n, (name, text, answer) in enumerate(DEMO_FEEDBACK):
        item = services.submit_feedback(unit=unit, name=name, text=text, ip=f"demo-{n}")
        if answer and moderator is not None:
            services.publish_feedback(moderator, item, answer=answer)
    return len(DEMO_FEEDBACK)


def ensure_demo_portal() -> list[str]:
    codes = [services.publish_period(None, p).period.code for p in evaluated_periods()]
    ensure_demo_feedback()
    return codes
