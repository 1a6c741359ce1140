"""Reads for the survey pages: a round's results (overall, per village, per question) in a fixed
number of queries whatever the number of answers, villages or questions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from surveys import rules, stats
from surveys.models import Answer, HouseholdCode, Questionnaire, Response, Round


@dataclass
class Rate:
    answered: int
    satisfied: int

    @property
    def share(self) -> float | None:
        return stats.share(self.satisfied, self.answered)

    @property
    def interval(self) -> tuple[float, float] | None:
        return stats.wilson_interval(self.satisfied, self.answered)


@dataclass
class VillageResult:
    name: str
    households: int
    sample: int
    rate: Rate
    codes: int = 0
    codes_used: int = 0

    @property
    def coverage(self) -> float | None:
        return stats.share(self.rate.answered, self.households)


@dataclass
class ChoiceCount:
    name: str
    label: str
    satisfied: bool
    count: int
    share: float | None


@dataclass
class QuestionResult:
    name: str
    label: str
    kind: str
    decides: bool
    answered: int
    choices: list[ChoiceCount] = field(default_factory=list)
    # Satisfied answers among those answering, when the question has choices marked satisfied.
    rate: Rate | None = None


@dataclass
class RoundResult:
    rate: Rate
    households: int
    sample: int
    villages: list[VillageResult]
    questions: list[QuestionResult]
    without_village: int
    codes: int
    codes_used: int
    threshold: float
    coverage_threshold: float

    @property
    def coverage(self) -> float | None:
        return stats.share(self.rate.answered, self.households)

    @property
    def meets_threshold(self) -> bool | None:
        share = self.rate.share
        return None if share is None else share >= self.threshold

    @property
    def coverage_ok(self) -> bool | None:
        coverage = self.coverage
        return None if coverage is None else coverage >= self.coverage_threshold


def round_results(survey: Round) -> RoundResult:
    villages = list(survey.villages.all())
    by_village = {row["village_id"]: row for row in survey.responses.values("village_id").annotate(
        n=Count("pk"), yes=Count("pk", filter=Q(satisfied=True)))}
    codes = {row["village_id"]: row for row in HouseholdCode.objects.filter(round=survey).values("village_id")
             .annotate(n=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))}
    village_rows = []
    for v in villages:
        counts, code_counts = by_village.get(v.pk, {}), codes.get(v.pk, {})
        village_rows.append(VillageResult(v.name, v.households, v.sample,
                                          Rate(counts.get("n", 0), counts.get("yes", 0)),
                                          code_counts.get("n", 0), code_counts.get("used", 0)))
    total = Rate(sum(r["n"] for r in by_village.values()), sum(r["yes"] for r in by_village.values()))
    return RoundResult(
        rate=total, households=sum(v.households for v in villages), sample=sum(v.sample for v in villages),
        villages=village_rows, questions=_questions(survey), without_village=by_village.get(None, {}).get("n", 0),
        codes=sum(r["n"] for r in codes.values()), codes_used=sum(r["used"] for r in codes.values()),
        threshold=rules.satisfaction_threshold(), coverage_threshold=rules.coverage_threshold())


def _questions(survey: Round) -> list[QuestionResult]:
    questions = list(survey.questionnaire.questions.prefetch_related("choices"))
    counted: dict[int, Counter] = {}
    for row in Answer.objects.filter(response__round=survey).values("question_id", "value").annotate(n=Count("pk")):
        bucket = counted.setdefault(row["question_id"], Counter())
        for name in row["value"].split(" ") if len(row["value"]) <= 500 else [row["value"]]:
            bucket[name] += row["n"]
    answered = dict(Answer.objects.filter(response__round=survey).values("question_id").annotate(n=Count("pk"))
                    .values_list("question_id", "n"))
    results = []
    for q in questions:
        n = answered.get(q.pk, 0)
        result = QuestionResult(q.name, q.label, q.kind, q.decides_satisfaction, n)
        if q.is_select:
            bucket = counted.get(q.pk, Counter())
            choices = list(q.choices.all())
            result.choices = [ChoiceCount(c.name, c.label, c.satisfied, bucket.get(c.name, 0),
                                          stats.share(bucket.get(c.name, 0), n)) for c in choices]
            if any(c.satisfied for c in choices) and q.kind == "select_one":
                result.rate = Rate(n, sum(c.count for c in result.choices if c.satisfied))
        results.append(result)
    return results


def rounds_of_unit(unit) -> list[Round]:
    """The commune's rounds with their answer counts (one query)."""
    return list(Round.objects.filter(unit=unit).select_related("questionnaire", "period")
                .annotate(answered=Count("responses", distinct=True),
                          satisfied_n=Count("responses", filter=Q(responses__satisfied=True), distinct=True)))


def questionnaires() -> list[Questionnaire]:
    return list(Questionnaire.objects.annotate(n_questions=Count("questions", distinct=True),
                                               n_rounds=Count("rounds", distinct=True)))


def codes_for_print(survey: Round):
    return HouseholdCode.objects.filter(round=survey).select_related("village")


def closed_rounds_for_dossier(dossier) -> list[Round]:
    """Closed rounds attached to a dossier, with their counts, newest first."""
    return list(Round.objects.filter(dossier=dossier, status="closed").annotate(
        answered=Count("responses"), satisfied_n=Count("responses", filter=Q(responses__satisfied=True))))


def response_count(survey: Round) -> int:
    return Response.objects.filter(round=survey).count()
