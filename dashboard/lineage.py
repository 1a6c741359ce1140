"""The past carried to today's map: what the predecessors of a new commune had, read from the
stored evaluations and decisions (nothing is inherited: these are the old communes' own)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from assessments.models import Evaluation, Period, Recognition
from assessments.queries import period_context, recognitions_on
from planning.models import ACTIVE_STATUSES, CommuneTarget, RoadmapItem
from units.models import Unit, UnitLineage


@dataclass
class PredecessorResult:
    unit: Unit
    kind: str
    partial: bool
    criteria_met: int | None = None
    criteria_total: int | None = None
    recognition: Recognition | None = None
    recognitions: list[Recognition] = field(default_factory=list)
    open_items: int = 0
    target: CommuneTarget | None = None


def last_period_of(unit: Unit) -> Period | None:
    """The last period with evaluations in which the unit existed."""
    qs = Period.objects.filter(evaluations__unit=unit).distinct().order_by("-as_of")
    if unit.valid_to:
        qs = qs.filter(as_of__lte=unit.valid_to)
    return qs.first()


def predecessor_results(unit: Unit, period: Period | None = None) -> tuple[Period | None, list[PredecessorResult]]:
    """The units that became (part of) `unit`, each with its criteria met in the last period
    before the reform (30/06/2025), its recognitions and its open roadmap items. A constant
    number of queries whatever the number of predecessors."""
    links = list(UnitLineage.objects.filter(successor=unit).select_related("predecessor").order_by("predecessor__sort_name"))
    if not links:
        return None, []
    ids = [link.predecessor_id for link in links]
    if period is None:
        day = min(link.date for link in links) - datetime.timedelta(days=1)
        period = (Period.objects.filter(as_of__lte=day, evaluations__unit_id__in=ids)
                  .distinct().order_by("-as_of").first())
    rows = {link.predecessor_id: PredecessorResult(link.predecessor, link.get_kind_display(), link.kind == "split")
            for link in links}
    if period is not None:
        ctx = period_context(period)
        if ctx.base_set is not None:
            for uid, met, total in Evaluation.objects.filter(
                unit_id__in=ids, period=period, version=ctx.base_set.current_version_id
            ).values_list("unit_id", "criteria_met", "criteria_total"):
                rows[uid].criteria_met, rows[uid].criteria_total = met, total
        for uid, rec in recognitions_on(ids, period.as_of).items():
            rows[uid].recognition = rec
    for rec in Recognition.objects.filter(unit_id__in=ids).select_related("revocation").order_by("decision_date"):
        rows[rec.unit_id].recognitions.append(rec)
    for uid, n in (RoadmapItem.objects.filter(unit_id__in=ids, status__in=ACTIVE_STATUSES)
                   .values_list("unit_id").annotate(n=Count("id"))):
        rows[uid].open_items = n
    for target in CommuneTarget.objects.filter(unit_id__in=ids):
        rows[target.unit_id].target = target
    return period, list(rows.values())


@dataclass
class NewCommunePast:
    unit: Unit
    predecessors: int = 0
    recognised: int = 0
    best_level: str = ""
    best_rank: int = 0
    met: list[int] = field(default_factory=list)

    @property
    def average_met(self):
        return round(sum(self.met) / len(self.met), 2) if self.met else None


def past_on_new_map(period: Period, units: list[Unit]) -> list[NewCommunePast]:
    """For each commune of today's map, what its predecessors had in `period` (a pre-reform
    period): how many there were, how many were recognised and at which highest level, and the
    criteria they met on average. Four queries whatever the number of communes."""
    ctx = period_context(period)
    links = list(UnitLineage.objects.filter(successor__in=units).values_list("successor_id", "predecessor_id"))
    preds = defaultdict(list)
    for s, p in links:
        preds[s].append(p)
    all_ids = {p for _s, p in links}
    met = {}
    if ctx.base_set is not None:
        met = dict(Evaluation.objects.filter(
            unit_id__in=all_ids, period=period, version=ctx.base_set.current_version_id
        ).values_list("unit_id", "criteria_met"))
    recs = recognitions_on(all_ids, period.as_of)
    out = []
    for unit in units:
        row = NewCommunePast(unit, predecessors=len(preds[unit.pk]))
        for p in preds[unit.pk]:
            if p in met:
                row.met.append(met[p])
            rec = recs.get(p)
            if rec is not None:
                row.recognised += 1
                if rec.level_rank > row.best_rank:
                    row.best_rank, row.best_level = rec.level_rank, ctx.level_names.get(rec.level_code, rec.level_code)
        out.append(row)
    return out

