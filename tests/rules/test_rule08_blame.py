import numpy as np
import pytest
from numpy.testing import assert_allclose

from model.rules import blame


def test_blame_target_mixed_defection_and_media_tilt():
    bias = np.array([0.0, 0.6, -0.6, 1.0, -1.0])
    out = blame.blame_target(0.2, 0.6, bias, 0.15)
    # 0.6/0.8 = 0.75, plus 0.15*bias
    assert_allclose(out, [0.75, 0.84, 0.66, 0.9, 0.6])


def test_blame_target_clips():
    bias = np.array([0.6, -0.6])
    # only A defects: 1 + 0.09 -> 1; 1 - 0.09 = 0.91
    assert_allclose(blame.blame_target(0.0, 0.6, bias, 0.15), [1.0, 0.91])
    # only N defects: 0 + 0.09 = 0.09; 0 - 0.09 -> 0
    assert_allclose(blame.blame_target(0.6, 0.0, bias, 0.15), [0.09, 0.0])


def test_blame_target_needs_a_defection():
    with pytest.raises(ValueError):
        blame.blame_target(0.0, 0.0, np.zeros(3), 0.15)


def test_blame_update():
    out = blame.blame_update(np.array([0.5, 0.2, 0.9]), np.array([0.75, 1.0, 0.4]), 0.05, 0.8)
    # rate*S = 0.04: 0.5 + 0.04*0.25 = 0.51; 0.2 + 0.04*0.8 = 0.232; 0.9 - 0.04*0.5 = 0.88
    assert_allclose(out, [0.51, 0.232, 0.88])


def test_defection_severity_is_minus_the_faith_of_a_defection_act():
    assert blame.defection_severity(-0.5, True) == 0.5
    assert blame.defection_severity(-0.5, False) == 0.0
    assert blame.defection_severity(0.3, True) == 0.0
