"""Writes on recognition decisions outside a dossier: the direct record (a decision taken outside
the system, e.g. before it existed, marked as such), its signed scan, and the correction of a
mistyped decision (number, date, signer) that keeps the old values. A correction is not a
revocation. Every function owns its transaction and writes an audit record."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Recognition
from assessments.services import _recorder, record_recognition
from audit import services as audit
from config.text import clean_text
from planning.evidence import content_matches, extension
from planning.models import MAX_EVIDENCE_BYTES
from recognition.models import DecisionRecord, RecognitionCorrection
from units.models import Unit

SCAN_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")


class DecisionRefused(Exception):
    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def _decision_date(day: datetime.date | None) -> datetime.date:
    if day is None:
        raise DecisionRefused(_("%(what)s is required.") % {"what": _("The decision date")})
    if day > timezone.localdate():
        raise DecisionRefused(_("%(what)s cannot be in the future.") % {"what": _("The decision date")})
    return day


def _required(value: str, label: str) -> str:
    value = clean_text(value or "").strip()
    if not value:
        raise DecisionRefused(_("%(what)s is required.") % {"what": label})
    return value


def _check_scan(scan) -> None:
    ext = extension(getattr(scan, "name", ""))
    if ext not in SCAN_EXTENSIONS or not content_matches(scan, ext):
        raise DecisionRefused(_("The signed scan must be a PDF, JPG or PNG file."))
    if scan.size > MAX_EVIDENCE_BYTES:
        raise DecisionRefused(_("The file is larger than 10 MB."))


@transaction.atomic
def record_direct_recognition(unit: Unit, *, level_code: str, level_rank: int, family: str, decision_number: str,
                              decision_date: datetime.date, issuer: str, note: str = "",
                              before_system: bool = False, signed_scan=None, user=None,
                              ip_address: str | None = None) -> Recognition:
    """A recognition decision recorded directly, without a dossier: refused when dated in the
    future; `before_system` marks a decision taken before this system existed."""
    number = _required(decision_number, _("The decision number"))
    issuer = _required(issuer, _("The signer"))
    _decision_date(decision_date)
    if signed_scan:
        _check_scan(signed_scan)
    recognition = record_recognition(unit, level_code=level_code, level_rank=level_rank, family=family,
                                     decision_number=number, decision_date=decision_date, issuer=issuer,
                                     note=clean_text(note).strip(), user=user, ip_address=ip_address)
    record = DecisionRecord(recognition=recognition, before_system=bool(before_system), recorded_at=timezone.now())
    if signed_scan:
        record.signed_scan.save(f"qd-{recognition.pk}.{extension(signed_scan.name)}", signed_scan, save=False)
    record.save()
    audit.record(action="recognition.direct_record", object_type="recognition", object_id=recognition.pk,
                 user=user, unit=unit, after={"before_system": record.before_system,
                                              "signed_scan": record.signed_scan.name or ""},
                 ip_address=ip_address)
    return recognition


@transaction.atomic
def attach_signed_scan(recognition: Recognition, *, signed_scan, user=None,
                       ip_address: str | None = None) -> DecisionRecord:
    """Attach (or replace) the signed scan of a recognition decision; the replaced file's name
    stays in the audit record."""
    if not signed_scan:
        raise DecisionRefused(_("The signed scan must be a PDF, JPG or PNG file."))
    _check_scan(signed_scan)
    record, _created = DecisionRecord.objects.select_for_update().get_or_create(
        recognition=recognition, defaults={"recorded_at": timezone.now()})
    before = record.signed_scan.name or ""
    record.signed_scan.save(f"qd-{recognition.pk}.{extension(signed_scan.name)}", signed_scan, save=False)
    record.save()
    audit.record(action="recognition.attach_scan", object_type="recognition", object_id=recognition.pk,
                 user=user, unit=recognition.unit, before={"signed_scan": before},
                 after={"signed_scan": record.signed_scan.name}, ip_address=ip_address)
    return record


@transaction.atomic
def correct_recognition(recognition: Recognition, *, decision_number: str, decision_date: datetime.date,
                        issuer: str, reason: str, user=None, ip_address: str | None = None) -> Recognition:
    """Correct a mistyped decision number, date or signer; the old values stay in a
    RecognitionCorrection row and in the audit record. Refused when nothing changes."""
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    reason = _required(reason, _("The reason for the correction"))
    after = {"decision_number": _required(decision_number, _("The decision number"))[:100],
             "decision_date": _decision_date(decision_date).isoformat(),
             "issuer": _required(issuer, _("The signer"))[:200]}
    before = {"decision_number": recognition.decision_number,
              "decision_date": recognition.decision_date.isoformat(), "issuer": recognition.issuer}
    if after == before:
        raise DecisionRefused(_("Nothing was changed."))
    revocation = getattr(recognition, "revocation", None)
    if revocation is not None and decision_date > revocation.decision_date:
        raise DecisionRefused(_("A recognition cannot be dated after the decision that revoked it."))
    recognition.decision_number = after["decision_number"]
    recognition.decision_date = decision_date
    recognition.issuer = after["issuer"]
    recognition.save(update_fields=["decision_number", "decision_date", "issuer"])
    RecognitionCorrection.objects.create(recognition=recognition, before=before, after=after, reason=reason,
                                         at=timezone.now(), by=_recorder(user))
    audit.record(action="recognition.correct", object_type="recognition", object_id=recognition.pk, user=user,
                 unit=recognition.unit, before=before, after=after, reason=reason, ip_address=ip_address)
    return recognition
