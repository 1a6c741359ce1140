"""Every change of a recognition dossier: one function per transition, one transaction, one audit
record (the decision also leaves the recognition's own record). A transition whose conditions
are not met raises DossierRefused with the reason, and nothing is written."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Period
from assessments.services import BatchRejected, _recorder, record_recognition, record_revocation
from audit import services as audit
from config.text import clean_text
from planning.evidence import content_matches, extension
from planning.models import MAX_EVIDENCE_BYTES
from recognition import checks, conditions
from recognition.models import (
    Broadcast,
    ConditionKind,
    ConditionRecord,
    Dossier,
    DossierEvent,
    Kind,
    PostingComment,
    Stage,
    Survey,
)
from units.models import Unit


class DossierRefused(Exception):
    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(day: datetime.date | None, label: str) -> None:
    if day is None:
        raise DossierRefused(_("%(what)s is required.") % {"what": label})
    if day > _today():
        raise DossierRefused(_("%(what)s cannot be in the future.") % {"what": label})


def _text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DossierRefused(_("%(what)s is required.") % {"what": label})
    return value


def _locked(dossier: Dossier, expected: str) -> Dossier:
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.stage != expected:
        raise DossierRefused(
            _("The dossier is at the stage \"%(stage)s\"; this step follows \"%(expected)s\".")
            % {"stage": locked.get_stage_display(), "expected": Stage(expected).label})
    return locked


def _locked_for(dossier: Dossier, to: str) -> Dossier:
    """The dossier locked, when `to` is its next stage (by the dossier's kind)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.next_stage != to:
        expected = locked.stage_order[locked.stage_order.index(to) - 1] if to in locked.stage_order else None
        if expected is None:
            raise DossierRefused(_("This step is not part of this kind of dossier."))
        raise DossierRefused(
            _("The dossier is at the stage \"%(stage)s\"; this step follows \"%(expected)s\".")
            % {"stage": locked.get_stage_display(), "expected": Stage(expected).label})
    return locked


def _advance(dossier: Dossier, to: str, *, note: str, user, ip_address, after: dict, action: str) -> Dossier:
    before = dossier.stage
    dossier.stage = to
    dossier.save()
    DossierEvent.objects.create(dossier=dossier, at=timezone.now(), user=_recorder(user), action="advance",
                                stage_from=before, stage_to=to, note=note)
    audit.record(action=f"dossier.{action}", object_type="dossier", object_id=dossier.pk, user=user,
                 unit=dossier.unit, before={"stage": before}, after={"stage": to, **after}, ip_address=ip_address)
    return dossier


@transaction.atomic
def register_dossier(unit: Unit, period: Period, level_code: str, *, registered_on: datetime.date,
                     user=None, ip_address: str | None = None) -> Dossier:
    _not_future(registered_on, _("The registration date"))
    if checks.level_info(period, level_code) is None:
        raise DossierRefused(_("The level %(level)s has no criteria set in the period %(period)s.")
                             % {"level": level_code, "period": period.name})
    if Dossier.objects.filter(unit=unit, level_code=level_code, kind=Kind.RECOGNITION).exclude(
            stage=Stage.DECISION).exists():
        raise DossierRefused(_("The commune already has an open dossier for this level."))
    dossier = Dossier.objects.create(unit=unit, period=period, level_code=level_code, stage=Stage.REGISTRATION,
                                     registered_on=registered_on, created_at=timezone.now(),
                                     created_by=_recorder(user))
    DossierEvent.objects.create(dossier=dossier, at=dossier.created_at, user=_recorder(user), action="advance",
                                stage_from="", stage_to=Stage.REGISTRATION, note=registered_on.isoformat())
    audit.record(action="dossier.register", object_type="dossier", object_id=dossier.pk, user=user, unit=unit,
                 after={"level": level_code, "period": period.code, "registered_on": registered_on.isoformat()},
                 ip_address=ip_address)
    return dossier


@transaction.atomic
def freeze_self_assessment(dossier: Dossier, *, user=None, ip_address: str | None = None) -> Dossier:
    """Freeze the commune's evaluation for the level as of today; later corrections of values do
    not change it (the page shows where today's data differs)."""
    dossier = _locked_for(dossier, Stage.SELF_ASSESSMENT)
    if dossier.is_revocation:
        raise DossierRefused(_("This step is not part of this kind of dossier."))
    today = _today()
    snapshot = checks.build_snapshot(dossier.unit, dossier.period, dossier.level_code, today)
    if snapshot is None:
        raise DossierRefused(_("The commune has no evaluation of this level's criteria set in the period %(period)s.")
                             % {"period": dossier.period.name})
    dossier.snapshot, dossier.snapshot_on = snapshot, today
    result = checks.target_result(snapshot)
    return _advance(dossier, Stage.SELF_ASSESSMENT, note=f"{result['criteria_met']}/{result['criteria_total']}",
                    user=user, ip_address=ip_address, action="self_assessment",
                    after={"snapshot_on": today.isoformat(), "criteria_met": result["criteria_met"],
                           "criteria_total": result["criteria_total"]})


def _require_criteria(dossier: Dossier) -> None:
    problem = checks.criteria_problem(dossier.snapshot)
    if problem:
        raise DossierRefused(problem)


@transaction.atomic
def record_opinions(dossier: Dossier, *, opinions: str, user=None, ip_address: str | None = None) -> Dossier:
    dossier = _locked_for(dossier, Stage.OPINIONS)
    _require_criteria(dossier)
    dossier.opinions = _text(opinions, _("The opinions"))
    return _advance(dossier, Stage.OPINIONS, note=dossier.opinions[:200], user=user, ip_address=ip_address,
                    action="opinions", after={"opinions": dossier.opinions})


def _comment_rows(comments) -> list[tuple[str, str, str]]:
    if isinstance(comments, str):
        try:
            return conditions.parse_comment_lines(comments)
        except ValueError as exc:
            raise DossierRefused(str(exc)) from exc
    rows = []
    for who, comment, answer in comments or ():
        comment = clean_text(comment).strip()
        if not comment:
            raise DossierRefused(_("A comment cannot be empty."))
        rows.append((clean_text(who).strip()[:200], comment, clean_text(answer).strip()))
    return rows


@transaction.atomic
def record_posting(dossier: Dossier, *, posted_where: str, start: datetime.date, end: datetime.date,
                   broadcast_dates: list[datetime.date] | None = None, broadcasts: int | None = None,
                   comments=(), user=None, ip_address: str | None = None) -> Dossier:
    """The public posting (QĐ 18/2022 Điều 5): where and when it was posted, the date of each
    broadcast (checked against the rule: enough of them, within the posting), and the comments
    received with their answers, one row each (`comments`: (who, comment, answer) tuples, or
    lines "who | comment | answer"). `broadcasts` alone (a count without dates) is accepted for
    records whose broadcast dates were not kept."""
    dossier = _locked_for(dossier, Stage.POSTING)
    where = _text(posted_where, _("Where the report was posted"))
    if broadcast_dates is not None:
        dates = sorted(broadcast_dates)
        problem = conditions.broadcasts_problem(start, end, dates, _today())
        broadcasts = len(dates)
    else:
        dates = []
        problem = checks.posting_problem(start, end, broadcasts, _today())
    if problem:
        raise DossierRefused(problem)
    rows = _comment_rows(comments)
    dossier.posted_where, dossier.posting_start, dossier.posting_end = where, start, end
    dossier.broadcasts = broadcasts
    Broadcast.objects.bulk_create([Broadcast(dossier=dossier, on=d) for d in dates])
    now = timezone.now()
    PostingComment.objects.bulk_create([
        PostingComment(dossier=dossier, received_on=end, commenter=who, comment=comment, answer=answer,
                       answered_on=end if answer else None, recorded_at=now) for who, comment, answer in rows])
    return _advance(dossier, Stage.POSTING, note=f"{start.isoformat()} – {end.isoformat()}, {broadcasts}",
                    user=user, ip_address=ip_address, action="posting",
                    after={"where": where, "start": start.isoformat(), "end": end.isoformat(),
                           "broadcasts": broadcasts, "broadcast_dates": [d.isoformat() for d in dates],
                           "comments": len(rows)})


@transaction.atomic
def answer_comment(comment: PostingComment, *, answer: str, answered_on: datetime.date, user=None,
                   ip_address: str | None = None) -> PostingComment:
    """Record (or correct) the commune's answer to a comment received during the posting."""
    comment = PostingComment.objects.select_for_update().select_related("dossier__unit").get(pk=comment.pk)
    answer = _text(clean_text(answer), _("The answer"))
    _not_future(answered_on, _("The answer date"))
    if comment.received_on and answered_on < comment.received_on:
        raise DossierRefused(_("The answer cannot be dated before the comment was received."))
    before = {"answer": comment.answer, "answered_on": comment.answered_on.isoformat() if comment.answered_on else None}
    comment.answer, comment.answered_on = answer, answered_on
    comment.save()
    audit.record(action="dossier.answer_comment", object_type="dossier", object_id=comment.dossier_id, user=user,
                 unit=comment.dossier.unit, before=before,
                 after={"comment": comment.pk, "answer": answer, "answered_on": answered_on.isoformat()},
                 ip_address=ip_address)
    return comment


@transaction.atomic
def record_survey(dossier: Dossier, *, conducted_by: str = "", conducted_on: datetime.date | None = None,
                  households_surveyed: int | None = None, satisfied: int | None = None,
                  households_total: int | None = None, source: str = "", round=None, user=None,
                  ip_address: str | None = None) -> Survey:
    """The survey stage: a summary typed by hand, or (`round`) the result of a closed survey round
    of the surveys app attached to this dossier, copied as it stands (like the snapshot)."""
    dossier = _locked(dossier, Stage.POSTING)
    if round is not None:
        conducted_by, conducted_on, households_surveyed, satisfied, households_total, source = _round_summary(
            dossier, round)
    by = _text(conducted_by, _("Who conducted the survey"))
    _not_future(conducted_on, _("The survey date"))
    if not households_surveyed or households_surveyed < 1:
        raise DossierRefused(_("At least one household must have been surveyed."))
    if satisfied < 0 or satisfied > households_surveyed:
        raise DossierRefused(_("Satisfied households must be between 0 and the households surveyed."))
    if households_total is not None and households_total < households_surveyed:
        raise DossierRefused(_("The commune cannot have fewer households than were surveyed."))
    survey = Survey(dossier=dossier, conducted_by=by, conducted_on=conducted_on, households_total=households_total,
                    households_surveyed=households_surveyed, satisfied=satisfied, source=(source or "").strip(),
                    recorded_at=timezone.now())
    problem = checks.satisfaction_problem(survey.share)
    if problem:
        raise DossierRefused(problem)
    survey.save()
    _advance(dossier, Stage.SURVEY, note=f"{satisfied}/{households_surveyed}", user=user, ip_address=ip_address,
             action="survey", after={"surveyed": households_surveyed, "satisfied": satisfied,
                                     "total": households_total, "share": survey.share})
    return survey


def _round_summary(dossier: Dossier, survey_round) -> tuple:
    from surveys.queries import round_results

    survey_round.refresh_from_db()
    if survey_round.dossier_id != dossier.pk:
        raise DossierRefused(_("The survey round is not attached to this dossier."))
    if survey_round.is_open:
        raise DossierRefused(_("The survey round is still open; close it before using its result."))
    result = round_results(survey_round)
    source = _("Survey round no. %(id)s: %(title)s") % {"id": survey_round.pk, "title": survey_round.title}
    # The survey ended on its last day, or earlier when the round was closed before it.
    ended = min(survey_round.ends_on, timezone.localdate(survey_round.closed_at))
    return (survey_round.conducted_by, ended, result.rate.answered, result.rate.satisfied,
            result.households, source[:300])


@transaction.atomic
def record_appraisal(dossier: Dossier, *, appraised_by: str, appraised_on: datetime.date, findings: str,
                     user=None, ip_address: str | None = None) -> Dossier:
    dossier = _locked_for(dossier, Stage.APPRAISAL)
    if not dossier.is_revocation:
        _require_criteria(dossier)
    dossier.appraised_by = _text(appraised_by, _("The appraising body"))
    _not_future(appraised_on, _("The appraisal date"))
    dossier.appraised_on = appraised_on
    dossier.appraisal_findings = _text(findings, _("The appraisal findings"))
    return _advance(dossier, Stage.APPRAISAL, note=dossier.appraised_by, user=user, ip_address=ip_address,
                    action="appraisal", after={"by": dossier.appraised_by, "on": appraised_on.isoformat()})


def _check_pdf(signed_pdf) -> None:
    if not signed_pdf:
        raise DossierRefused(_("The signed decision (PDF) is required."))
    if extension(getattr(signed_pdf, "name", "")) != "pdf" or not content_matches(signed_pdf, "pdf"):
        raise DossierRefused(_("The signed decision must be a PDF file."))
    if signed_pdf.size > MAX_EVIDENCE_BYTES:
        raise DossierRefused(_("The file is larger than 10 MB."))


@transaction.atomic
def decide(dossier: Dossier, *, decision_number: str, decision_date: datetime.date, signer: str, signed_pdf,
           user=None, ip_address: str | None = None) -> Dossier:
    """The recognition decision: creates the Recognition (assessments.recognitions)."""
    dossier = _locked(dossier, Stage.APPRAISAL)
    if dossier.is_revocation:
        raise DossierRefused(_("A revocation dossier ends with a revocation decision."))
    _require_criteria(dossier)
    number = _text(decision_number, _("The decision number"))
    signer = _text(signer, _("The signer"))
    _not_future(decision_date, _("The decision date"))
    if decision_date < dossier.registered_on:
        raise DossierRefused(_("The decision cannot be dated before the dossier was registered."))
    _check_pdf(signed_pdf)
    problem = conditions.decision_problem(dossier)
    if problem:
        raise DossierRefused(problem)
    # The conditions as they stood when the decision was recorded, kept in the audit record.
    states = {c.source: c.state for c in conditions.all_conditions(dossier)}
    snapshot = dossier.snapshot
    recognition = record_recognition(
        dossier.unit, level_code=dossier.level_code, level_rank=snapshot["level_rank"], family=snapshot["family"],
        decision_number=number, decision_date=decision_date, issuer=signer,
        note=_("Dossier no. %(id)s") % {"id": dossier.pk}, user=user, ip_address=ip_address)
    dossier.recognition, dossier.decision_signer = recognition, signer
    dossier.decision_pdf.save(f"qd-{dossier.pk}.pdf", signed_pdf, save=False)
    return _advance(dossier, Stage.DECISION, note=number, user=user, ip_address=ip_address, action="decide",
                    after={"decision_number": number, "decision_date": decision_date.isoformat(),
                           "signer": signer, "recognition": recognition.pk, "conditions": states})


# The fields each step fills in, cleared when the dossier is returned from that step.
STAGE_FIELDS = {
    Stage.SELF_ASSESSMENT: ("snapshot", "snapshot_on"),
    Stage.OPINIONS: ("opinions",),
    Stage.POSTING: ("posted_where", "posting_start", "posting_end", "broadcasts"),
    Stage.APPRAISAL: ("appraised_by", "appraised_on", "appraisal_findings"),
}


@transaction.atomic
def return_dossier(dossier: Dossier, *, reason: str, user=None, ip_address: str | None = None) -> Dossier:
    """Send the dossier back one stage, with the reason; the step then has to be done again."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    reason = _text(reason, _("The reason for returning the dossier"))
    if dossier.stage in (Stage.REGISTRATION, Stage.DECISION):
        raise DossierRefused(_("A dossier at the stage \"%(stage)s\" cannot be returned.")
                             % {"stage": dossier.get_stage_display()})
    before = dossier.stage
    to = dossier.previous_stage
    # The undone step's data is cleared (the step has to be done again) and kept in the event.
    discarded = {}
    for name in STAGE_FIELDS.get(before, ()):
        field = Dossier._meta.get_field(name)
        value = getattr(dossier, name)
        discarded[name] = value.isoformat() if hasattr(value, "isoformat") else value
        setattr(dossier, name, None if field.null else "")
    if before == Stage.POSTING:
        discarded["broadcast_dates"] = [b.on.isoformat() for b in dossier.broadcast_rows.all()]
        discarded["comments"] = [{"who": c.commenter, "comment": c.comment, "answer": c.answer}
                                 for c in dossier.posting_comments.all()]
        dossier.broadcast_rows.all().delete()
        dossier.posting_comments.all().delete()
    if before == Stage.SURVEY and hasattr(dossier, "survey"):
        survey = dossier.survey
        discarded["survey"] = {"surveyed": survey.households_surveyed, "satisfied": survey.satisfied,
                                "total": survey.households_total, "by": survey.conducted_by,
                                "on": survey.conducted_on.isoformat()}
        survey.delete()
    dossier.stage = to
    dossier.save()
    DossierEvent.objects.create(dossier=dossier, at=timezone.now(), user=_recorder(user), action="return",
                                stage_from=before, stage_to=to, note=reason, data=discarded or None)
    audit.record(action="dossier.return", object_type="dossier", object_id=dossier.pk, user=user,
                 unit=dossier.unit, before={"stage": before}, after={"stage": to}, reason=reason,
                 ip_address=ip_address)
    return dossier


# --- conditions (c) and (d) of Điều 4.1 -----------------------------------------------------------


def _check_document(document, *, required: bool, extensions=("pdf", "jpg", "jpeg", "png", "docx")) -> None:
    if not document:
        if required:
            raise DossierRefused(_("The document (file) is required."))
        return
    ext = extension(getattr(document, "name", ""))
    if ext not in extensions or not content_matches(document, ext):
        raise DossierRefused(_("The file's content is not a PDF, JPG, PNG, DOCX or XLSX document matching its "
                               "name."))
    if document.size > MAX_EVIDENCE_BYTES:
        raise DossierRefused(_("The file is larger than 10 MB."))


@transaction.atomic
def record_condition(dossier: Dossier, *, kind: str, holds: bool, declared_by: str, declared_on: datetime.date,
                     document_ref: str, document=None, note: str = "", user=None,
                     ip_address: str | None = None) -> ConditionRecord:
    """A declaration of no construction debt (only when the finance records hold nothing for the
    commune; its document is required) or a confirmation of the security and order condition."""
    dossier = Dossier.objects.select_for_update().select_related("unit").get(pk=dossier.pk)
    if dossier.is_revocation or dossier.decided:
        raise DossierRefused(_("The conditions of a decided or revocation dossier cannot be recorded."))
    if kind not in ConditionKind.values:
        raise DossierRefused(_("Unknown condition."))
    if kind == ConditionKind.NO_DEBT and conditions.finance_debt(dossier.unit) is not None:
        raise DossierRefused(_("The finance records hold the commune's construction debts; this condition is "
                               "read from them, not declared."))
    by = _text(clean_text(declared_by), _("Who declared or confirmed"))
    ref = _text(clean_text(document_ref), _("The document number"))
    _not_future(declared_on, _("The document date"))
    _check_document(document, required=kind == ConditionKind.NO_DEBT)
    record = ConditionRecord(dossier=dossier, kind=kind, holds=bool(holds), declared_by=by[:200],
                             declared_on=declared_on, document_ref=ref[:200], note=clean_text(note).strip(),
                             recorded_at=timezone.now(), recorded_by=_recorder(user))
    if document:
        record.document.save(f"dk-{dossier.pk}-{kind}.{extension(document.name)}", document, save=False)
    record.save()
    audit.record(action=f"dossier.condition.{kind}", object_type="dossier", object_id=dossier.pk, user=user,
                 unit=dossier.unit, after={"holds": record.holds, "by": by, "document": ref,
                                           "on": declared_on.isoformat(), "file": record.document.name or ""},
                 ip_address=ip_address)
    return record


# --- revocation dossiers --------------------------------------------------------------------------


@transaction.atomic
def register_revocation(recognition, period: Period, *, registered_on: datetime.date, user=None,
                        ip_address: str | None = None) -> Dossier:
    """Open a dossier proposing to revoke a recognition in force."""
    _not_future(registered_on, _("The registration date"))
    if hasattr(recognition, "revocation"):
        raise DossierRefused(_("This recognition has already been revoked."))
    if Dossier.objects.filter(revokes=recognition).exclude(stage=Stage.DECISION).exists():
        raise DossierRefused(_("A revocation dossier for this recognition is already open."))
    dossier = Dossier.objects.create(unit=recognition.unit, period=period, level_code=recognition.level_code,
                                     kind=Kind.REVOCATION, revokes=recognition, stage=Stage.REGISTRATION,
                                     registered_on=registered_on, created_at=timezone.now(),
                                     created_by=_recorder(user))
    DossierEvent.objects.create(dossier=dossier, at=dossier.created_at, user=_recorder(user), action="advance",
                                stage_from="", stage_to=Stage.REGISTRATION, note=recognition.decision_number)
    audit.record(action="dossier.register_revocation", object_type="dossier", object_id=dossier.pk, user=user,
                 unit=recognition.unit, after={"recognition": recognition.pk, "period": period.code,
                                               "registered_on": registered_on.isoformat()},
                 ip_address=ip_address)
    return dossier


@transaction.atomic
def freeze_revocation_check(dossier: Dossier, *, user=None, ip_address: str | None = None) -> Dossier:
    """Freeze the revocation check of QĐ 18/2022 (the one on the watch page) on today's data,
    with the commune's evaluation; refused when the rule is not met."""
    dossier = _locked_for(dossier, Stage.SELF_ASSESSMENT)
    if not dossier.is_revocation:
        raise DossierRefused(_("This step is not part of this kind of dossier."))
    check = conditions.revocation_check(dossier.unit, dossier.period, dossier.revokes)
    problem = conditions.revocation_problem(check)
    if problem:
        raise DossierRefused(problem)
    today = _today()
    dossier.snapshot = {"taken_on": today.isoformat(), "period": dossier.period.code, "revocation": check}
    dossier.snapshot_on = today
    return _advance(dossier, Stage.SELF_ASSESSMENT, note=check["explanation"][:200], user=user,
                    ip_address=ip_address, action="revocation_check",
                    after={"snapshot_on": today.isoformat(), "unmet": check["unmet"], "total": check["total"]})


@transaction.atomic
def revoke(dossier: Dossier, *, decision_number: str, decision_date: datetime.date, signer: str, signed_pdf,
           reason: str, user=None, ip_address: str | None = None) -> Dossier:
    """The revocation decision: records the Revocation of the recognition (assessments.recognitions)."""
    dossier = _locked(dossier, Stage.APPRAISAL)
    if not dossier.is_revocation:
        raise DossierRefused(_("A recognition dossier ends with a recognition decision."))
    number = _text(decision_number, _("The decision number"))
    signer = _text(signer, _("The signer"))
    reason = _text(reason, _("The reason for revoking"))
    _not_future(decision_date, _("The decision date"))
    if decision_date < dossier.registered_on:
        raise DossierRefused(_("The decision cannot be dated before the dossier was registered."))
    _check_pdf(signed_pdf)
    try:
        revocation = record_revocation(dossier.revokes, decision_number=number, decision_date=decision_date,
                                       issuer=signer, reason=reason, user=user, ip_address=ip_address)
    except BatchRejected as exc:
        raise DossierRefused("; ".join(str(m) for m in exc.errors.values())) from exc
    dossier.revocation, dossier.decision_signer = revocation, signer
    dossier.decision_pdf.save(f"qd-thu-hoi-{dossier.pk}.pdf", signed_pdf, save=False)
    return _advance(dossier, Stage.DECISION, note=number, user=user, ip_address=ip_address, action="revoke",
                    after={"decision_number": number, "decision_date": decision_date.isoformat(),
                           "signer": signer, "revocation": revocation.pk})
