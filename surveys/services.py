"""Every write of the surveys app: one function per change, one transaction, one audit record.
Bad input raises SurveyRefused (one reason) or AnswersRejected (every bad row), and nothing is
written."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import _recorder
from audit import services as audit
from surveys import answers as checking
from surveys import default_form
from surveys.codes import CODE_ALPHABET, CODE_LENGTH, normalise_code
from surveys.frame import VillageSpec
from surveys.models import (
    Answer,
    Channel,
    Choice,
    Household,
    HouseholdCode,
    Question,
    Questionnaire,
    Response,
    Round,
    RoundStatus,
    Village,
)
from surveys.xlsform import FormSpec
from units.models import COMMUNE_LEVEL_KINDS

MAX_CODES = 20_000
VILLAGE_QUESTIONS = {"thon", "village", "ten_thon", "thon_ban"}


class SurveyRefused(Exception):
    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


class AnswersRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors[:5]))


@dataclass
class AnswerRow:
    """One household's answers as read from a file: where (for messages), village, values."""

    where: str
    village: str
    values: dict[str, object]
    external_id: str = ""
    submitted_at: datetime.datetime | None = None
    notes: list[str] = field(default_factory=list)


def _text(value, label, limit) -> str:
    value = (value or "").strip()
    if not value:
        raise SurveyRefused(_("%(what)s is required.") % {"what": label})
    return value[:limit]


# --- questionnaires --------------------------------------------------------------------------------


def _create_questionnaire(spec: FormSpec, *, code: str, source: str, illustrative: bool, user) -> Questionnaire:
    form = Questionnaire.objects.create(code=code, title=spec.title[:300], version=spec.version[:64],
                                        source=source[:300], illustrative=illustrative, created_at=timezone.now(),
                                        created_by=_recorder(user))
    choices = []
    for position, q in enumerate(spec.questions, start=1):
        question = Question.objects.create(questionnaire=form, position=position, name=q.name, label=q.label,
                                           kind=q.kind, required=q.required,
                                           decides_satisfaction=q.decides_satisfaction)
        choices += [Choice(question=question, position=i, name=c.name, label=c.label, satisfied=c.satisfied)
                    for i, c in enumerate(q.choices, start=1)]
    Choice.objects.bulk_create(choices)
    return form


@transaction.atomic
def import_questionnaire(spec: FormSpec, *, source: str, user=None, ip_address: str | None = None) -> Questionnaire:
    """A questionnaire from a parsed XLSForm (surveys.xlsform); the code comes from its form_id."""
    from django.utils.text import slugify

    title = spec.title.strip() or spec.form_id or _("Imported questionnaire")
    spec.title = title
    base = slugify(spec.form_id or title)[:50] or "phieu"
    code, n = base, 1
    while Questionnaire.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    form = _create_questionnaire(spec, code=code, source=source, illustrative=False, user=user)
    audit.record(action="survey.form_import", object_type="questionnaire", object_id=form.pk, user=user,
                 after={"code": code, "title": title, "questions": len(spec.questions), "skipped": spec.skipped,
                        "source": source}, ip_address=ip_address)
    return form


@transaction.atomic
def ensure_default_questionnaire(user=None) -> Questionnaire:
    """The shipped illustrative questionnaire (created once)."""
    existing = Questionnaire.objects.filter(code=default_form.CODE).first()
    if existing:
        return existing
    form = _create_questionnaire(default_form.spec(), code=default_form.CODE, source=default_form.SOURCE,
                                 illustrative=True, user=user)
    audit.record(action="survey.form_default", object_type="questionnaire", object_id=form.pk, user=user,
                 after={"code": form.code})
    return form


@transaction.atomic
def set_satisfaction(questionnaire: Questionnaire, *, question_name: str, satisfied: list[str], user=None,
                     ip_address: str | None = None) -> Question:
    """Which question decides satisfaction and which of its choices count as satisfied; refused
    once a round has answers with the questionnaire (the results would change under them)."""
    question = questionnaire.questions.filter(name=question_name, kind="select_one").first()
    if question is None:
        raise SurveyRefused(_("Choose a question with one choice."))
    names = set(question.choices.values_list("name", flat=True))
    chosen = set(satisfied) & names
    if not chosen:
        raise SurveyRefused(_("Choose at least one answer that counts as satisfied."))
    if chosen == names:
        raise SurveyRefused(_("Not every answer can count as satisfied."))
    if Response.objects.filter(round__questionnaire=questionnaire).exists():
        raise SurveyRefused(_("Rounds already have answers with this questionnaire; import it again as a new one."))
    before = list(questionnaire.questions.filter(decides_satisfaction=True).values_list("name", flat=True))
    questionnaire.questions.update(decides_satisfaction=False)
    Question.objects.filter(pk=question.pk).update(decides_satisfaction=True)
    question.decides_satisfaction = True
    question.choices.update(satisfied=False)
    question.choices.filter(name__in=chosen).update(satisfied=True)
    audit.record(action="survey.form_satisfaction", object_type="questionnaire", object_id=questionnaire.pk,
                 user=user, before={"question": before}, after={"question": question.name,
                                                               "satisfied": sorted(chosen)},
                 ip_address=ip_address)
    return question


def _deciding(questionnaire: Questionnaire) -> Question | None:
    return questionnaire.questions.filter(decides_satisfaction=True, choices__satisfied=True).distinct().first()


# --- rounds ----------------------------------------------------------------------------------------


@transaction.atomic
def create_round(unit, questionnaire: Questionnaire, *, title: str, conducted_by: str, starts_on: datetime.date,
                 ends_on: datetime.date, villages: list[VillageSpec], households: dict[str, list[str]] | None = None,
                 period=None, dossier=None, user=None, ip_address: str | None = None) -> Round:
    """A round with its household frame; `households` (optional) lists the households of some
    villages by name: their codes are then made one per listed household."""
    households = households or {}
    if unit.kind not in COMMUNE_LEVEL_KINDS:
        raise SurveyRefused(_("A survey round belongs to a commune."))
    title = _text(title, _("The title"), 300)
    by = _text(conducted_by, _("Who conducts the survey"), 200)
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise SurveyRefused(_("The survey cannot end before it starts."))
    if _deciding(questionnaire) is None:
        raise SurveyRefused(_("The questionnaire does not say which answer counts as satisfied; set it on its page."))
    if not villages:
        raise SurveyRefused(_("Enter at least one village with its number of households."))
    if dossier is not None and dossier.unit_id != unit.pk:
        raise SurveyRefused(_("The dossier belongs to another commune."))
    survey = Round.objects.create(unit=unit, questionnaire=questionnaire, title=title, period=period,
                                  dossier=dossier, conducted_by=by, starts_on=starts_on, ends_on=ends_on,
                                  created_at=timezone.now(), created_by=_recorder(user))
    created = Village.objects.bulk_create([
        Village(round=survey, position=i, name=v.name, households=v.households,
                sample=len(households[v.name]) if households.get(v.name) else v.sample)
        for i, v in enumerate(villages, start=1)])
    Household.objects.bulk_create([Household(village=village, position=n, name=name) for village in created
                                   for n, name in enumerate(households.get(village.name, []), start=1)])
    audit.record(action="survey.round_create", object_type="survey_round", object_id=survey.pk, user=user,
                 unit=unit, after={"title": title, "questionnaire": questionnaire.code, "by": by,
                                   "from": starts_on.isoformat(), "to": ends_on.isoformat(),
                                   "villages": [[v.name, v.households, v.sample] for v in villages],
                                   "listed": sum(len(names) for names in households.values()),
                                   "dossier": dossier.pk if dossier else None},
                 ip_address=ip_address)
    return survey


@transaction.atomic
def attach_dossier(survey: Round, dossier, *, user=None, ip_address: str | None = None) -> Round:
    """Attach the round to a recognition dossier of its commune (its result can then feed the
    dossier's survey stage once the round is closed)."""
    survey = Round.objects.select_for_update().get(pk=survey.pk)
    if dossier.unit_id != survey.unit_id:
        raise SurveyRefused(_("The dossier belongs to another commune."))
    if survey.dossier_id is not None:
        raise SurveyRefused(_("The round is already attached to a dossier."))
    survey.dossier = dossier
    survey.save(update_fields=["dossier"])
    audit.record(action="survey.round_dossier", object_type="survey_round", object_id=survey.pk, user=user,
                 unit=survey.unit, after={"dossier": dossier.pk}, ip_address=ip_address)
    return survey


def _locked_open(survey: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=survey.pk)
    if not locked.is_open:
        raise SurveyRefused(_("The round is closed; it takes no more answers."))
    return locked


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


@transaction.atomic
def generate_codes(survey: Round, *, user=None, ip_address: str | None = None) -> int:
    """One code per household to survey in each village (those missing); returns how many were made."""
    survey = _locked_open(survey)
    villages = list(survey.villages.prefetch_related("households_listed"))
    have = {}
    for village_id, number in HouseholdCode.objects.filter(round=survey).values_list("village_id", "number"):
        have[village_id] = max(have.get(village_id, 0), number)
    if sum(v.sample for v in villages) > MAX_CODES:
        raise SurveyRefused(_("At most %(max)s codes per round.") % {"max": MAX_CODES})
    taken: set[str] = set()
    rows = []
    for village in villages:
        listed = [h.name for h in village.households_listed.all()]
        for number in range(have.get(village.pk, 0) + 1, village.sample + 1):
            rows.append(HouseholdCode(round=survey, village=village, number=number, code=_new_code(taken),
                                      household=listed[number - 1] if number <= len(listed) else ""))
    # A clash with a code of another round is astronomically unlikely; the unique index refuses it.
    HouseholdCode.objects.bulk_create(rows)
    audit.record(action="survey.codes", object_type="survey_round", object_id=survey.pk, user=user,
                 unit=survey.unit, after={"codes": len(rows)}, ip_address=ip_address)
    return len(rows)


@transaction.atomic
def close_round(survey: Round, *, user=None, ip_address: str | None = None) -> Round:
    """Close the round: no more answers; its results can then feed a recognition dossier."""
    survey = _locked_open(survey)
    if not survey.responses.exists():
        raise SurveyRefused(_("The round has no answers yet."))
    survey.status, survey.closed_at = RoundStatus.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    audit.record(action="survey.round_close", object_type="survey_round", object_id=survey.pk, user=user,
                 unit=survey.unit, after={"responses": survey.responses.count()}, ip_address=ip_address)
    return survey


# --- answers ---------------------------------------------------------------------------------------


def _questions(survey: Round) -> list[Question]:
    return list(survey.questionnaire.questions.prefetch_related("choices"))


def _fold(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


@transaction.atomic
def record_answers(survey: Round, rows: list[AnswerRow], *, channel: str, source: str = "", user=None,
                   ip_address: str | None = None) -> int:
    """Every row's answers, or none: AnswersRejected lists each bad row with its reason."""
    survey = _locked_open(survey)
    if not rows:
        raise AnswersRejected([_("The file holds no answers.")])
    questions = _questions(survey)
    lookups = {q.pk: checking.choice_lookup(q) for q in questions if q.is_select}
    villages = {_fold(v.name): v for v in survey.villages.all()}
    # A form that asks the village as a select_one question: its choice names lead to the labels.
    for question in questions:
        if question.name in VILLAGE_QUESTIONS and question.is_select:
            for choice in question.choices.all():
                if _fold(choice.label) in villages:
                    villages.setdefault(_fold(choice.name), villages[_fold(choice.label)])
    seen_ids = set(Response.objects.filter(round=survey).exclude(external_id="")
                   .values_list("external_id", flat=True))
    errors, good = [], []
    for row in rows:
        problems = list(row.notes)
        village = None
        if row.village:
            village = villages.get(_fold(row.village))
            if village is None:
                problems.append(_("the village \"%(name)s\" is not in the round's frame") % {"name": row.village[:60]})
        checked = checking.check(questions, row.values, lookups=lookups)
        problems += checked.errors
        if row.external_id:
            if row.external_id in seen_ids:
                problems.append(_("submission %(id)s was already imported") % {"id": row.external_id[:64]})
            seen_ids.add(row.external_id)
        if problems:
            errors.append(f"{row.where}: {'; '.join(problems)}")
        else:
            good.append((row, village, checked))
    if errors:
        raise AnswersRejected(errors)
    now = timezone.now()
    responses = Response.objects.bulk_create([
        Response(round=survey, village=village, channel=channel, external_id=row.external_id[:64],
                 satisfied=bool(checked.satisfied), submitted_at=row.submitted_at or now, recorded_by=_recorder(user))
        for row, village, checked in good])
    by_name = {q.name: q for q in questions}
    Answer.objects.bulk_create([Answer(response=response, question=by_name[name], value=value)
                                for response, (_row, _v, checked) in zip(responses, good, strict=True)
                                for name, value in checked.values.items()])
    audit.record(action="survey.answers_import", object_type="survey_round", object_id=survey.pk, user=user,
                 unit=survey.unit, after={"channel": channel, "rows": len(good), "source": source[:200],
                                          "satisfied": sum(1 for *_r, c in good if c.satisfied)},
                 ip_address=ip_address)
    return len(good)


@transaction.atomic
def answer_with_code(code_text: str, values: dict[str, object], *, ip_address: str | None = None) -> Response:
    """A household's answers through the public form, opened with its one-time code. A used,
    unknown or closed code is refused; the code is locked while the answer is written, and the
    database allows one response per code."""
    code = (HouseholdCode.objects.select_for_update(of=("self",)).select_related("round", "village")
            .filter(code=normalise_code(code_text)).first())
    if code is None:
        raise SurveyRefused(_("This code does not exist. Check the code printed on your slip."))
    if code.used_at is not None:
        raise SurveyRefused(_("This code has already been used to answer; each code answers once."))
    survey = code.round
    if not survey.is_open:
        raise SurveyRefused(_("The survey is closed; it takes no more answers."))
    if timezone.localdate() > survey.ends_on:
        raise SurveyRefused(_("The survey ended on %(day)s.") % {"day": survey.ends_on.strftime("%d/%m/%Y")})
    questions = _questions(survey)
    checked = checking.check(questions, values)
    if checked.errors:
        raise AnswersRejected(checked.errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(round=survey, village=code.village, channel=Channel.WEB, code=code,
                                               satisfied=bool(checked.satisfied), submitted_at=now)
    except IntegrityError as exc:
        raise SurveyRefused(_("This code has already been used to answer; each code answers once.")) from exc
    by_name = {q.name: q for q in questions}
    Answer.objects.bulk_create([Answer(response=response, question=by_name[n], value=v)
                                for n, v in checked.values.items()])
    code.used_at = now
    code.save(update_fields=["used_at"])
    # The audit names the round and the village, never which household answered what.
    audit.record(action="survey.answer_web", object_type="survey_round", object_id=survey.pk, user=None,
                 unit=survey.unit, after={"village": code.village.name}, ip_address=ip_address)
    return response
