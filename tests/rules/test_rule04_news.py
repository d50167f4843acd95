import numpy as np
from numpy.testing import assert_allclose

from model.rules import news


def test_update_news_fades_and_adds():
    assert_allclose(news.update_news(np.array([1.0, 0.0]), np.array([0.0, 0.5]), 0.7), [0.7, 0.5])


def test_attribution_multiplier_sign_cases():
    legitimacy = np.array([0.9, 0.9, 0.1, 0.1, 0.5])
    items = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    m = news.attribution_multiplier(items, legitimacy, 0.5)
    # good news of a trusted side counts more, bad news less; the reverse for distrusted
    assert_allclose(m, [1.4, 0.6, 0.6, 1.4, 1.0])
    assert_allclose(news.attribution_multiplier(np.zeros(5), legitimacy, 0.5), 1.0)


def test_absorb():
    x = news.absorb(np.array([0.0, 1.0]), np.array([0.4, -0.2]), 0.5, 1.0, 0.5, 0.1, 0.05)
    # 0 + 0.5 * 0.5 * 0.4 + 0.05 * 0.1; 1 - 0.5 * 0.5 * 0.2 + 0.005
    assert_allclose(x, [0.105, 0.955])


def test_attention_without_news_moves_nobody():
    x = np.array([-2.0, 0.0, 3.0])
    assert_allclose(news.absorb(x, np.zeros(3), 1.0, 1.3, 0.5, 0.0, 0.05), x)


def test_attention_scales_news_but_never_its_direction():
    x = np.zeros(2)
    items = np.array([0.3, -0.3])
    low = news.absorb(x, items, 0.1, 1.0, 0.5, 0.0, 0.05)
    high = news.absorb(x, items, 0.9, 1.0, 0.5, 0.0, 0.05)
    assert np.array_equal(np.sign(low), np.sign(high))
    assert_allclose(high, 9 * low)


def test_attention_does_not_touch_the_standing_trickle():
    low = news.absorb(np.zeros(1), np.zeros(1), 0.0, 1.0, 0.5, -0.1, 0.05)
    high = news.absorb(np.zeros(1), np.zeros(1), 1.0, 1.0, 0.5, -0.1, 0.05)
    assert_allclose(low, high)
    assert_allclose(low, -0.005)
