"""Reads the write layer needs before it writes (no writes here): descriptions of plan lines, the
checks of a batch of disbursements, the latest figures, what a debt still owes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from finance import rules
from finance.models import Allocation, Debt, Disbursement, PlanLine
from finance.money import dong


@dataclass(frozen=True)
class DisbursementEntry:
    allocation: Allocation
    month: datetime.date
    cumulative: int
    where: str = ""  # where the figure came from (a sheet and cell), for the messages


def describe_line(line: PlanLine) -> str:
    parts = [str(line.year), line.programme.short_name]
    if line.component_id:
        parts.append(line.component.name)
    parts.append(line.source.name)
    return " · ".join(parts)


def check_disbursements(entries: list[DisbursementEntry], latest: dict[int, tuple]) -> list[str]:
    """Reasons to refuse the entries (empty when all are fine). `latest` maps an allocation id to
    (month, cumulative, previous cumulative) of its latest recorded month."""
    errors = []
    seen = set()
    for e in entries:
        alloc = e.allocation
        prefix = f"{e.where}: " if e.where else ""
        line = alloc.plan_line
        month = e.month.replace(day=1)
        key = (alloc.pk, month)
        if key in seen:
            errors.append(prefix + _("the same project, source and month appear twice."))
            continue
        seen.add(key)
        if e.cumulative < 0:
            errors.append(prefix + _("a disbursed amount cannot be negative."))
            continue
        last = rules.last_month(line.year, line.source.capital_kind)
        if month < datetime.date(line.year, 1, 1) or month > last:
            errors.append(prefix + _(
                "%(month)s is outside the disbursement time of the %(year)s plan (until %(deadline)s)."
            ) % {"month": f"{month:%m/%Y}", "year": line.year,
                 "deadline": rules.deadline(line.year, line.source.capital_kind).day.strftime("%d/%m/%Y")})
            continue
        if e.cumulative > alloc.amount:
            errors.append(prefix + _(
                "the cumulative disbursement %(paid)s of %(project)s exceeds its allocation %(allocated)s."
            ) % {"paid": dong(e.cumulative), "project": alloc.project.name, "allocated": dong(alloc.amount)})
            continue
        found = latest.get(alloc.pk)
        if found is not None:
            last_month, last_cumulative, previous = found
            if month < last_month:
                errors.append(prefix + _(
                    "%(month)s is before the latest month already reported (%(latest)s)."
                ) % {"month": f"{month:%m/%Y}", "latest": f"{last_month:%m/%Y}"})
            elif month > last_month and e.cumulative < last_cumulative:
                errors.append(prefix + _(
                    "the cumulative disbursement %(paid)s is lower than the %(before)s reported for %(latest)s."
                ) % {"paid": dong(e.cumulative), "before": dong(last_cumulative),
                     "latest": f"{last_month:%m/%Y}"})
            elif month == last_month and e.cumulative < previous:
                errors.append(prefix + _(
                    "the cumulative disbursement %(paid)s is lower than the %(before)s of the month before."
                ) % {"paid": dong(e.cumulative), "before": dong(previous)})
    return errors


def latest_disbursements(allocation_ids) -> dict[int, tuple]:
    """{allocation id: (latest month, its cumulative, the cumulative of the month before it)}:
    one query."""
    out: dict[int, tuple] = {}
    rows = (Disbursement.objects.filter(allocation_id__in=allocation_ids)
            .order_by("allocation_id", "-month").values_list("allocation_id", "month", "cumulative", "amount"))
    for alloc_id, month, cumulative, amount in rows:
        if alloc_id not in out:
            out[alloc_id] = (month, cumulative, cumulative - amount)
    return out


def outstanding(debt: Debt) -> int:
    return debt.amount - (debt.repayments.aggregate(s=Sum("amount"))["s"] or 0)
