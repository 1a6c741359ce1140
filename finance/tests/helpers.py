"""A small province-year of money, built with the services the app uses."""

import datetime

from conftest import make_new_province
from finance import services
from finance.models import Component, Programme, Source

YEAR = 2026
BILLION = 1_000_000_000


def reference():
    services.sync_reference()
    return {
        "programme": Programme.objects.get(code="mtqg-2026"),
        "component": Component.objects.get(programme__code="mtqg-2026", code="ha-tang"),
        "central": Source.objects.get(code="nstw-dtpt"),
        "recurrent": Source.objects.get(code="nstw-sn"),
        "province_budget": Source.objects.get(code="nsdp-tinh"),
    }


def make_finance_world(n_communes=3, n_projects=3, *, plan=10 * BILLION, alloc=BILLION, paid=None):
    """A new-map province with n communes, one plan line of `plan` đ (central investment
    capital, 2026) and n_projects projects spread over the communes, each allocated `alloc` đ
    and paid `paid[i]` đ cumulative in March 2026 (none by default)."""
    ref = reference()
    province, communes = make_new_province(n_communes)
    line = services.set_plan_line(
        province=province, year=YEAR, programme=ref["programme"], component=ref["component"],
        source=ref["central"], amount=plan, decision_number="100/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 10))
    projects = services.create_projects([
        services.ProjectSpec(unit=communes[i % n_communes], code=f"DA{i:04d}", name=f"Đường thôn {i}",
                             kind="road", owner="UBND xã", total_investment=2 * alloc)
        for i in range(n_projects)
    ])
    allocations = [
        services.set_allocation(project=p, plan_line=line, amount=alloc, decision_number="101/QĐ-UBND",
                                decision_date=datetime.date(2026, 1, 20))
        for p in projects
    ]
    if paid:
        services.record_disbursements([
            services.DisbursementEntry(a, datetime.date(2026, 3, 1), paid[i])
            for i, a in enumerate(allocations) if paid[i] is not None
        ])
    return {"province": province, "communes": communes, "line": line, "projects": projects,
            "allocations": allocations, **ref}
