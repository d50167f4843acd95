"""The four calibration patterns of MODEL_SPEC (v2), with the default parameters, over 30 seeds.

P1 a walkout costs little; P2 views are spread; P3 a walkout divides; P4 views are stable in
rank. The targets are computed from the survey series in the design notes' data folder (see
docs/ODD.md, "Purpose and patterns"); favourability is not legitimacy, so they anchor
magnitudes and shapes only. The samples are those of `figures.py`, which the ODD quotes.
"""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import paired_interval
from figures import p1_walkout_change, p2_spread, p3_positive_share, p4_rank_correlation

pytestmark = pytest.mark.slow


def _within(sample: np.ndarray, low: float, high: float, label: str) -> None:
    mean, lo, hi = paired_interval(sample, np.zeros_like(sample))
    assert low <= lo and hi <= high, (
        f"{label}: {mean:+.4f} [{lo:+.4f}, {hi:+.4f}] not in [{low}, {high}]"
    )


def test_p1_a_walkout_costs_the_adversary_little():
    _within(p1_walkout_change(), -0.03, 0.0, "P1 change of L^A at step 60")


def test_p2_views_are_spread():
    _within(p2_spread(), 0.15, 0.22, "P2 sd of L^A at step 0")


def test_p3_a_walkout_divides():
    _within(p3_positive_share(), 0.25, 0.45, "P3 share reading A's walkout as positive evidence")


def test_p4_views_are_stable_in_rank():
    rho = p4_rank_correlation()
    mean, low, _ = paired_interval(rho, np.zeros_like(rho))
    assert low >= 0.9, f"P4 rank correlation of L^A, steps 0-52: {mean:.3f} (low {low:.3f})"
