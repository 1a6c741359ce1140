"""The money that moved: monthly disbursements (with their corrections kept as history), construction
debts and their repayments. Each function owns its transaction and writes one audit record;
`finance.services` re-exports them, so callers have one place to look."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from finance.checks import (
    AllocationFacts,
    DisbursementEntry,
    allocation_facts,
    check_disbursements,
    outstanding,
)
from finance.models import (
    Allocation,
    Debt,
    Disbursement,
    DisbursementCorrection,
    LineMonth,
    Project,
    Repayment,
)
from finance.money import dong
from finance.services import Refused, _amount, _creator

# ------------------------------------------------------------------ disbursement


@dataclass
class DisbursementResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@transaction.atomic
def record_disbursements(entries: list[DisbursementEntry], *, user=None, reason: str = "",
                         origin: str = "form", ip_address: str | None = None,
                         facts: dict[int, AllocationFacts] | None = None) -> DisbursementResult:
    """Record cumulative disbursements (the treasury's figures) for allocations and months: the
    latest month of an allocation may be corrected (the replaced figure is kept as a
    DisbursementCorrection), a later month added. All or nothing; one
    audit record for the batch. `facts` (allocation_facts of the entries) may be passed by a
    caller that has read them already, in this transaction."""
    if facts is None:
        facts = allocation_facts({e.allocation_id for e in entries})
    errors = check_disbursements(entries, facts)
    if errors:
        raise Refused(errors)
    now = timezone.now()
    result = DisbursementResult()
    new, changed_rows, changes, corrections = [], [], [], []
    existing = {}
    corrected = [e for e in entries if (facts[e.allocation_id].latest or (None,))[0] == e.month.replace(day=1)]
    if corrected:
        existing = {
            (d.allocation_id, d.month): d
            for d in Disbursement.objects.filter(
                allocation_id__in={e.allocation_id for e in corrected},
                month__in={e.month.replace(day=1) for e in corrected})
        }
    for e in entries:
        month = e.month.replace(day=1)
        found = facts[e.allocation_id].latest
        if found is not None and found[0] == month:
            row = existing[(e.allocation_id, month)]
            if row.cumulative == e.cumulative:
                result.unchanged += 1
                continue
            changes.append([e.allocation_id, f"{month:%Y-%m}", row.cumulative, e.cumulative])
            corrections.append(DisbursementCorrection(
                disbursement_id=row.pk, cumulative_before=row.cumulative, cumulative_after=e.cumulative,
                origin=origin[:64], reason=reason[:500], recorded_at=now, recorded_by=_creator(user)))
            row.amount = e.cumulative - found[2]
            row.cumulative = e.cumulative
            row.recorded_at = now
            changed_rows.append(row)
            result.changed += 1
        else:
            previous = found[1] if found is not None else 0
            new.append((e.allocation_id, month, e.cumulative, e.cumulative - previous))
            changes.append([e.allocation_id, f"{month:%Y-%m}", None, e.cumulative])
            result.created += 1
    _insert_disbursements(new, now)
    if changed_rows:
        Disbursement.objects.bulk_update(changed_rows, ["cumulative", "amount", "recorded_at"], batch_size=1000)
        DisbursementCorrection.objects.bulk_create(corrections, batch_size=1000)
    if new or changed_rows:
        _refresh_summaries(now, {facts[e.allocation_id].plan_line_id for e in entries},
                           {e.month.replace(day=1) for e in entries})
    if changes:
        audit.record(action="finance.disbursement", object_type="disbursement", object_id=origin, user=user,
                     after={"created": result.created, "changed": result.changed,
                            "rows": changes if len(changes) <= 200 else changes[:200],
                            "rows_total": len(changes)},
                     reason=reason, ip_address=ip_address)
    return result


def _insert_disbursements(rows: list[tuple], recorded_at) -> None:
    """INSERT the new monthly rows (allocation id, month, cumulative, amount) with one prepared
    statement: bulk_create compiles every value of every object (half a second for a treasury
    file of 6,000 rows); this is the same insert, with the values adapted the same way."""
    if not rows:
        return
    ops = connection.ops
    meta = Disbursement._meta
    columns = [meta.get_field(name).column for name in ("allocation", "month", "cumulative", "amount",
                                                        "recorded_at")]
    at = ops.adapt_datetimefield_value(recorded_at)
    sql = (f"INSERT INTO {ops.quote_name(meta.db_table)} ({', '.join(ops.quote_name(c) for c in columns)}) "
           f"VALUES (%s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(a, ops.adapt_datefield_value(m), c, d, at) for a, m, c, d in rows])


def _refresh_summaries(recorded_at, line_ids: set[int], months: set[datetime.date]) -> None:
    """Bring the read shortcuts up to date after disbursement rows were written at recorded_at:
    each touched allocation's latest figure (one UPDATE) and the month totals of the touched plan
    lines (one aggregate, one upsert)."""
    latest = Disbursement.objects.filter(allocation=OuterRef("pk")).order_by("-month")
    Allocation.objects.filter(
        pk__in=Disbursement.objects.filter(recorded_at=recorded_at).values("allocation_id")
    ).update(disbursed=Subquery(latest.values("cumulative")[:1]),
             disbursed_month=Subquery(latest.values("month")[:1]),
             disbursed_before=Subquery(latest.annotate(before=F("cumulative") - F("amount")).values("before")[:1]))
    totals = (Disbursement.objects.filter(month__in=months, allocation__plan_line_id__in=line_ids)
              .values("allocation__plan_line_id", "month").annotate(s=Sum("amount")))
    LineMonth.objects.bulk_create(
        [LineMonth(plan_line_id=row["allocation__plan_line_id"], month=row["month"], amount=row["s"])
         for row in totals],
        update_conflicts=True, unique_fields=["plan_line", "month"], update_fields=["amount"])


# ------------------------------------------------------------------ debt


@transaction.atomic
def record_debt(project: Project, *, amount: int, since: datetime.date, note: str = "", user=None,
                reason: str = "", ip_address: str | None = None, illustrative: bool = False) -> Debt:
    amount = _amount(amount)
    if amount == 0:
        raise Refused(_("A debt must be more than 0 đ."))
    debt = Debt.objects.create(project=project, unit=project.unit, amount=amount, since=since, note=note,
                               illustrative=illustrative, recorded_at=timezone.now())
    audit.record(action="finance.debt", object_type="debt", object_id=debt.pk, user=user, unit=project.unit,
                 after={"project": project.code, "amount": amount, "since": since.isoformat(), "note": note},
                 reason=reason, ip_address=ip_address)
    return debt


@transaction.atomic
def record_repayment(debt: Debt, *, amount: int, date: datetime.date, note: str = "", user=None,
                     reason: str = "", ip_address: str | None = None) -> Repayment:
    debt = Debt.objects.select_for_update(of=("self",)).select_related("project", "unit").get(pk=debt.pk)
    amount = _amount(amount)
    left = outstanding(debt)
    if amount == 0 or amount > left:
        raise Refused(
            _("A repayment of %(amount)s is not possible: the debt of %(project)s has %(left)s outstanding.")
            % {"amount": dong(amount), "project": debt.project.name, "left": dong(left)}
        )
    repayment = Repayment.objects.create(debt=debt, date=date, amount=amount, note=note,
                                         recorded_at=timezone.now())
    audit.record(action="finance.repayment", object_type="debt", object_id=debt.pk, user=user, unit=debt.unit,
                 before={"outstanding": left}, after={"repaid": amount, "outstanding": left - amount,
                                                      "date": date.isoformat()},
                 reason=reason, ip_address=ip_address)
    return repayment
