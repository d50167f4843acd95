"""The four calibration patterns of MODEL_SPEC (v2), with the default parameters, over 30 seeds.

P1 a walkout costs little; P2 views are spread; P3 a walkout divides; P4 views are stable in
rank. The targets are computed from the survey series in the design notes' data folder (see
docs/ODD.md, "Calibration"); favourability is not legitimacy, so they anchor magnitudes and
shapes only.
"""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import make_spec, models, paired_interval, values
from scipy import stats

from model.rules.evidence import positive_share

pytestmark = pytest.mark.slow

BOTH_ENGAGE = make_spec()
ADVERSARY_WALKS = make_spec(adversary={"strategy": "walk_away_at", "at": 50})


def _within(sample: np.ndarray, low: float, high: float, label: str) -> None:
    mean, lo, hi = paired_interval(sample, np.zeros_like(sample))
    assert low <= lo and hi <= high, (
        f"{label}: {mean:+.4f} [{lo:+.4f}, {hi:+.4f}] not in [{low}, {high}]"
    )


def test_p1_a_walkout_costs_the_adversary_little():
    change = values(ADVERSARY_WALKS, "legitimacy_adversary", 60) - values(
        BOTH_ENGAGE, "legitimacy_adversary", 60
    )
    _within(change, -0.03, 0.0, "P1 change of L^A at step 60")


def test_p2_views_are_spread():
    _within(values(BOTH_ENGAGE, "spread_adversary", 0), 0.15, 0.22, "P2 sd of L^A at step 0")


def test_p3_a_walkout_divides():
    shares = np.array([positive_share(m.evidence_now.act[1]) for m in models(ADVERSARY_WALKS, 50)])
    _within(shares, 0.25, 0.45, "P3 share reading A's walkout as positive evidence")


def test_p4_views_are_stable_in_rank():
    start = models(BOTH_ENGAGE, 0)
    later = models(BOTH_ENGAGE, 52)
    rho = np.array(
        [
            stats.spearmanr(a.legitimacy[1], b.legitimacy[1]).statistic
            for a, b in zip(start, later, strict=True)
        ]
    )
    mean, low, _ = paired_interval(rho, np.zeros_like(rho))
    assert low >= 0.9, f"P4 rank correlation of L^A, steps 0-52: {mean:.3f} (low {low:.3f})"
