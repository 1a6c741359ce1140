"""Demo personas: one user per role, created only in demo installations (NTM_DEMO)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from accounts import services
from accounts.models import OrganisationKind, Role
from units.models import Unit, UnitKind

DEMO_PASSWORD = "NongThonMoi@2025"

# username, full name, role, organisation code, scope: (kind, name) of the unit
PERSONAS = [
    ("tinh.admin", "Quản trị Văn phòng Điều phối (demo)", Role.PROVINCE_ADMIN, "vp-dieu-phoi", None),
    ("tinh.canbo", "Cán bộ Văn phòng Điều phối (demo)", Role.PROVINCE_OFFICER, "vp-dieu-phoi", None),
    ("so.nongnghiep", "Cán bộ Sở Nông nghiệp và Môi trường (demo)", Role.AGENCY_OFFICER,
     "so-nong-nghiep-moi-truong", None),
    ("huyen.batxat", "Cán bộ huyện Bát Xát (demo)", Role.DISTRICT_OFFICER, "huyen-bat-xat",
     (UnitKind.DISTRICT, "Huyện Bát Xát")),
    ("xa.amusung", "Cán bộ xã A Mú Sung (demo)", Role.COMMUNE_OFFICER, "xa-a-mu-sung",
     (UnitKind.COMMUNE, "Xã A Mú Sung")),
    ("xa.giaphu", "Cán bộ xã Gia Phú mới (demo)", Role.COMMUNE_OFFICER, "xa-gia-phu",
     (UnitKind.COMMUNE, "Xã Gia Phú")),
    ("xem.tinh", "Người xem cấp tỉnh (demo)", Role.VIEWER, "vp-dieu-phoi", None),
]
# The criteria the Department of Agriculture answers for in the demo (an illustrative split,
# not the province's decision).
AGRICULTURE_CRITERIA = [
    ("ntm-xa-2021-minh-hoa", "3"), ("ntm-xa-2021-minh-hoa", "13"),
    ("ntm-nc-2021-minh-hoa", "3"), ("ntm-nc-2021-minh-hoa", "13"),
    # 2026-2030: rural economy and environment (the merged department's fields), illustrative.
    ("ntm-xa-2026-minh-hoa", "3"), ("ntm-xa-2026-minh-hoa", "8"),
]
# The departments of agriculture and of natural resources and environment were merged in 2025
# into Sở Nông nghiệp và Môi trường; the day used here is illustrative (demo).
MERGED_DEPARTMENT_FROM = datetime.date(2025, 3, 1)


def _unit(kind, name, province):
    # The newest unit of that name under the province's maps (the post-reform one for Gia Phú).
    return (
        Unit.objects.filter(kind=kind, name=name)
        .order_by(F("valid_from").desc(nulls_last=True), "code").first()
    )


@transaction.atomic
def ensure_demo_users(province: Unit, present: Unit | None = None) -> list[tuple[str, str, bool, str]]:
    """Create the personas that do not exist: (username, password, created, role label).
    `province` is the pre-reform province (the district persona's), `present` today's."""
    User = get_user_model()
    organisations = {
        "vp-dieu-phoi": services.ensure_organisation(
            code="vp-dieu-phoi", name="Văn phòng Điều phối NTM tỉnh Lào Cai",
            kind=OrganisationKind.PROVINCE_OFFICE, unit=present or province),
        "so-nong-nghiep": services.ensure_organisation(
            code="so-nong-nghiep", name="Sở Nông nghiệp và Phát triển nông thôn",
            kind=OrganisationKind.AGENCY, unit=province,
            valid_to=MERGED_DEPARTMENT_FROM - datetime.timedelta(days=1)),
        "so-nong-nghiep-moi-truong": services.ensure_organisation(
            code="so-nong-nghiep-moi-truong", name="Sở Nông nghiệp và Môi trường",
            kind=OrganisationKind.AGENCY, unit=present or province, valid_from=MERGED_DEPARTMENT_FROM),
    }
    services.assign_criteria(organisation=organisations["so-nong-nghiep"], criteria=AGRICULTURE_CRITERIA[:4])
    services.assign_criteria(organisation=organisations["so-nong-nghiep-moi-truong"],
                             criteria=AGRICULTURE_CRITERIA)
    out = []
    for username, full_name, role, org_code, scope in PERSONAS:
        unit = _unit(*scope, province) if scope else None
        if scope and unit is None:
            continue
        if org_code not in organisations:
            kind = OrganisationKind.DISTRICT if scope[0] == UnitKind.DISTRICT else OrganisationKind.COMMUNE
            # A district's committee ended with the district (30/06/2025).
            organisations[org_code] = services.ensure_organisation(
                code=org_code, name=f"UBND {unit.name}", kind=kind, unit=unit,
                valid_from=unit.valid_from, valid_to=unit.valid_to)
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            services.create_user(
                by=None, username=username, full_name=full_name, email="",
                organisation=organisations[org_code], role=role, password=DEMO_PASSWORD,
                scope_unit=province if role == Role.VIEWER else None,
            )
        out.append((username, DEMO_PASSWORD, created, Role(role).label))
    return out
