"""Where to invest first: choose roadmap items within a budget so that as many communes as
possible have ALL their unmet indicators covered (a pure function over plain data, solved as a
mixed-integer programme with HiGHS).

Model: x_i = 1 when item i is funded, y_c = 1 when commune c is completed.
  maximise   sum y_c  -  sum x_i * cost_i / (2 * (total cost + 1))
  subject to sum x_i * cost_i <= budget
             y_c <= sum of x_i over the items of c covering indicator k, for each unmet k of c
The small cost term breaks ties towards the cheapest selection without ever trading away a
completed commune (it is below 1/2 in total).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    key: Hashable
    commune: Hashable
    cost: int
    covers: frozenset[str]


@dataclass
class Selection:
    chosen: list[Hashable] = field(default_factory=list)
    communes: list[Hashable] = field(default_factory=list)
    cost: int = 0
    optimal: bool = True


def choose(budget: int, candidates: Iterable[Candidate], needs: Mapping[Hashable, Iterable[str]]) -> Selection:
    """The items to fund: the most communes completed within the budget, then the lowest cost.

    `needs` maps each commune to its unmet indicator codes; a commune with no unmet indicator
    or an indicator no candidate covers cannot be completed. Items of a commune that cannot be
    completed are never chosen.
    """
    candidates = [c for c in candidates if c.cost >= 0]
    needs = {c: frozenset(codes) for c, codes in needs.items() if codes}
    by_commune: dict[Hashable, list[int]] = {}
    for i, cand in enumerate(candidates):
        by_commune.setdefault(cand.commune, []).append(i)
    feasible = {}
    for commune, codes in needs.items():
        items = by_commune.get(commune, [])
        covered = frozenset().union(*(candidates[i].covers for i in items)) if items else frozenset()
        if codes <= covered and _lower_bound(codes, [candidates[i] for i in items]) <= budget:
            feasible[commune] = codes
    if budget < 0 or not feasible:
        return Selection()
    import highspy

    h = highspy.Highs()
    h.silent()
    used = [i for i, cand in enumerate(candidates) if cand.commune in feasible]
    total = sum(candidates[i].cost for i in used) + 1
    x = {i: h.addBinary(obj=-candidates[i].cost / (2 * total)) for i in used}
    y = {c: h.addBinary(obj=1.0) for c in feasible}
    h.addConstr(sum((candidates[i].cost * x[i] for i in used), 0) <= budget)
    for commune, codes in feasible.items():
        for code in sorted(codes):
            covering = [x[i] for i in by_commune[commune] if code in candidates[i].covers]
            h.addConstr(y[commune] - sum(covering[1:], covering[0]) <= 0)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.maximize()
    status = h.getModelStatus()
    selection = Selection(optimal=status == highspy.HighsModelStatus.kOptimal)
    chosen = [i for i in used if h.val(x[i]) > 0.5]
    done = [c for c in feasible if h.val(y[c]) > 0.5]
    selection.chosen = [candidates[i].key for i in chosen]
    selection.communes = done
    selection.cost = sum(candidates[i].cost for i in chosen)
    return selection


def _lower_bound(codes: frozenset[str], items: list[Candidate]) -> int:
    """The cost of the most expensive indicator to cover on its own: a quick bound to skip
    communes no budget can complete (exactness is left to the solver)."""
    worst = 0
    for code in codes:
        costs = [c.cost for c in items if code in c.covers]
        worst = max(worst, min(costs) if costs else 0)
    return worst
