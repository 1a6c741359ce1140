from planning.optimiser import Candidate, choose


def case():
    # A needs 1 and 2 (two items of 5), B needs 1 and 2 (one item of 8), C needs 1 (3 or 4),
    # D needs 1 (20), E needs 9 and has no item.
    candidates = [
        Candidate("a1", "A", 5, frozenset({"1"})), Candidate("a2", "A", 5, frozenset({"2"})),
        Candidate("b", "B", 8, frozenset({"1", "2"})),
        Candidate("c1", "C", 3, frozenset({"1"})), Candidate("c2", "C", 4, frozenset({"1"})),
        Candidate("d", "D", 20, frozenset({"1"})),
    ]
    needs = {"A": {"1", "2"}, "B": {"1", "2"}, "C": {"1"}, "D": {"1"}, "E": {"9"}}
    return candidates, needs


def test_it_finds_the_known_optimum_of_a_hand_built_case():
    candidates, needs = case()
    selection = choose(11, candidates, needs)
    assert sorted(selection.communes) == ["B", "C"]
    assert sorted(selection.chosen) == ["b", "c1"]
    assert selection.cost == 11
    # 21 buys A, B and C; D (20) would complete only one.
    selection = choose(21, candidates, needs)
    assert sorted(selection.communes) == ["A", "B", "C"] and selection.cost == 21
    everything = choose(10**6, candidates, needs)
    assert sorted(everything.communes) == ["A", "B", "C", "D"]
    assert "c2" not in everything.chosen and everything.cost == 41


def test_the_budget_is_respected_for_every_budget():
    candidates, needs = case()
    costs = {c.key: c.cost for c in candidates}
    for budget in range(0, 45):
        selection = choose(budget, candidates, needs)
        assert selection.cost <= budget
        assert selection.cost == sum(costs[k] for k in selection.chosen)
        for commune in selection.communes:
            covered = set().union(*(c.covers for c in candidates if c.key in selection.chosen and c.commune == commune))
            assert needs[commune] <= covered


def test_a_zero_budget_chooses_nothing():
    candidates, needs = case()
    selection = choose(0, candidates, needs)
    assert selection.chosen == [] and selection.communes == [] and selection.cost == 0


def test_a_free_item_completes_its_commune_even_with_zero_budget():
    selection = choose(0, [Candidate("x", "X", 0, frozenset({"1"}))], {"X": {"1"}})
    assert selection.communes == ["X"]
