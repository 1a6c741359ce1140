"""The province across periods: communes per level (met in the data, and recognised) in each
evaluated period. A few queries per period, none per commune."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from assessments import queries
from assessments.models import Evaluation, Period, Recognition


@dataclass
class PeriodLevels:
    period: Period
    family: str | None
    evaluated: int = 0
    # level code -> communes at that level or higher (cumulative, as the programme reports:
    # "62 recognised, 5 of them advanced").
    met: dict[str, int] = field(default_factory=dict)
    recognised: dict[str, int] = field(default_factory=dict)
    level_names: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, int, int]]:
        return [(code, name, self.met.get(code, 0), self.recognised.get(code, 0))
                for code, name in self.level_names.items()]


def province_trend(periods: list[Period] | None = None) -> list[PeriodLevels]:
    periods = list(periods if periods is not None else queries.evaluated_periods())
    result = []
    for period in periods:
        ctx = queries.period_context(period)
        row = PeriodLevels(period=period, family=ctx.family, level_names=dict(ctx.level_names))
        result.append(row)
        if ctx.base_set is None:
            continue
        communes = queries.programme_communes(period.as_of, queries.province_on(period.as_of))
        reached = dict(
            Evaluation.objects.filter(period=period, version=ctx.base_set.current_version_id,
                                      unit__in=communes)
            .values_list("level_reached").annotate(n=Count("pk")).values_list("level_reached", "n")
        )
        row.evaluated = sum(reached.values())
        best: dict[int, Recognition] = {}
        for rec in Recognition.objects.filter(unit__in=communes).filter(
                queries.active_recognition_q(period.as_of)):
            if rec.unit_id not in best or rec.level_rank > best[rec.unit_id].level_rank:
                best[rec.unit_id] = rec
        recognised = Counter()
        for rec in best.values():
            for code, rank in ctx.level_ranks.items():
                if queries.recognition_counts_for(rec, code, rank, ctx.family):
                    recognised[code] += 1
        for code, rank in ctx.level_ranks.items():
            row.met[code] = sum(n for level, n in reached.items() if ctx.level_ranks.get(level, 0) >= rank)
            row.recognised[code] = recognised[code]
    return result
