"""The t interval of an ensemble mean (experiments.intervals): known answers and coverage."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.intervals import mean_interval, t_half_width, t_quantile

T_975_1 = 12.706204736174698
"""The 0.975 quantile of Student's t with one degree of freedom (tan(0.475 pi))."""


def test_two_values_give_the_one_degree_of_freedom_quantile_as_half_width():
    mean, low, high = mean_interval(np.array([0.0, 2.0]))
    # sd = sqrt(2), n = 2: the half width is t(0.975, 1) * sqrt(2) / sqrt(2).
    assert mean == 1.0
    assert (low, high) == pytest.approx((1.0 - T_975_1, 1.0 + T_975_1), rel=1e-12)
    assert float(t_quantile(0.95, 1)) == pytest.approx(np.tan(0.475 * np.pi), rel=1e-12)


def test_equal_values_and_a_single_value_give_a_degenerate_interval():
    assert mean_interval(np.full(5, 0.25)) == (0.25, 0.25, 0.25)
    assert mean_interval(np.array([0.7])) == (0.7, 0.7, 0.7)


def test_half_widths_are_element_wise_and_missing_below_two_values():
    half = t_half_width(np.array([1.0, 1.0, 2.0]), np.array([1, 2, 2]))
    assert np.isnan(half[0])
    assert half[1:] == pytest.approx([T_975_1 / np.sqrt(2), 2 * T_975_1 / np.sqrt(2)], rel=1e-12)


def test_the_interval_covers_the_true_mean_at_its_level():
    rng = np.random.default_rng(20261125)
    trials = 4000
    covered = sum(
        low <= 3.0 <= high
        for low, high in (mean_interval(rng.normal(3.0, 2.0, size=8))[1:] for _ in range(trials))
    )
    share = covered / trials
    band = 3 * np.sqrt(0.95 * 0.05 / trials)  # three binomial standard errors
    assert abs(share - 0.95) < band, share
