"""Who reports: the expected reporters of a period, and the reporter a user reports for.

Expected-reporter rule: a unit is expected to report for a period when it is valid (exists) on
the period's due date, on the map of that date: the districts of the province before the
1/7/2025 reform, the programme communes after it (by the schedule's reporter level). A unit
closed before the due date is not expected, one created on or before it is; a submission of a
unit that is not expected is shown apart and never counted, so rates cannot exceed 100%.
Agencies: the active department/agency organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from accounts.access import scope_for
from accounts.models import Organisation, OrganisationKind, Profile, Role
from assessments.queries import programme_communes, province_on
from reporting.models import ReporterLevel, ReportingPeriod
from units.models import Unit, UnitKind


@dataclass(frozen=True)
class Reporter:
    unit: Unit | None = None
    organisation: Organisation | None = None

    @property
    def key(self) -> str:
        return f"u{self.unit.pk}" if self.unit else f"o{self.organisation.pk}"

    @property
    def name(self) -> str:
        return str(self.unit or self.organisation)

    @property
    def level(self) -> str:
        return ReporterLevel.AGENCY if self.organisation else self.unit.kind

    def filter(self) -> dict:
        return {"unit": self.unit} if self.unit else {"organisation": self.organisation}


def key_of(submission) -> str:
    return f"u{submission.unit_id}" if submission.unit_id else f"o{submission.organisation_id}"


def deployment_agencies_q() -> Q:
    """The agencies that report to the deployment's province: those of its province (on either
    map, NTM_PROVINCE_REFS) and those of no province. A database holding other provinces holds
    their agencies too, which report to their own province. Every agency when the deployment
    covers the whole country."""
    refs = [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]
    if not refs:
        return Q()
    return Q(unit__isnull=True) | Q(unit__ref__in=refs) | Q(unit__parent__ref__in=refs)


def expected_reporters(period: ReportingPeriod) -> list[Reporter]:
    level = period.schedule.reporter_level
    day = period.due_date
    if level == ReporterLevel.AGENCY:
        orgs = Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True)
        return [Reporter(organisation=o) for o in orgs.filter(deployment_agencies_q()).order_by("name")]
    province = province_on(day)
    if province is None:
        return []
    if level == ReporterLevel.DISTRICT:
        units = Unit.objects.valid_on(day).filter(parent=province, kind=UnitKind.DISTRICT)
    else:
        units = programme_communes(day, province)
    return [Reporter(unit=u) for u in units.order_by("sort_name", "code")]


def reporter_for_user(user) -> Reporter | None:
    """The reporter a user submits for: a district officer its district, a commune officer its
    commune, an agency officer its agency. Everybody else reports for nobody."""
    scope = scope_for(user)
    if scope.role not in (Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.AGENCY_OFFICER):
        return None
    profile = Profile.objects.select_related("organisation__unit", "scope_unit").filter(user=user).first()
    if profile is None:
        return None
    if scope.role == Role.AGENCY_OFFICER:
        return Reporter(organisation=profile.organisation)
    unit = profile.scope
    if unit is None:
        return None
    if scope.role == Role.DISTRICT_OFFICER and unit.kind != UnitKind.DISTRICT:
        return None
    if scope.role == Role.COMMUNE_OFFICER and unit.kind == UnitKind.DISTRICT:
        return None
    return Reporter(unit=unit)


def reporter_users(reporters: list[Reporter]) -> dict[str, list]:
    """Active users who report for each reporter (one query): officers whose profile scope, or
    organisation unit when no scope is set, is the unit; agency officers of the organisation."""
    unit_ids = [r.unit.pk for r in reporters if r.unit]
    org_ids = [r.organisation.pk for r in reporters if r.organisation]
    profiles = (
        Profile.objects.select_related("user", "organisation")
        .filter(user__is_active=True, organisation__is_active=True)
        .filter(role__in=[Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.AGENCY_OFFICER])
    )
    profiles = profiles.filter(
        Q(scope_unit_id__in=unit_ids)
        | Q(scope_unit__isnull=True, organisation__unit_id__in=unit_ids)
        | Q(role=Role.AGENCY_OFFICER, organisation_id__in=org_ids)
    )
    out: dict[str, list] = {}
    for p in profiles:
        if p.role == Role.AGENCY_OFFICER:
            key = f"o{p.organisation_id}"
        else:
            key = f"u{p.scope_unit_id or p.organisation.unit_id}"
        out.setdefault(key, []).append(p.user)
    return out
