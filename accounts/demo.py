"""Demo logins, created only in demo installations."""

from django.contrib.auth import get_user_model
from django.db import transaction

from audit import services as audit

DEMO_PASSWORD = "NongThonMoi@2025"
DEMO_USERS = [
    # username, full name, superuser
    ("tinh.admin", "Quản trị Văn phòng Điều phối NTM tỉnh (demo)", True),
]


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str, bool]]:
    """Create the demo users that do not exist; returns (username, password, created)."""
    User = get_user_model()
    out = []
    for username, full_name, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            first, _, last = full_name.partition(" ")
            user = User(username=username, first_name=first, last_name=last,
                        is_staff=superuser, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit.record(action="user.create", object_type="user", object_id=user.pk,
                         after={"username": username, "superuser": superuser},
                         reason="demo persona")
        out.append((username, DEMO_PASSWORD, created))
    return out
