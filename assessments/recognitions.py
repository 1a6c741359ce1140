"""Recognition and revocation decisions (legal status, apart from the computed status)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Recognition, Revocation
from assessments.services import BatchRejected, _recorder
from audit import services as audit
from units.models import Unit


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
    if not decision_number.strip():
        raise BatchRejected({"decision_number": _("The decision number is required.")})
    if decision_date > timezone.localdate():
        raise BatchRejected({"decision_date": _("%(what)s cannot be in the future.") % {"what": _("The decision date")}})
    recognition = Recognition.objects.create(
        unit=unit,
        level_code=level_code,
        level_rank=level_rank,
        family=family,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuer=issuer,
        note=note,
        recorded_at=timezone.now(),
        recorded_by=_recorder(user),
    )
    audit.record(
        action="recognition.create",
        object_type="recognition",
        object_id=recognition.pk,
        user=user,
        unit=unit,
        after={
            "level": level_code,
            "decision_number": recognition.decision_number,
            "decision_date": decision_date.isoformat(),
            "issuer": issuer,
        },
        ip_address=ip_address,
    )
    return recognition


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
