import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from model.rules import media


def test_elite_disagreement():
    assert media.elite_disagreement(np.array([0.1, 0.2, 0.3, 0.4])) == 0.0
    assert media.elite_disagreement(np.array([0.1, -0.2, 0.3, -0.4])) == 1.0
    assert_allclose(media.elite_disagreement(np.array([0.1, 0.2, 0.3, -0.4])), 0.5)
    assert media.elite_disagreement(np.zeros(3)) == 0.0  # the same (no) news
    assert media.elite_disagreement(np.array([])) == 1.0


def test_effective_indexing():
    assert_allclose(media.effective_indexing(np.array([0.8, 0.4]), 0.5), [0.4, 0.2])


def test_outlet_report_no_news_no_slant():
    assert_allclose(media.outlet_report(0.0, 0.4, 0.6, 1.0, 1.0), 0.0)


def test_outlet_report_slant_grows_with_the_news():
    # 0.4 * 0.5 + 0.6 * (+1) * 0.6 * 1 * 0.5 = 0.2 + 0.18
    assert_allclose(media.outlet_report(0.5, 0.4, 0.6, 1.0, 1.0), 0.38)
    # the same outlet about the adversary: 0.2 - 0.18
    assert_allclose(media.outlet_report(0.5, 0.4, 0.6, -1.0, 1.0), 0.02)
    assert_allclose(media.outlet_report(1.0, 0.4, 0.6, 1.0, 1.0), 2 * 0.38)


def test_outlet_stance():
    assert_allclose(media.outlet_stance(np.array([0.6, -0.6, 0.0]), 1.0), [0.8, 0.2, 0.5])
    assert_allclose(media.outlet_stance(np.array([0.6, -0.6, 0.0]), -1.0), [0.2, 0.8, 0.5])


def test_media_update_acceptance_within_the_bound_and_margin():
    x = np.zeros(4)
    before = np.array([0.5, 0.5, 0.5, 0.5])
    stance = np.array([0.6, 0.75, 0.9, 0.6])
    exposed = np.array([True, True, True, False])
    out = media.media_update(
        x, before, np.full(4, 0.4), stance, exposed, np.full(4, 0.2), rate=0.25, margin=0.1
    )
    # distances 0.1, 0.25 (< 0.3), 0.4 (not), unexposed
    assert_allclose(out, [0.1, 0.1, 0.0, 0.0])


def test_media_update_backfire_beyond_bound_plus_margin():
    out = media.media_update(
        np.zeros(3),
        np.full(3, 0.5),
        np.full(3, 0.4),
        np.array([0.6, 0.8, 1.0]),
        np.full(3, True),
        np.full(3, 0.05),
        rate=0.25,
        margin=0.1,
        backfire_rate=0.1,
        backfire_margin=0.4,
    )
    # accept (0.1 < 0.15); neither (0.3); backfire (0.5 > 0.45)
    assert_allclose(out, [0.1, 0.0, -0.04])


def test_observer_leaning_is_a_clipped_half_z_score():
    gap = np.array([-1.0, 0.0, 1.0, 0.0])
    z = (gap - gap.mean()) / gap.std()
    assert_allclose(media.observer_leaning(gap), np.clip(z / 2, -1, 1))
    assert_allclose(media.observer_leaning(np.zeros(3)), 0.0)


def test_selective_exposure_weights_close_outlets():
    reach = np.array([0.3, 0.3])
    bias = np.array([0.6, -0.6])
    w = media.subscription_log_weights(reach, bias, np.array([0.6, -0.6]), k=3.0)
    assert w[0, 0] > w[0, 1] and w[1, 1] > w[1, 0]
    assert_allclose(w[0, 0] - w[0, 1], 3.0 * 1.2)
    flat = media.subscription_log_weights(reach, bias, np.array([0.6, -0.6]), k=0.0)
    assert_allclose(flat, np.log(0.3))


def test_two_subscriptions_are_distinct_and_follow_the_keys():
    logw = np.log(np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]]))
    gumbel = np.array([[0.0, 0.0, 0.0], [-5.0, 0.0, 0.0]])
    assert_array_equal(media.two_subscriptions(logw, gumbel), [[0, 1], [1, 2]])
    assert_array_equal(media.two_subscriptions(np.zeros((2, 1)), np.zeros((2, 1))), 0)
