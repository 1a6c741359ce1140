"""Who may do what in the reporting cycle, on top of accounts.access (the one access layer).

- a reporter (district officer: its district; commune officer: its commune; agency officer: its
  agency) sees its due reports and writes its own submissions only;
- province administrators and officers review (return, accept);
- province-wide readers (accounts.access.can_view_province) see completeness pages, exports
  and the official documents.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.access import (
    can_view_organisation,
    can_view_province,
    organisations_q,
    rule,
    scope_for,
)
from accounts.models import Role
from reporting.models import ReportingPeriod, Submission
from reporting.reporters import Reporter, key_of, reporter_for_user

REVIEW_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


@rule("review_reports")
def can_review(user) -> bool:
    """The deployment's province office (not an office of a province it hosts: accounts.bounds)."""
    scope = scope_for(user)
    return scope.role in REVIEW_ROLES and scope.province_pages


@rule("read_province_reports")
def can_read_province_reports(user) -> bool:
    return can_view_province(user)


def reporter_for_period(user, period: ReportingPeriod, reporter_key: str) -> Reporter:
    """The user's reporter when it is the one named in the URL and reports on this schedule;
    PermissionDenied otherwise (a commune officer cannot write for another commune)."""
    reporter = reporter_for_user(user)
    if reporter is None or reporter.key != reporter_key:
        raise PermissionDenied
    if reporter.level != period.schedule.reporter_level:
        raise PermissionDenied
    if reporter.unit is not None and not reporter.unit.is_valid_on(period.due_date):
        raise PermissionDenied
    return reporter


def _in_bound(user, submission) -> bool:
    """A submission of a unit or an agency of the user's province (accounts.bounds)."""
    if submission.unit_id is not None:
        return scope_for(user).can_read(submission.unit_id)
    return can_view_organisation(user, submission.organisation)


def submissions_q(user) -> Q:
    """The submissions of the user's province (accounts.bounds), as a filter."""
    readable = scope_for(user).readable
    if readable is None:
        return Q()
    return Q(unit_id__in=readable) | (Q(unit__isnull=True) & organisations_q(user, "organisation__"))


def submission_for_user(user, pk: int) -> Submission:
    """A submission the user may read: province-wide readers of its province, or its own
    reporter."""
    submission = get_object_or_404(
        Submission.objects.select_related("period__schedule", "unit", "organisation"), pk=pk
    )
    if can_view_province(user) and _in_bound(user, submission):
        return submission
    reporter = reporter_for_user(user)
    if reporter is not None and reporter.key == key_of(submission):
        return submission
    raise PermissionDenied
