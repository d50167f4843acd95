import pytest
from numpy.testing import assert_allclose

from model.rules import (
    crisis,
)


def test_crisis_hazard_factors():
    assert_allclose(_hazard(False, 0.0, False), 0.002)
    assert_allclose(_hazard(True, 0.0, False), 0.006)  # 0.002 * (1 + 2)
    assert_allclose(_hazard(False, 0.5, False), 0.003)  # 0.002 * (1 + 0.5)
    assert_allclose(_hazard(False, 0.0, True), 0.001)  # 0.002 * (1 - 0.5)
    assert_allclose(_hazard(True, 0.5, True), 0.0045)  # 0.002 * 3 * 1.5 * 0.5


def _hazard(provocation, misperception, talks):
    return crisis.crisis_hazard(0.002, provocation, misperception, talks, 2.0, 1.0, 0.5)


def test_update_crisis_index():
    assert_allclose(crisis.update_crisis_index(0.1, 0.2), 0.28)  # 1 - 0.9*0.8
    index = crisis.update_crisis_index(0.0, 0.5)
    index = crisis.update_crisis_index(index, 0.5)
    assert_allclose(index, 0.75)  # 1 - 0.5*0.5
    assert crisis.update_crisis_index(0.3, 0.0) == pytest.approx(0.3)
