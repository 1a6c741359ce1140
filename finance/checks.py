"""Reads the write layer needs before it writes (no writes here): descriptions of plan lines, the
checks of a batch of disbursements, the latest figures, what a debt still owes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from finance import rules
from finance.models import Allocation, Debt, PlanLine
from finance.money import dong


@dataclass(frozen=True)
class DisbursementEntry:
    allocation: Allocation | int
    month: datetime.date
    cumulative: int
    where: str = ""  # where the figure came from (a sheet and cell), for the messages

    @property
    def allocation_id(self) -> int:
        return self.allocation if isinstance(self.allocation, int) else self.allocation.pk


@dataclass(frozen=True)
class AllocationFacts:
    """What checking a disbursement of an allocation needs, read in one query for a batch."""

    pk: int
    plan_line_id: int
    year: int
    capital_kind: str
    amount: int
    project_name: str
    # (latest month, its cumulative, the cumulative before it), None when nothing was reported
    latest: tuple | None


FACT_FIELDS = ("pk", "plan_line_id", "plan_line__year", "plan_line__source__capital_kind", "amount",
               "project__name", "disbursed_month", "disbursed", "disbursed_before")


def facts_from_row(row) -> AllocationFacts:
    pk, line_id, year, kind, amount, name, month, disbursed, before = row
    return AllocationFacts(pk, line_id, year, kind, amount, name,
                           (month, disbursed, before) if month is not None else None)


def allocation_facts(allocation_ids) -> dict[int, AllocationFacts]:
    rows = Allocation.objects.filter(pk__in=list(allocation_ids)).values_list(*FACT_FIELDS)
    return {row[0]: facts_from_row(row) for row in rows}


def describe_line(line: PlanLine) -> str:
    parts = [str(line.year), line.programme.short_name]
    if line.component_id:
        parts.append(line.component.name)
    parts.append(line.source.name)
    return " · ".join(parts)


def check_disbursements(entries: list[DisbursementEntry], facts: dict[int, AllocationFacts]) -> list[str]:
    """Reasons to refuse the entries (empty when all are fine)."""
    errors = []
    seen = set()
    deadlines: dict[tuple[int, str], rules.Deadline] = {}
    for e in entries:
        alloc = facts[e.allocation_id]
        prefix = f"{e.where}: " if e.where else ""
        month = e.month.replace(day=1)
        key = (alloc.pk, month)
        if key in seen:
            errors.append(prefix + _("the same project, source and month appear twice."))
            continue
        seen.add(key)
        if e.cumulative < 0:
            errors.append(prefix + _("a disbursed amount cannot be negative."))
            continue
        deadline = deadlines.get((alloc.year, alloc.capital_kind))
        if deadline is None:
            deadline = deadlines[(alloc.year, alloc.capital_kind)] = rules.deadline(alloc.year, alloc.capital_kind)
        if month < datetime.date(alloc.year, 1, 1) or month > deadline.day:
            errors.append(prefix + _(
                "%(month)s is outside the disbursement time of the %(year)s plan (until %(deadline)s)."
            ) % {"month": f"{month:%m/%Y}", "year": alloc.year, "deadline": deadline.day.strftime("%d/%m/%Y")})
            continue
        if e.cumulative > alloc.amount:
            errors.append(prefix + _(
                "the cumulative disbursement %(paid)s of %(project)s exceeds its allocation %(allocated)s."
            ) % {"paid": dong(e.cumulative), "project": alloc.project_name, "allocated": dong(alloc.amount)})
            continue
        if alloc.latest is not None:
            last_month, last_cumulative, previous = alloc.latest
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


def outstanding(debt: Debt) -> int:
    return debt.amount - (debt.repayments.aggregate(s=Sum("amount"))["s"] or 0)
