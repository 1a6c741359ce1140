"""A small province with values, evaluations and one user per role, built with the services."""

import datetime

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from assessments import services as assessments
from assessments.tests.helpers import make_period, values_for
from conftest import make_province
from planning import queries, services

BASE = "ntm-xa-2021-minh-hoa"
PASSWORD = "Plan-Pass-2025!"


def make_world(n=3, failing=None):
    """n communes evaluated for 2024; commune i fails `failing[i]` (default: criterion 10 for
    the first, 3 and 17 for the second, nothing for the others)."""
    province, communes = make_province(n)
    period = make_period(2024)
    failing = failing or {0: {"10"}, 1: {"3", "17"}}
    assessments.record_values_many(
        period, {u: values_for(period, failing=failing.get(i, set()), seed=i) for i, u in enumerate(communes)},
        source="test",
    )
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE, unit=province)
    agency = accounts.ensure_organisation(code="so-nn", name="Sở NN", kind=OrganisationKind.AGENCY, unit=province)
    accounts.assign_criteria(organisation=agency, criteria=[(BASE, "3")])
    other_agency = accounts.ensure_organisation(code="so-yt", name="Sở YT", kind=OrganisationKind.AGENCY,
                                                unit=province)
    c0 = accounts.ensure_organisation(code="xa0", name="UBND xã 0", kind=OrganisationKind.COMMUNE, unit=communes[0])
    c1 = accounts.ensure_organisation(code="xa1", name="UBND xã 1", kind=OrganisationKind.COMMUNE, unit=communes[1])

    def user(name, org, role, scope=None):
        return accounts.create_user(by=None, username=name, full_name=name, email="", organisation=org,
                                    role=role, password=PASSWORD, scope_unit=scope)

    return {
        "province": province, "communes": communes, "period": period, "agency": agency,
        "other_agency": other_agency,
        "admin": user("admin1", office, Role.PROVINCE_ADMIN),
        "officer": user("officer1", office, Role.PROVINCE_OFFICER),
        "viewer": user("viewer1", office, Role.VIEWER, province),
        "agency_user": user("agency1", agency, Role.AGENCY_OFFICER),
        "commune0": user("xa0", c0, Role.COMMUNE_OFFICER),
        "commune1": user("xa1", c1, Role.COMMUNE_OFFICER),
    }


def make_item(unit, codes, *, target_date=datetime.date(2026, 12, 31), cost=1_000_000_000, user=None, **kw):
    """Accept the proposals of these indicator codes as one item."""
    ctx = queries.current_context()
    props = {p.code: p for p in queries.proposals(ctx, unit)}
    spec = services.ItemSpec(
        unit=unit, family=ctx.family,
        indicators={c: (props[c].indicator.criterion, props[c].value, props[c].threshold) for c in codes},
        title=kw.pop("title", "Lộ trình " + ", ".join(codes)), target_date=target_date, estimated_cost=cost, **kw,
    )
    return services.create_items([spec], user=user)[0]
