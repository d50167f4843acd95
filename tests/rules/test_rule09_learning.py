import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from model.rules import (
    learning,
)


def test_type_signal_right_with_probability_accuracy():
    truth = np.array([True, True, False, False, True])
    uniform = np.array([0.1, 0.9, 0.1, 0.9, 0.65])
    out = learning.type_signal(truth, uniform, 0.65)
    # right when u < 0.65 (strict): T, F (flipped), F, T (flipped), u = 0.65 -> flipped
    assert_array_equal(out, [True, False, False, True, False])


def test_update_type_belief_values_and_direction():
    # from 0.5 the posterior equals the likelihood: q or 1 - q
    assert_allclose(learning.update_type_belief(0.5, True, 0.65), 0.65)
    assert_allclose(learning.update_type_belief(0.5, False, 0.65), 0.35)
    out = learning.update_type_belief([0.2, 0.2], [True, False], 0.65)
    # 0.65*0.2 / (0.65*0.2 + 0.35*0.8) = 0.13/0.41; 0.35*0.2 / (0.07 + 0.65*0.8) = 0.07/0.59
    assert_allclose(out, [0.13 / 0.41, 0.07 / 0.59])
    assert out[0] > 0.2 > out[1]
    # an uninformative signal (q = 0.5) leaves the belief unchanged
    assert_allclose(learning.update_type_belief([0.2, 0.7], [True, False], 0.5), [0.2, 0.7])


def test_update_type_belief_symmetry_and_cancellation():
    up = learning.update_type_belief(0.2, True, 0.65)
    mirrored = learning.update_type_belief(0.8, False, 0.65)
    # 0.28/0.41 = 1 - 0.13/0.41
    assert_allclose(mirrored, 0.28 / 0.41)
    assert_allclose(mirrored, 1.0 - up)
    # one signal each way returns to the prior
    back = learning.update_type_belief(up, False, 0.65)
    assert_allclose(back, 0.2)


def test_update_redline_estimate_normal_normal():
    mean, var = learning.update_redline_estimate([0.5, 0.5], [0.04, 0.04], [0.7, 0.7], [0.15, 0.6])
    # talks: sigma^2 = 0.0225: var = 0.04*0.0225/0.0625 = 0.0144,
    #   mean = (0.0225*0.5 + 0.04*0.7)/0.0625 = 0.03925/0.0625 = 0.628
    # outside: sigma^2 = 0.36: var = 0.04*0.36/0.4 = 0.036, mean = (0.18 + 0.028)/0.4 = 0.52
    assert_allclose(mean, [0.628, 0.52])
    assert_allclose(var, [0.0144, 0.036])
    assert np.all(var < 0.04)
