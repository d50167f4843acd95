"""Known-answer tests of the comparison statistics on synthetic results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from experiments.compare import (
    bootstrap_mean_interval,
    difference_curve,
    divergence,
    ensemble_bands,
    paired_differences,
    unpaired_bootstrap_interval,
    unpaired_differences,
)
from experiments.sensitivity import sobol_indices


def _synthetic(true_difference: float, correlation: float, n: int, rng, steps: int = 1):
    """Two scenarios over n replicates: a shared seed effect plus independent noise."""
    shared = rng.normal(size=(n, steps))
    rows = []
    for scenario, shift in (("base", 0.0), ("treat", true_difference)):
        own = rng.normal(size=(n, steps))
        values = (
            0.5 + shift + 0.05 * (np.sqrt(correlation) * shared + np.sqrt(1 - correlation) * own)
        )
        for r in range(n):
            for t in range(steps):
                rows.append((scenario, 0, r, r, t, values[r, t]))
    return pd.DataFrame(
        rows,
        columns=["scenario", "design_point", "replicate", "seed", "step", "legitimacy_negotiator"],
    )


def test_bootstrap_intervals_cover_the_truth_at_about_their_nominal_rate():
    rng = np.random.default_rng(1)
    truth = 0.03
    draws = 400
    hits = 0
    for i in range(draws):
        sample = truth + 0.05 * rng.standard_normal(30)
        _, low, high = bootstrap_mean_interval(sample, resamples=1000, seed=i)
        hits += low <= truth <= high
    coverage = hits / draws
    # Binomial sd of the coverage over 400 draws is about 0.011; the percentile bootstrap
    # runs a little narrow at n = 30.
    assert 0.90 <= coverage <= 0.98, coverage


def test_unpaired_intervals_cover_the_truth_too():
    rng = np.random.default_rng(2)
    hits = 0
    for i in range(300):
        a = 0.02 + 0.05 * rng.standard_normal(30)
        b = 0.05 * rng.standard_normal(40)
        _, low, high = unpaired_bootstrap_interval(a, b, resamples=1000, seed=i)
        hits += low <= 0.02 <= high
    assert 0.90 <= hits / 300 <= 0.98


def test_paired_interval_is_narrower_than_unpaired_when_runs_are_correlated():
    frame = _synthetic(0.01, correlation=0.9, n=40, rng=np.random.default_rng(3))
    [paired] = paired_differences(frame, "legitimacy_negotiator", "base")
    [unpaired] = unpaired_differences(frame, "legitimacy_negotiator", "base")
    assert paired.paired and not unpaired.paired
    assert paired.high - paired.low < 0.6 * (unpaired.high - unpaired.low)
    assert paired.low <= 0.01 <= paired.high
    assert paired.share_positive + paired.share_negative == pytest.approx(1.0)


def test_ensemble_bands_bracket_the_mean_and_shrink_with_more_runs():
    rng = np.random.default_rng(4)
    small = ensemble_bands(_synthetic(0.0, 0.5, 10, rng, steps=3), "legitimacy_negotiator")
    large = ensemble_bands(_synthetic(0.0, 0.5, 160, rng, steps=3), "legitimacy_negotiator")
    assert (small["low"] <= small["mean"]).all() and (small["mean"] <= small["high"]).all()
    assert (small["spread_low"] <= small["low"]).all()
    width_small = (small["high"] - small["low"]).mean()
    width_large = (large["high"] - large["low"]).mean()
    assert width_large < width_small / 3  # about 1 / sqrt(16) = 1/4


def test_difference_curve_and_divergence_find_a_known_pulse():
    rng = np.random.default_rng(5)
    steps, n = 60, 30
    pulse = np.where(np.arange(steps) >= 20, 0.1 * 0.9 ** (np.arange(steps) - 20), 0.0)
    rows = []
    for r in range(n):
        seed_effect = rng.normal(0, 0.05)
        for t in range(steps):
            noise = rng.normal(0, 0.005, 2)
            rows.append(("base", 0, r, r, t, 0.5 + seed_effect + noise[0]))
            rows.append(("treat", 0, r, r, t, 0.5 + seed_effect + pulse[t] + noise[1]))
    frame = pd.DataFrame(
        rows,
        columns=["scenario", "design_point", "replicate", "seed", "step", "legitimacy_negotiator"],
    )
    curve = difference_curve(frame, "legitimacy_negotiator", "treat", "base")
    assert curve.loc[curve.step == 20, "mean"].item() == pytest.approx(0.1, abs=0.005)
    found = divergence(frame, "legitimacy_negotiator", "treat", "base")
    assert found.diverges_at == 20 and found.peak_step == 20
    assert found.peak_difference == pytest.approx(0.1, abs=0.005)
    # 0.9^k <= 1/2 first at k = 7
    assert found.half_life == 7
    assert "diverges from step 20" in found.describe()


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    problem = {
        "num_vars": 3,
        "names": ["x1", "x2", "x3"],
        "bounds": [[-np.pi, np.pi]] * 3,
    }
    x = sobol_sample.sample(problem, 2048, calc_second_order=False, seed=7)
    y = Ishigami.evaluate(x)
    frame = pd.DataFrame(
        {
            "scenario": "ishigami",
            "design_point": np.arange(len(y)),
            "replicate": 0,
            "seed": 0,
            "step": 0,
            "legitimacy_negotiator": y,
        }
    )
    indices = sobol_indices(frame, problem, "legitimacy_negotiator").set_index("parameter")
    # Analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; SALib's test function).
    analytic_s1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    analytic_st = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    for name in ("x1", "x2", "x3"):
        row = indices.loc[name]
        assert abs(row.S1 - analytic_s1[name]) <= max(row.S1_conf, 0.02), (name, row.S1)
        assert abs(row.ST - analytic_st[name]) <= max(row.ST_conf, 0.02), (name, row.ST)
