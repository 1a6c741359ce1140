"""Checking one household's answers against a questionnaire, whatever the channel (web form,
Excel sheet, KoBo/ODK export). Nothing here writes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from config.text import has_forbidden_characters
from surveys.models import QuestionKind

MAX_TEXT = 500
MAX_INTEGER = 10**9


@dataclass
class Checked:
    values: dict[str, str]  # question name -> stored value
    satisfied: bool | None
    errors: list[str]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def choice_lookup(question) -> dict[str, str]:
    """Folded choice name or label -> choice name."""
    lookup = {}
    for choice in question.choices.all():
        lookup.setdefault(_fold(choice.label), choice.name)
    for choice in question.choices.all():
        lookup[_fold(choice.name)] = choice.name
    return lookup


def _integer(text: str) -> str | None:
    cleaned = text.replace(".", "").replace(",", "").replace(" ", "") if re.fullmatch(r"[\d.,\s]+", text) else text
    if not re.fullmatch(r"-?\d{1,10}", cleaned):
        return None
    number = int(cleaned)
    return str(number) if abs(number) <= MAX_INTEGER else None


def check(questions, raw: dict[str, object], *, lookups: dict | None = None) -> Checked:
    """The stored values of the answers in `raw` (question name -> what was typed), whether the
    household is satisfied, and every problem as a sentence naming the question."""
    values, errors = {}, []
    satisfied = None
    lookups = lookups if lookups is not None else {q.pk: choice_lookup(q) for q in questions if q.is_select}
    for question in questions:
        value = raw.get(question.name)
        text = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text:
            if question.required or question.decides_satisfaction:
                errors.append(_("question %(name)s (%(label)s) has no answer") % {
                    "name": question.name, "label": question.label[:60]})
            continue
        if has_forbidden_characters(text):
            errors.append(_("question %(name)s: the answer contains invisible control characters") % {
                "name": question.name})
            continue
        if question.kind == QuestionKind.SELECT_ONE:
            name = lookups[question.pk].get(_fold(text))
            if name is None:
                errors.append(_("question %(name)s: \"%(value)s\" is not one of its choices") % {
                    "name": question.name, "value": text[:40]})
                continue
            values[question.name] = name
        elif question.kind == QuestionKind.SELECT_MULTIPLE:
            whole = lookups[question.pk].get(_fold(text))
            parts = [whole] if whole else [lookups[question.pk].get(_fold(p))
                                           for p in re.split(r"[,;]\s*|\s+", text) if p.strip()]
            if not parts or None in parts:
                errors.append(_("question %(name)s: \"%(value)s\" is not one of its choices") % {
                    "name": question.name, "value": text[:40]})
                continue
            values[question.name] = " ".join(dict.fromkeys(parts))
        elif question.kind == QuestionKind.INTEGER:
            number = _integer(text)
            if number is None:
                errors.append(_("question %(name)s: \"%(value)s\" is not a whole number") % {
                    "name": question.name, "value": text[:40]})
                continue
            values[question.name] = number
        else:
            if len(text) > MAX_TEXT:
                errors.append(_("question %(name)s: the answer is longer than %(max)s characters") % {
                    "name": question.name, "max": MAX_TEXT})
                continue
            values[question.name] = text
        if question.decides_satisfaction:
            satisfied = values[question.name] in {c.name for c in question.choices.all() if c.satisfied}
    return Checked(values, satisfied, errors)
