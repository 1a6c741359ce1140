import pytest

from surveys import stats


def test_the_wilson_interval_of_a_known_sample():
    # 141 satisfied of 150: p = 0.94; Wilson 95% (z = 1.96): 0.8897 to 0.9681.
    assert stats.wilson_interval(141, 150) == (89.0, 96.8)
    # 760 of 800 (the dossier test): 93.3% to 96.3%.
    assert stats.wilson_interval(760, 800) == (93.3, 96.3)
    # 8 of 10: the textbook example (Wilson 1927; Newcombe 1998): 0.490 to 0.943.
    assert stats.wilson_interval(8, 10) == (49.0, 94.3)


def test_the_interval_stays_inside_0_and_100_at_the_edges():
    assert stats.wilson_interval(0, 20) == (0.0, 16.1)
    assert stats.wilson_interval(20, 20) == (83.9, 100.0)
    assert stats.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)


def test_shares_are_percent_with_one_decimal():
    assert stats.share(141, 150) == 94.0
    assert stats.share(2, 3) == 66.7
    assert stats.share(1, 0) is None
