"""The notices of one user, computed from the data each time (a fixed number of queries):

- a report of the user's reporter due within NOTICE_DAYS_BEFORE days, or overdue while the
  period is open (reporting.queries.periods_for_reporter);
- a report of the user's reporter returned by the province, with its comment;
- roadmap items past their target date: each item of the user's own units (district and commune
  officers) or helped by the user's agency; province-wide readers get one count instead.

Each notice has a key that changes when the event changes (a report overdue after being due, a
second return), so marking one read never hides a later one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import scope_for
from accounts.models import Role
from notifications.models import NotificationRead
from planning.models import RoadmapItem
from reporting.models import State
from reporting.queries import periods_for_reporter
from reporting.reporters import reporter_for_user

NOTICE_DAYS_BEFORE = 7
MAX_ITEMS = 50


@dataclass
class Notice:
    key: str
    kind: str  # report_due / report_overdue / report_returned / items_overdue
    text: str
    url: str
    day: datetime.date
    read: bool = False


def _report_notices(user, today: datetime.date) -> list[Notice]:
    reporter = reporter_for_user(user)
    if reporter is None:
        return []
    notices = []
    for period, submission in periods_for_reporter(reporter, today):
        url = reverse("reporting:submission_form", args=[period.pk, reporter.key])
        values = {"report": period.schedule.name, "period": period.label,
                  "due": period.due_date.strftime("%d/%m/%Y")}
        if submission is not None and submission.state == State.RETURNED:
            stamp = submission.decided_at.strftime("%Y%m%d%H%M%S") if submission.decided_at else ""
            text = _("Report returned: %(report)s, %(period)s.") % values
            if submission.return_comment:
                text += " " + _("Reason: %(comment)s") % {"comment": submission.return_comment}
            notices.append(Notice(f"report-returned:{submission.pk}:{stamp}", "report_returned", text, url,
                                  submission.decided_at.date() if submission.decided_at else today))
            continue
        if (submission is not None and submission.is_submitted) or period.is_locked(today):
            continue
        if today > period.due_date:
            notices.append(Notice(f"report-overdue:{period.pk}:{reporter.key}", "report_overdue",
                                  _("Report overdue: %(report)s, %(period)s, was due on %(due)s.") % values, url,
                                  period.due_date))
        elif (period.due_date - today).days <= NOTICE_DAYS_BEFORE:
            notices.append(Notice(f"report-due:{period.pk}:{reporter.key}", "report_due",
                                  _("Report due on %(due)s: %(report)s, %(period)s.") % values, url,
                                  period.due_date))
    return notices


def _item_notices(user, today: datetime.date) -> list[Notice]:
    scope = scope_for(user)
    overdue = RoadmapItem.objects.overdue_on(today)
    if scope.role == Role.AGENCY_OFFICER:
        org = getattr(getattr(user, "profile", None), "organisation_id", None)
        items = overdue.filter(helping_agency_id=org) if org else overdue.none()
        if scope.readable is not None:
            items = items.filter(unit_id__in=scope.readable)
    elif scope.reads_all:
        if scope.readable is not None:  # bound to its province (accounts.bounds)
            overdue = overdue.filter(unit_id__in=scope.readable)
        count = overdue.count()
        if not count:
            return []
        text = (_("%(n)s roadmap item of the province is past its target date.") if count == 1 else
                _("%(n)s roadmap items of the province are past their target date.")) % {"n": count}
        return [Notice(f"items-overdue:{today.isoformat()}:{count}", "items_overdue", text,
                       reverse("planning:watch"), today)]
    elif scope.writable:
        items = overdue.filter(unit_id__in=scope.writable)
    else:
        return []
    return [
        Notice(f"item-overdue:{item.pk}:{item.target_date.isoformat()}", "item_overdue",
               _("Roadmap item overdue since %(day)s: %(title)s (%(unit)s).")
               % {"day": item.target_date.strftime("%d/%m/%Y"), "title": item.title, "unit": item.unit.name},
               reverse("planning:item", args=[item.pk]), item.target_date)
        for item in items.select_related("unit").order_by("target_date", "pk")[:MAX_ITEMS]
    ]


def notices_for(user, today: datetime.date) -> list[Notice]:
    """Every notice of the user, newest event first, each marked read or not."""
    if not getattr(user, "is_authenticated", False):
        return []
    notices = _report_notices(user, today) + _item_notices(user, today)
    read = set(NotificationRead.objects.filter(user=user, key__in=[n.key for n in notices])
               .values_list("key", flat=True)) if notices else set()
    for notice in notices:
        notice.read = notice.key in read
    return sorted(notices, key=lambda n: (n.read, -n.day.toordinal()))


def unread_count(user, today: datetime.date) -> int:
    return sum(1 for n in notices_for(user, today) if not n.read)
