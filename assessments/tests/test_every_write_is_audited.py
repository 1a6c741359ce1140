"""Every public function of every services.py module writes at least one audit record.

A new service function must get a case here (or a reasoned exemption), so no write path can
appear without its audit record.
"""

import datetime
import importlib
import inspect
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from accounts import services as accounts
from accounts.models import OrganisationKind, Role
from api.tests import audit_cases as api_cases
from assessments import recognitions
from assessments import services as assessments
from assessments.tests.helpers import make_period
from audit.models import AuditRecord
from conftest import make_province
from criteria import services as criteria
from finance.tests import audit_cases as finance_cases
from notifications.tests import audit_cases as notification_cases
from planning import services as planning
from planning.models import Phase, SupportTeamMember
from portal.tests import audit_cases as portal_cases
from recognition.tests import audit_cases as recognition_cases
from reporting.tests import audit_cases as reporting_extra_cases
from surveys.tests import audit_cases as surveys_cases
from units import loaders

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)

# Public functions that write nothing of their own, or only derived data.
EXEMPT = {
    "assessments.services.validate_batch": "reads only: parses a batch",
    "assessments.services.change_problems": "reads only: what a batch would be refused for",
    "assessments.services.evaluate_units": "derived data, always called inside an audited write",
    "criteria.services.spec_content": "pure",
    "criteria.services.content_hash": "pure",
    "audit.services.record": "the audit writer itself",
    "audit.services.record_many": "the audit writer itself",
    "units.loaders.normalise_code": "pure",
    "reporting.services.period_bounds": "pure: dates of a period",
    "reporting.services.is_on_time": "pure: compares a submission time with its due date",
    "reporting.services.missing_sections": "pure: which sections of a report are empty",
    "reporting.services.can_withdraw": "pure: whether a submission may be withdrawn on a day",
    "criteria.services.canonical_number": "pure: one spelling of a number for the content hash",
    "assessments.groups.reevaluate_grouped": "derived data, always called inside an audited write",
    "assessments.periods.periods_of_unit": "reads only",
    "assessments.periods.period_for_day": "reads only",
    "planning.transfer.candidates": "reads only",
    "accounts.services.is_privileged": "pure: whether an account is a superuser or staff",
    "accounts.services.may_manage": "pure: whether one user may manage another",
}
# Write modules that are not named services.py.
WRITE_MODULES = ["assessments/groups.py", "assessments/periods.py", "assessments/recognitions.py",
                 "planning/transfer.py", "finance/ledger.py", "recognition/decisions.py"]


@pytest.fixture
def world(criteria_sets):
    province, communes = make_province(2)
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=province)
    admin = accounts.create_user(by=None, username="root1", full_name="Root", email="", organisation=office,
                                 role=Role.PROVINCE_ADMIN, password="Audit-Pass-2025!")
    return {"province": province, "commune": communes[0], "office": office, "admin": admin,
            "period": make_period(2024)}


def _cases(world, tmp_path):
    w = world
    user = w["admin"]
    agency = accounts.ensure_organisation(code="so-x", name="Sở X", kind=OrganisationKind.AGENCY,
                                          unit=w["province"])
    recognition = assessments.record_recognition(
        w["commune"], level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="9/QĐ",
        decision_date=datetime.date(2020, 1, 1), issuer="UBND", user=user)
    phase = Phase.objects.create(code="p", name="p", start_year=2021, end_year=2025, family="ntm-xa-2021")
    return {
        "accounts.services.create_user": lambda: accounts.create_user(
            by=user, username="new1", full_name="Người Mới", email="", organisation=w["office"],
            role=Role.PROVINCE_OFFICER, password="Another-Pass-2025!"),
        "accounts.services.update_user": lambda: accounts.update_user(
            by=user, user=user, full_name="Root Renamed", email="a@b.vn", organisation=w["office"],
            role=Role.PROVINCE_ADMIN),
        "accounts.services.set_password": lambda: accounts.set_password(
            by=user, user=user, password="Changed-Pass-2025!"),
        "accounts.services.set_active": lambda: accounts.set_active(
            by=user, user=accounts.create_user(
                by=user, username="new2", full_name="B", email="", organisation=w["office"],
                role=Role.VIEWER, password="Another-Pass-2025!"), active=False, reason="nghỉ"),
        "accounts.services.ensure_organisation": lambda: accounts.ensure_organisation(
            code="so-y", name="Sở Y", kind=OrganisationKind.AGENCY, unit=w["province"], by=user),
        "accounts.services.assign_criteria": lambda: accounts.assign_criteria(
            organisation=agency, criteria=[("ntm-xa-2021-minh-hoa", "17")], by=user),
        "assessments.services.record_values": lambda: assessments.record_values(
            w["commune"], w["period"], {"10.1": "40"}, user=user, source="x"),
        "assessments.services.record_values_many": lambda: assessments.record_values_many(
            w["period"], {w["commune"]: {"11.1": "3"}}, user=user, source="x"),
        "assessments.periods.ensure_period": lambda: assessments.ensure_period(2023, user=user),
        "assessments.recognitions.record_recognition": lambda: assessments.record_recognition(
            w["commune"], level_code="nang-cao", level_rank=2, family="ntm-xa-2021", decision_number="10/QĐ",
            decision_date=datetime.date(2022, 1, 1), issuer="UBND", user=user),
        "assessments.recognitions.record_recognitions_many": lambda: recognitions.record_recognitions_many(
            [recognitions.Decision(w["commune"], "nang-cao", 2, "ntm-xa-2021", "12/QĐ", datetime.date(2022, 2, 1),
                                   "UBND")], user=user),
        "assessments.recognitions.record_revocation": lambda: assessments.record_revocation(
            recognition, decision_number="11/QĐ", decision_date=datetime.date(2024, 1, 1), issuer="UBND",
            reason="rớt chuẩn", user=user),
        "criteria.services.sync_sets": lambda: criteria.sync_sets(_changed_sets(tmp_path)),
        "planning.services.set_phase_targets": lambda: planning.set_phase_targets(
            phase, {("ntm", 2025): 10}, user=user),
        "units.loaders.load_province": lambda: loaders.load_province("10", user=user),
        **_planning_cases(w, user, phase, agency),
        **_present_cases(w, user),
        **_reporting_cases(w, user, agency),
        **finance_cases.cases(w, user),
        **portal_cases.cases(w, user),
        **recognition_cases.cases(w, user),
        **reporting_extra_cases.cases(w, user),
        **notification_cases.cases(w, user),
        **surveys_cases.cases(w, user),
        **api_cases.cases(w, user),
    }


def _planning_cases(w, user, phase, agency):
    commune = w["commune"]

    def item():
        return planning.create_items([planning.ItemSpec(
            unit=commune, family="ntm-xa-2021", indicators={"10.1": ("10", "30", "≥ 39")}, title="Thu nhập",
            target_date=datetime.date(2026, 12, 31), estimated_cost=10)], user=user)[0]

    def task():
        return planning.add_task(unit=commune, title="Việc", item=item(), user=user)

    return {
        "planning.services.create_items": item,
        "planning.services.update_item": lambda: planning.update_item(item(), title="Thu nhập 2", user=user),
        "planning.services.set_item_status": lambda: planning.set_item_status(
            item(), "in_progress", user=user),
        "planning.services.add_task": task,
        "planning.services.set_task_status": lambda: planning.set_task_status(task(), "done", user=user),
        "planning.services.add_progress_note": lambda: planning.add_progress_note(
            item(), date=datetime.date(2025, 1, 1), text="Tiến độ", user=user),
        "planning.services.set_year_targets": lambda: planning.set_year_targets(
            phase, {2025: (10, "16.5")}, user=user),
        "planning.services.set_commune_target": lambda: planning.set_commune_target(
            commune, "ntm", 2025, user=user),
        "planning.services.set_targets_grid": lambda: planning.set_targets_grid(
            phase, {("ntm", 2024): 3}, {2024: (12, "15.5")}, user=user),
        "planning.services.set_helping_agency": lambda: planning.set_helping_agency(agency, commune, user=user),
        "planning.services.add_support_member": lambda: planning.add_support_member(
            commune, name="Ông A", role="Tổ trưởng", user=user),
        "planning.services.remove_support_member": lambda: planning.remove_support_member(
            SupportTeamMember.objects.create(unit=commune, name="Bà B"), user=user),
        "planning.services.record_field_visit": lambda: planning.record_field_visit(
            agency, commune, date=datetime.date(2025, 3, 1), criteria_checked=["3"],
            follow_ups=[planning.FollowUp("Sửa kênh", "agency", datetime.date(2025, 6, 1))], user=user),
    }


def _present_cases(w, user):
    from assessments import groups, periods
    from conftest import make_new_province
    from planning import transfer
    from units.groups import Facts

    _province, new = make_new_province(1, ref="76", groups=("",), predecessors={0: [w["commune"]]})
    facts = Facts(40, False, False, "3")

    def moved():
        planning.set_commune_target(w["commune"], "ntm", 2027, user=user)
        return transfer.transfer_open_work(w["commune"], new[0], user=user, reason="rà soát")

    return {
        "assessments.groups.propose_group": lambda: groups.propose_group(
            new[0], valid_from=datetime.date(2026, 2, 15), facts=facts, user=user),
        "assessments.groups.confirm_group": lambda: groups.confirm_group(
            new[0], valid_from=datetime.date(2026, 2, 15), group="nhom-3", decision_number="1/QĐ",
            decision_date=datetime.date(2026, 3, 1), facts=facts, user=user),
        "assessments.periods.ensure_half_year": lambda: periods.ensure_half_year(2026, 1, user=user),
        "planning.transfer.transfer_open_work": moved,
    }


def _changed_sets(directory: Path) -> Path:
    for path in settings.NTM_CRITERIA_DIR.glob("*.yaml"):
        (directory / path.name).write_text(path.read_text().replace("(minh họa)", "(minh họa, sửa)", 1))
    return directory


def _service_functions():
    names = []
    for path in (sorted(ROOT.glob("*/services.py")) + [ROOT / "units" / "loaders.py"]
                 + [ROOT / m for m in WRITE_MODULES]):
        module_name = f"{path.parent.name}.{path.stem}"
        module = importlib.import_module(module_name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module_name and not name.startswith("_"):
                names.append(f"{module_name}.{name}")
    return names


def test_every_service_function_has_an_audit_case_or_a_reason():
    names = _service_functions()
    assert names, "no service functions found"
    missing = [n for n in names if n not in EXEMPT and n not in CASE_NAMES]
    assert not missing, f"add an audit case for {missing}"


def _reporting_cases(w, user, agency):
    from django.utils import timezone

    from reporting import services as reporting
    from reporting.reporters import Reporter

    today = timezone.localdate()
    officer = accounts.create_user(by=None, username="so.x", full_name="Cán bộ Sở X", email="so.x@example.vn",
                                   organisation=agency, role=Role.AGENCY_OFFICER, password="Audit-Pass-2025!")
    schedule = reporting.create_schedule(
        code="quy", name="Quý", reporter_level="agency", frequency="quarterly", due_day=15, lock_day=5,
        valid_from=today - datetime.timedelta(days=400), user=user)
    reporting.generate_periods(schedule, today, today, user=user)
    period = schedule.periods.get()
    reporter = Reporter(organisation=agency)
    decided = Reporter(unit=w["commune"])  # another reporter, submitted beforehand

    full = {key: "x" for key in period.schedule.sections}

    def submitted():
        return reporting.submit(user=user, period=period, reporter=decided, sections=full)

    def withdrawn():
        with time_machine.travel(datetime.datetime.combine(period.due_date, datetime.time(9),
                                                           tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
            return reporting.withdraw(user=user, period=period, reporter=decided)

    first = submitted()
    return {
        "reporting.services.create_schedule": lambda: reporting.create_schedule(
            code="thang", name="Tháng", reporter_level="commune", frequency="monthly", due_day=25, lock_day=5,
            valid_from=datetime.date(2025, 7, 1), user=user),
        "reporting.services.generate_periods": lambda: reporting.generate_periods(
            schedule, today - datetime.timedelta(days=200), today, user=user),
        "reporting.services.ensure_default_schedules": lambda: reporting.ensure_default_schedules(
            until=datetime.date(2024, 12, 31), user=user),
        "reporting.services.save_draft": lambda: reporting.save_draft(
            user=officer, period=period, reporter=reporter, sections={"ket_qua": "x"}),
        "reporting.services.submit": lambda: reporting.submit(user=officer, period=period, reporter=reporter,
                                                              sections=full),
        "reporting.services.withdraw": withdrawn,
        "reporting.services.return_submission": lambda: reporting.return_submission(
            user=user, submission=first, comment="Bổ sung"),
        "reporting.services.accept_submission": lambda: reporting.accept_submission(user=user, submission=first),
        "reporting.services.send_due_reminders": lambda: reporting.send_due_reminders(period.due_date),
    }


CASE_NAMES = {
    "accounts.services.create_user", "accounts.services.update_user", "accounts.services.set_password",
    "accounts.services.set_active", "accounts.services.ensure_organisation",
    "accounts.services.assign_criteria", "assessments.services.record_values",
    "assessments.services.record_values_many", "assessments.periods.ensure_period",
    "assessments.recognitions.record_recognition", "assessments.recognitions.record_revocation",
    "assessments.recognitions.record_recognitions_many",
    "criteria.services.sync_sets", "planning.services.set_phase_targets", "units.loaders.load_province",
    "planning.services.create_items", "planning.services.update_item", "planning.services.set_item_status",
    "planning.services.add_task", "planning.services.set_task_status", "planning.services.add_progress_note",
    "planning.services.set_year_targets", "planning.services.set_commune_target",
    "planning.services.set_targets_grid",
    "planning.services.set_helping_agency", "planning.services.add_support_member",
    "planning.services.remove_support_member", "planning.services.record_field_visit",
    "reporting.services.create_schedule", "reporting.services.generate_periods",
    "reporting.services.ensure_default_schedules", "reporting.services.save_draft", "reporting.services.submit",
    "reporting.services.return_submission", "reporting.services.accept_submission",
    "reporting.services.withdraw",
    "reporting.services.send_due_reminders",
    "assessments.groups.propose_group", "assessments.groups.confirm_group",
    "assessments.periods.ensure_half_year", "planning.transfer.transfer_open_work",
} | finance_cases.NAMES
CASE_NAMES |= portal_cases.NAMES
CASE_NAMES |= recognition_cases.NAMES
CASE_NAMES |= reporting_extra_cases.NAMES
CASE_NAMES |= notification_cases.NAMES
CASE_NAMES |= surveys_cases.NAMES
CASE_NAMES |= api_cases.NAMES


@pytest.mark.parametrize("name", sorted(CASE_NAMES))
def test_the_write_leaves_an_audit_record(world, tmp_path, name):
    cases = _cases(world, tmp_path)
    assert set(cases) == CASE_NAMES
    call = cases[name]
    before = AuditRecord.objects.count()
    call()
    assert AuditRecord.objects.count() > before, f"{name} wrote no audit record"
