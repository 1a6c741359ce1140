"""The finance cases of assessments/tests/test_every_write_is_audited.py: every write function of
finance/services.py leaves an audit record. `w` is that test's world (province "10", a commune)."""

import datetime

from finance import services

NAMES = {f"finance.services.{n}" for n in (
    "sync_reference", "set_plan_line", "create_projects", "update_project", "set_allocation", "allocate_many")
} | {f"finance.ledger.{n}" for n in ("record_disbursements", "record_debt", "record_repayment")}


def _changed_reference():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "capital.yaml"
    path.write_text(services.REFERENCE_FILE.read_text(encoding="utf-8")
                    + '  - {code: thu-nghiem, name: "Nguồn thử", capital_kind: investment}\n', encoding="utf-8")
    return path


def cases(w, user):
    from finance.models import Programme, Source

    services.sync_reference()
    province, commune = w["province"], w["commune"]

    def line():
        return services.set_plan_line(
            province=province, year=2024, programme=Programme.objects.get(code="ntm-2021"),
            source=Source.objects.get(code="nstw-dtpt"), amount=10_000, decision_number="1/QĐ",
            decision_date=datetime.date(2024, 1, 5), user=user)

    def project(code="A1"):
        return services.create_projects([services.ProjectSpec(unit=commune, code=code, name="Đường")],
                                        user=user)[0]

    def allocation():
        return services.set_allocation(project=project("A2"), plan_line=line(), amount=5_000,
                                       decision_number="2/QĐ", decision_date=datetime.date(2024, 2, 1), user=user)

    def debt():
        return services.record_debt(project("A3"), amount=100, since=datetime.date(2024, 1, 1), user=user)

    return {
        "finance.services.sync_reference": lambda: services.sync_reference(_changed_reference(), user=user),
        "finance.services.set_plan_line": line,
        "finance.services.create_projects": project,
        "finance.services.update_project": lambda: services.update_project(project("A4"), name="Đường 2",
                                                                           user=user),
        "finance.services.set_allocation": allocation,
        "finance.services.allocate_many": lambda: services.allocate_many(
            [services.AllocationSpec(project("A5"), line(), 1_000)], decision_number="3/QĐ",
            decision_date=datetime.date(2024, 2, 1), user=user),
        "finance.ledger.record_disbursements": lambda: services.record_disbursements(
            [services.DisbursementEntry(allocation(), datetime.date(2024, 3, 1), 1_000)], user=user),
        "finance.ledger.record_debt": debt,
        "finance.ledger.record_repayment": lambda: services.record_repayment(
            debt(), amount=50, date=datetime.date(2024, 6, 1), user=user),
    }
