"""Recognition and revocation decisions (legal status, apart from the computed status)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Recognition, Revocation
from assessments.services import BatchRejected, _recorder
from audit import services as audit
from units.models import Unit


@dataclass(frozen=True)
class Decision:
    """One recognition decision to record (record_recognitions_many)."""

    unit: Unit
    level_code: str
    level_rank: int
    family: str
    decision_number: str
    decision_date: datetime.date
    issuer: str
    note: str = ""


def _problems(decision: Decision) -> dict[str, str]:
    problems = {}
    if not decision.decision_number.strip():
        problems["decision_number"] = _("The decision number is required.")
    if decision.decision_date > timezone.localdate():
        problems["decision_date"] = _("%(what)s cannot be in the future.") % {"what": _("The decision date")}
    return problems


@transaction.atomic
def record_recognition(
    unit: Unit,
    *,
    level_code: str,
    level_rank: int,
    family: str,
    decision_number: str,
    decision_date: datetime.date,
    issuer: str,
    note: str = "",
    user=None,
    ip_address: str | None = None,
) -> Recognition:
    decision = Decision(unit, level_code, level_rank, family, decision_number, decision_date, issuer, note)
    problems = _problems(decision)
    if problems:
        raise BatchRejected(dict(list(problems.items())[:1]))
    return record_recognitions_many([decision], user=user, ip_address=ip_address)[0]


@transaction.atomic
def record_recognitions_many(decisions: list[Decision], *, user=None,
                             ip_address: str | None = None) -> list[Recognition]:
    """Record many decisions at once (one insert, one audit insert): all or nothing. A problem
    in any decision rejects them all, each named by its unit."""
    problems = {
        f"{d.unit.name} ({d.unit.code}): {field}": message
        for d in decisions for field, message in _problems(d).items()
    }
    if problems:
        raise BatchRejected(problems)
    now = timezone.now()
    recorder = _recorder(user)
    recognitions = Recognition.objects.bulk_create([
        Recognition(unit=d.unit, level_code=d.level_code, level_rank=d.level_rank, family=d.family,
                    decision_number=d.decision_number.strip(), decision_date=d.decision_date,
                    issuer=d.issuer, note=d.note, recorded_at=now, recorded_by=recorder)
        for d in decisions
    ], batch_size=1000)
    audit.record_many([
        dict(action="recognition.create", object_type="recognition", object_id=r.pk, user=user, unit=r.unit,
             after={"level": r.level_code, "decision_number": r.decision_number,
                    "decision_date": r.decision_date.isoformat(), "issuer": r.issuer},
             ip_address=ip_address)
        for r in recognitions
    ], at=now)
    return recognitions


@transaction.atomic
def record_revocation(
    recognition: Recognition,
    *,
    decision_number: str,
    decision_date: datetime.date,
    issuer: str,
    reason: str = "",
    user=None,
    ip_address: str | None = None,
) -> Revocation:
    if hasattr(recognition, "revocation"):
        raise BatchRejected({"recognition": _("This recognition has already been revoked.")})
    if decision_date > timezone.localdate():
        raise BatchRejected({"decision_date": _("%(what)s cannot be in the future.") % {"what": _("The decision date")}})
    if decision_date < recognition.decision_date:
        raise BatchRejected(
            {"decision_date": _("A revocation cannot be dated before the recognition it revokes.")}
        )
    revocation = Revocation.objects.create(
        recognition=recognition,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=issuer,
        reason=reason,
        recorded_at=timezone.now(),
        recorded_by=_recorder(user),
    )
    audit.record(
        action="recognition.revoke",
        object_type="recognition",
        object_id=recognition.pk,
        user=user,
        unit=recognition.unit,
        after={"decision_number": decision_number, "decision_date": decision_date.isoformat()},
        reason=reason,
        ip_address=ip_address,
    )
    return revocation
