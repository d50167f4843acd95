from numpy.testing import assert_allclose, assert_array_equal

from model.rules import bargaining


def test_asks_are_cautious_by_the_estimate_sd_with_a_floor():
    ask = bargaining.asks([0.5, 0.6], [0.15**2, 0.01**2], [1.0, 2.0], floor=0.05)
    # 0.5 - 1 * 0.15; 0.6 - 2 * max(0.01, 0.05)
    assert_allclose(ask, [0.35, 0.5])


def test_crossings_are_strict():
    assert_array_equal(bargaining.crossings([0.5, 0.4], [0.5, 0.39]), [False, True])


def test_progress_only_when_both_asks_are_acceptable():
    assert bargaining.update_progress(0.3, False, 0.02, 2.0) == 0.3
    assert_allclose(bargaining.update_progress(0.3, True, 0.02, 2.0), 0.34)


def test_a_deal_is_concluded_at_full_progress():
    assert not bargaining.deal_concluded(0.99)
    assert bargaining.deal_concluded(1.0)
    assert bargaining.deal_concluded(1.3)
