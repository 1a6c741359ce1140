"""Every write of the reporting cycle: schedules, periods, submissions and their state changes,
reminder emails. Each function owns its transaction and writes its audit record.

State machine of a submission (State):
    not started → draft (save_draft) | submitted (submit)
    draft → draft (save_draft) | submitted (submit)
    submitted → returned (return_submission, with a comment) | accepted (accept_submission)
    submitted → draft (withdraw, by the reporter, on or before the due date, while undecided)
    returned → draft (save_draft) | submitted (submit)
    accepted: final.
Reporters cannot change anything after the period's lock date; the province can still decide.
A report is submitted only with every section of its schedule filled in, and on time when the
version the province accepts (until it decides: the latest version submitted) was submitted on
or before the due date (TIMELINESS_RULE).
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit import services as audit
from reporting.models import (
    ALL_SECTIONS,
    Frequency,
    ReminderKind,
    ReminderLog,
    ReporterLevel,
    ReportingPeriod,
    ReportSchedule,
    State,
    Submission,
    SubmissionEvent,
)
from reporting.reporters import Reporter, expected_reporters, key_of, reporter_users

log = logging.getLogger(__name__)

MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}
REFORM = datetime.date(2025, 7, 1)


class TransitionRefused(ValidationError):
    """The submission is not in a state that allows the change, or the period is locked."""


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@transaction.atomic
def create_schedule(
    *, code: str, name: str, reporter_level: str, frequency: str, due_day: int, lock_day: int,
    valid_from: datetime.date, valid_to: datetime.date | None = None, sections: list[str] | None = None,
    includes_values: bool = True, user=None,
) -> ReportSchedule:
    if reporter_level not in ReporterLevel.values or frequency not in Frequency.values:
        raise ValidationError(_("Unknown reporter level or frequency."))
    if not (1 <= due_day <= 28 and 1 <= lock_day <= 28):
        raise ValidationError(_("The due day and the lock day must be between 1 and 28."))
    sections = ALL_SECTIONS if sections is None else [s for s in sections if s in ALL_SECTIONS]
    schedule = ReportSchedule.objects.create(
        code=code, name=name, reporter_level=reporter_level, frequency=frequency, due_day=due_day,
        lock_day=lock_day, valid_from=valid_from, valid_to=valid_to, sections=sections,
        includes_values=includes_values,
    )
    audit.record(action="reporting.schedule.create", object_type="report_schedule", object_id=schedule.pk,
                 user=user, after={"code": code, "reporter_level": reporter_level, "frequency": frequency,
                                   "due_day": due_day, "lock_day": lock_day,
                                   "valid_from": valid_from.isoformat(),
                                   "valid_to": valid_to.isoformat() if valid_to else None})
    return schedule


def period_bounds(schedule: ReportSchedule, day: datetime.date) -> tuple[datetime.date, ...]:
    """(start, end, due date, lock date) of the schedule's period containing the day."""
    months = MONTHS[schedule.frequency]
    first = _month_start(day)
    first = first.replace(month=(first.month - 1) // months * months + 1)
    last_month = _add_months(first, months - 1)
    end = _month_end(last_month)
    due = last_month.replace(day=schedule.due_day)
    lock = _add_months(last_month, 1).replace(day=schedule.lock_day)
    return first, end, due, lock


@transaction.atomic
def generate_periods(schedule: ReportSchedule, start: datetime.date, end: datetime.date, *, user=None) -> list:
    """The schedule's periods between two dates (get or create), limited to periods whose due
    date falls within the schedule's validity. Returns the periods created."""
    created = []
    day = _month_start(start)
    while day <= end:
        p_start, p_end, due, lock = period_bounds(schedule, day)
        day = _add_months(p_start, MONTHS[schedule.frequency])
        if due < schedule.valid_from or (schedule.valid_to and due > schedule.valid_to):
            continue
        period, was_created = ReportingPeriod.objects.get_or_create(
            schedule=schedule, start=p_start, defaults={"end": p_end, "due_date": due, "lock_date": lock}
        )
        if was_created:
            created.append(period)
    if created:
        audit.record(action="reporting.periods.generate", object_type="report_schedule",
                     object_id=schedule.pk, user=user,
                     after={"from": start.isoformat(), "to": end.isoformat(),
                            "created": [p.start.isoformat() for p in created]})
    return created


DEFAULT_SCHEDULES = [
    # code, name, reporter level, frequency, due day, lock day, valid from, valid to
    ("ntm-thang-huyen", "Báo cáo tháng tiến độ NTM (cấp huyện)", ReporterLevel.DISTRICT, Frequency.MONTHLY,
     25, 5, datetime.date(2023, 7, 1), REFORM - datetime.timedelta(days=1)),
    ("ntm-thang-xa", "Báo cáo tháng tiến độ NTM (cấp xã)", ReporterLevel.COMMUNE, Frequency.MONTHLY,
     25, 5, REFORM, None),
    ("ntm-quy-so-nganh", "Báo cáo quý của sở, ngành về tiêu chí được phân công", ReporterLevel.AGENCY,
     Frequency.QUARTERLY, 15, 5, datetime.date(2023, 7, 1), None),
]


def ensure_default_schedules(*, until: datetime.date | None = None, user=None) -> list[ReportSchedule]:
    """The directive's schedules (districts monthly until the reform, communes monthly after it,
    agencies quarterly) and their periods up to `until` (default: end of this year). Reuses what
    exists; each creation goes through the audited functions above."""
    until = until or datetime.date(timezone.localdate().year, 12, 31)
    schedules = []
    with transaction.atomic():
        for code, name, level, frequency, due, lock, valid_from, valid_to in DEFAULT_SCHEDULES:
            schedule = ReportSchedule.objects.filter(code=code).first() or create_schedule(
                code=code, name=name, reporter_level=level, frequency=frequency, due_day=due, lock_day=lock,
                valid_from=valid_from, valid_to=valid_to, user=user,
                sections=ALL_SECTIONS,
            )
            generate_periods(schedule, valid_from, min(until, valid_to or until), user=user)
            schedules.append(schedule)
    return schedules


# --- Submissions -------------------------------------------------------------------------------


TIMELINESS_RULE = _lazy(
    "A report is on time when the version the province accepts was submitted on or before the due "
    "date; until the province decides, the latest version submitted counts. A report withdrawn or "
    "returned and submitted again is judged on the new submission.")


def missing_sections(period: ReportingPeriod, sections: dict | None) -> list[str]:
    """The labels of the schedule's sections left empty: a report cannot be submitted with any."""
    sections = sections or {}
    return [label for key, label in period.schedule.section_choices if not str(sections.get(key, "")).strip()]


def _clean_sections(period: ReportingPeriod, sections: dict | None) -> dict:
    allowed = period.schedule.sections
    return {key: str(sections.get(key, "")).strip() for key in allowed} if sections else {}


def _event(submission: Submission, user, from_state: str, to_state: str, comment: str = "", at=None) -> None:
    SubmissionEvent.objects.create(submission=submission, at=at or timezone.now(), user=user,
                                   from_state=from_state, to_state=to_state, comment=comment)


def _audit(submission: Submission, action: str, user, before: str, after: dict, reason: str = "",
           ip_address: str | None = None) -> None:
    audit.record(action=action, object_type="submission", object_id=submission.pk, user=user,
                 unit=submission.unit, before={"state": before}, after=after, reason=reason,
                 ip_address=ip_address)


def _locked_for_reporter(period: ReportingPeriod) -> None:
    if period.is_locked(timezone.localdate()):
        raise TransitionRefused(_("The period is locked: reports can no longer be changed."))


def _get_or_new(period: ReportingPeriod, reporter: Reporter, now) -> tuple[Submission, str]:
    submission = (
        Submission.objects.select_for_update().filter(period=period, **reporter.filter()).first()
    )
    if submission is None:
        submission = Submission(period=period, state=State.DRAFT, created_at=now, updated_at=now,
                                **reporter.filter())
        return submission, State.NOT_STARTED
    return submission, submission.state


@transaction.atomic
def save_draft(*, user, period: ReportingPeriod, reporter: Reporter, sections: dict,
               ip_address: str | None = None) -> Submission:
    _locked_for_reporter(period)
    now = timezone.now()
    submission, before = _get_or_new(period, reporter, now)
    if before not in (State.NOT_STARTED, State.DRAFT, State.RETURNED):
        raise TransitionRefused(_("A submitted or accepted report cannot be edited."))
    submission.sections = _clean_sections(period, sections)
    submission.state = State.DRAFT
    submission.updated_at = now
    submission.save()
    if before != State.DRAFT:
        _event(submission, user, before, State.DRAFT, at=now)
    _audit(submission, "reporting.submission.draft", user, before, {"state": State.DRAFT}, ip_address=ip_address)
    return submission


@transaction.atomic
def submit(*, user, period: ReportingPeriod, reporter: Reporter, sections: dict | None = None,
           ip_address: str | None = None) -> Submission:
    """Submit the report; the server's clock sets the submission time (first submission: history; each submission: the version that stands)."""
    _locked_for_reporter(period)
    now = timezone.now()
    submission, before = _get_or_new(period, reporter, now)
    if before not in (State.NOT_STARTED, State.DRAFT, State.RETURNED):
        raise TransitionRefused(_("This report has already been submitted."))
    if sections is not None:
        submission.sections = _clean_sections(period, sections)
    missing = missing_sections(period, submission.sections)
    if missing:
        raise TransitionRefused(_("Fill in every section before submitting: %(sections)s.")
                                % {"sections": ", ".join(str(m) for m in missing)})
    submission.state = State.SUBMITTED
    submission.updated_at = now
    if submission.submitted_at is None:
        submission.submitted_at = now
        submission.submitted_by = user if getattr(user, "is_authenticated", False) else None
    submission.last_submitted_at = now
    submission.save()
    _event(submission, user, before, State.SUBMITTED, at=now)
    _audit(submission, "reporting.submission.submit", user, before,
           {"state": State.SUBMITTED, "submitted_at": submission.submitted_at.isoformat(),
            "on_time": is_on_time(submission)}, ip_address=ip_address)
    return submission


@transaction.atomic
def withdraw(*, user, period: ReportingPeriod, reporter: Reporter, ip_address: str | None = None) -> Submission:
    """Take a submitted report back as a draft: only before the province decides and on or
    before the due date. It no longer counts as submitted until it is submitted again."""
    submission = Submission.objects.select_for_update().filter(period=period, **reporter.filter()).first()
    if submission is None or submission.state != State.SUBMITTED:
        raise TransitionRefused(_("Only a submitted report the province has not decided on can be withdrawn."))
    if timezone.localdate() > period.due_date:
        raise TransitionRefused(_("A report can be withdrawn only until its due date."))
    now = timezone.now()
    submission.state = State.DRAFT
    submission.last_submitted_at = None
    submission.updated_at = now
    submission.save()
    _event(submission, user, State.SUBMITTED, State.DRAFT, _("Withdrawn by the reporter"), at=now)
    _audit(submission, "reporting.submission.withdraw", user, State.SUBMITTED, {"state": State.DRAFT},
           ip_address=ip_address)
    return submission


def can_withdraw(submission: Submission | None, today: datetime.date) -> bool:
    return bool(submission and submission.state == State.SUBMITTED and today <= submission.period.due_date)


def is_on_time(submission: Submission) -> bool | None:
    """The version that counts (the accepted one, or the latest submitted while the province has
    not decided) was submitted on or before the due date, in Asia/Ho_Chi_Minh. None while no
    version stands submitted."""
    if submission.last_submitted_at is None:
        return None
    return timezone.localtime(submission.last_submitted_at).date() <= submission.period.due_date


@transaction.atomic
def return_submission(*, user, submission: Submission, comment: str, ip_address: str | None = None) -> Submission:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why the report is returned."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != State.SUBMITTED:
        raise TransitionRefused(_("Only a submitted report can be returned."))
    now = timezone.now()
    submission.state = State.RETURNED
    submission.return_comment = comment
    submission.decided_at, submission.decided_by, submission.updated_at = now, user, now
    submission.save()
    _event(submission, user, State.SUBMITTED, State.RETURNED, comment, at=now)
    _audit(submission, "reporting.submission.return", user, State.SUBMITTED, {"state": State.RETURNED},
           reason=comment, ip_address=ip_address)
    return submission


@transaction.atomic
def accept_submission(*, user, submission: Submission, ip_address: str | None = None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != State.SUBMITTED:
        raise TransitionRefused(_("Only a submitted report can be accepted."))
    now = timezone.now()
    submission.state = State.ACCEPTED
    submission.decided_at, submission.decided_by, submission.updated_at = now, user, now
    submission.save()
    _event(submission, user, State.SUBMITTED, State.ACCEPTED, at=now)
    _audit(submission, "reporting.submission.accept", user, State.SUBMITTED, {"state": State.ACCEPTED},
           ip_address=ip_address)
    return submission


# --- Reminders ---------------------------------------------------------------------------------


def _reminder_kind(period: ReportingPeriod, today: datetime.date) -> str | None:
    days_before = settings.NTM_REMINDER_DAYS_BEFORE
    if period.due_date - datetime.timedelta(days=days_before) <= today <= period.due_date:
        return ReminderKind.BEFORE
    if period.due_date < today and not period.is_locked(today):
        return ReminderKind.OVERDUE
    return None


def _message(kind: str, period: ReportingPeriod, reporter: Reporter) -> tuple[str, str]:
    values = {"report": period.schedule.name, "period": period.label, "reporter": reporter.name,
              "due": period.due_date.strftime("%d/%m/%Y")}
    if kind == ReminderKind.BEFORE:
        subject = _("Reminder: %(report)s, %(period)s, due on %(due)s") % values
        body = _("The report “%(report)s” of %(reporter)s for %(period)s is due on %(due)s and has "
                 "not been submitted yet. Please submit it on the reporting page.") % values
    else:
        subject = _("Overdue: %(report)s, %(period)s") % values
        body = _("The report “%(report)s” of %(reporter)s for %(period)s was due on %(due)s and has "
                 "not been submitted. Please submit it as soon as possible.") % values
    return subject, body


def send_due_reminders(today: datetime.date) -> list[ReminderLog]:
    """Email the users of every expected reporter that has not submitted: once in the
    NTM_REMINDER_DAYS_BEFORE days up to the due date, once after it (until the lock date).

    Each email is its own transaction: the ReminderLog row (unique per period, recipient and
    kind, so a reminder never goes out twice, even from two runs at once), the email and the
    audit record. A failed send rolls its row back and is tried again on the next run."""
    sent = []
    periods = ReportingPeriod.objects.select_related("schedule").filter(
        due_date__gte=today - datetime.timedelta(days=62),
        due_date__lte=today + datetime.timedelta(days=settings.NTM_REMINDER_DAYS_BEFORE),
    )
    with translation.override(settings.LANGUAGE_CODE):
        for period in periods:
            kind = _reminder_kind(period, today)
            if kind is None:
                continue
            reporters = expected_reporters(period)
            done = {key_of(s) for s in period.submissions.filter(last_submitted_at__isnull=False)}
            waiting = [r for r in reporters if r.key not in done]
            already = set(ReminderLog.objects.filter(period=period, kind=kind).values_list("recipient_id", flat=True))
            users = reporter_users(waiting)
            for reporter in waiting:
                for user in users.get(reporter.key, []):
                    if not user.email or user.pk in already:
                        continue
                    row = _send_one(period, reporter, user, kind)
                    if row is not None:
                        sent.append(row)
    return sent


def _send_one(period, reporter: Reporter, user, kind: str) -> ReminderLog | None:
    subject, body = _message(kind, period, reporter)
    try:
        with transaction.atomic():
            row = ReminderLog.objects.create(
                schedule=period.schedule, period=period, unit=reporter.unit, organisation=reporter.organisation,
                recipient=user, email=user.email, kind=kind, sent_at=timezone.now(),
            )
            send_mail(subject, body, None, [user.email])
            audit.record(action="reporting.reminder.send", object_type="reminder", object_id=row.pk,
                         unit=reporter.unit, after={"period": period.pk, "kind": kind, "to": user.email})
    except IntegrityError:
        return None  # sent by another run meanwhile
    except Exception:  # noqa: BLE001 - one bad address must not stop the others
        log.exception("reminder to %s failed", user.email)
        return None
    return row


@dataclass
class ReminderOutcome:
    sent: int = 0
    already: int = 0  # recipients reminded before for this period and kind
    without_email: list[str] = field(default_factory=list)  # reporters nobody with an address can be told for


def send_period_reminders(*, user, period: ReportingPeriod, today: datetime.date | None = None,
                          ip_address: str | None = None) -> ReminderOutcome:
    """The "send reminder" button of a period: the same emails as send_due_reminders (one per
    recipient, period and kind, each audited), to every expected reporter that has not submitted,
    whatever the day; the request itself is audited with its counts. Refused once the period
    is locked (reporters can no longer submit)."""
    today = today or timezone.localdate()
    if period.is_locked(today):
        raise TransitionRefused(_("The period is locked: reporters can no longer submit, so no reminder is sent."))
    kind = ReminderKind.OVERDUE if today > period.due_date else ReminderKind.BEFORE
    outcome = ReminderOutcome()
    with translation.override(settings.LANGUAGE_CODE):
        reporters = expected_reporters(period)
        done = {key_of(s) for s in period.submissions.filter(last_submitted_at__isnull=False)
                if s.state != State.RETURNED}
        waiting = [r for r in reporters if r.key not in done]
        already = set(ReminderLog.objects.filter(period=period, kind=kind).values_list("recipient_id", flat=True))
        users = reporter_users(waiting)
        for reporter in waiting:
            reachable = [u for u in users.get(reporter.key, []) if u.email]
            if not reachable:
                outcome.without_email.append(reporter.name)
            for recipient in reachable:
                if recipient.pk in already:
                    outcome.already += 1
                elif _send_one(period, reporter, recipient, kind) is not None:
                    outcome.sent += 1
    with transaction.atomic():
        audit.record(action="reporting.reminder.request", object_type="reporting_period", object_id=period.pk,
                     user=user, ip_address=ip_address,
                     after={"kind": kind, "sent": outcome.sent, "already": outcome.already,
                            "without_email": len(outcome.without_email)})
    return outcome
