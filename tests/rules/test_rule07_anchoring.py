import numpy as np
from numpy.testing import assert_allclose

from model.rules import anchoring


def test_anchor_pulls_toward_the_prior_in_log_odds():
    x = anchoring.anchor(np.array([0.0, 2.0, -3.0]), np.array([1.0, 0.0, -3.0]), 0.1)
    assert_allclose(x, [0.1, 1.8, -3.0])


def test_anchor_never_clips():
    x = anchoring.anchor(np.array([40.0, -40.0]), np.array([50.0, -50.0]), 0.5)
    assert_allclose(x, [45.0, -45.0])


def test_anchor_rate_zero_leaves_it():
    x = np.array([[0.3, -0.2], [1.0, 2.0]])
    assert_allclose(anchoring.anchor(x, np.zeros_like(x), 0.0), x)
