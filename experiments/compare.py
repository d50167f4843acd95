"""Comparing legitimacy trajectories across scenarios: ensemble bands and paired differences.

Functions over pandas DataFrames in the layout of a results folder's time series (one row per
run and step, with the key columns ``scenario``, ``design_point``, ``replicate``, ``seed``).
They are used by ``run.py compare``, ``run.py report`` and the dashboard's comparison page.

Every interval here is a Monte Carlo interval: it says how precisely the simulated ensemble
pins down a model quantity, not how likely anything is in the world. No standardized effect
sizes and no p-values are reported: with simulated seeds they grow with the number of runs and
observers and say nothing about the world (White et al. 2014, Oikos). Differences are reported
in the units of the metric (legitimacy points on the 0-1 scale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.intervals import t_half_width

KEYS = ("scenario", "design_point", "replicate")
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20261125
"""Resampling is seeded, so the same results give the same intervals."""


def ensemble_bands(frame: pd.DataFrame, metric: str, level: float = 0.95) -> pd.DataFrame:
    """Ensemble mean of `metric` per scenario, design point and step, with two bands.

    Returns columns scenario, design_point, step, n, mean, low, high (the `level` t interval of
    the ensemble mean over replicates: a Monte Carlo interval) and spread_low, spread_high (the
    central `level` range of the individual runs).
    """
    groups = frame.groupby(["scenario", "design_point", "step"], sort=False, observed=True)[metric]
    out = groups.agg(n="count", mean="mean", sd="std").reset_index()
    quantile = (1.0 - level) / 2.0
    spread = groups.quantile([quantile, 1.0 - quantile]).unstack()
    out["spread_low"] = spread.iloc[:, 0].to_numpy()
    out["spread_high"] = spread.iloc[:, 1].to_numpy()
    half = t_half_width(out["sd"].fillna(0.0).to_numpy(), out["n"].to_numpy(), level)
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out[
        [
            "scenario",
            "design_point",
            "step",
            "n",
            "mean",
            "low",
            "high",
            "spread_low",
            "spread_high",
        ]
    ]


def bootstrap_mean_interval(
    samples: np.ndarray,
    level: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and percentile-bootstrap interval of the mean along axis 0 of `samples`.

    `samples` has one row per seed (paired difference or run value) and any number of columns
    (steps); the same resampled seeds are used for every column, so a curve's band is coherent.
    Returns (mean, low, high), each with one value per column.
    """
    values = np.asarray(samples, dtype=float)
    squeeze = values.ndim == 1
    if squeeze:
        values = values[:, None]
    n = values.shape[0]
    mean = values.mean(axis=0)
    if n < 2:
        nan = np.full(values.shape[1], np.nan)
        return (mean[0], nan[0], nan[0]) if squeeze else (mean, nan, nan)
    # Each resample is a vector of multiplicities (multinomial counts over the seeds), so the
    # resampled means are one matrix product per block and memory stays bounded.
    rng = np.random.default_rng(seed)
    means = np.empty((resamples, values.shape[1]))
    uniform = np.full(n, 1.0 / n)
    for start in range(0, resamples, 200):
        size = min(200, resamples - start)
        counts = rng.multinomial(n, uniform, size=size)
        means[start : start + size] = counts @ values / n
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail], axis=0)
    if squeeze:
        return mean[0], low[0], high[0]
    return mean, low, high


def unpaired_bootstrap_interval(
    treatment: np.ndarray,
    control: np.ndarray,
    level: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float, float]:
    """Difference of means treatment - control with a percentile bootstrap interval.

    Each group is resampled on its own (for runs that share no seeds).
    """
    a = np.asarray(treatment, dtype=float)
    b = np.asarray(control, dtype=float)
    rng = np.random.default_rng(seed)
    means_a = a[rng.integers(0, a.size, size=(resamples, a.size))].mean(axis=1)
    means_b = b[rng.integers(0, b.size, size=(resamples, b.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means_a - means_b, [tail, 1.0 - tail])
    return float(a.mean() - b.mean()), float(low), float(high)


@dataclass(frozen=True)
class PairedDifference:
    """A scenario's difference from the baseline in one metric at one step, over paired seeds."""

    scenario: str
    baseline: str
    design_point: int
    metric: str
    step: int
    pairs: int
    mean: float
    low: float
    high: float
    share_positive: float
    share_negative: float
    paired: bool = True

    def as_row(self) -> dict[str, object]:
        """The difference as a flat table row."""
        return dict(self.__dict__)


def paired_matrix(
    frame: pd.DataFrame, metric: str, scenario: str, baseline: str, design_point: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Treatment and baseline values of `metric` as (replicate x step) matrices.

    Rows are matched on replicate (common random numbers). Returns (steps, treatment,
    baseline).
    """
    here = frame[frame["design_point"] == design_point]
    wide = here.pivot_table(
        index=["scenario", "replicate"], columns="step", values=metric, aggfunc="first"
    )
    treatment = wide.loc[scenario]
    control = wide.loc[baseline]
    common = treatment.index.intersection(control.index)
    treatment, control = treatment.loc[common], control.loc[common]
    return treatment.columns.to_numpy(), treatment.to_numpy(), control.to_numpy()


def paired_differences(
    frame: pd.DataFrame,
    metric: str,
    baseline: str,
    at: int | None = None,
    level: float = 0.95,
) -> list[PairedDifference]:
    """Every scenario against `baseline` at step `at` (default: the last step).

    Matched on replicate and design point; with a bootstrap interval and the share of seeds
    with each sign.
    """
    out = []
    scenarios = [s for s in _ordered(frame["scenario"]) if s != baseline]
    for design_point in sorted(frame["design_point"].unique()):
        for scenario in scenarios:
            steps, treatment, control = paired_matrix(
                frame, metric, scenario, baseline, int(design_point)
            )
            if treatment.shape[0] == 0:
                continue
            step = int(steps[-1]) if at is None else int(at)
            column = int(np.searchsorted(steps, step))
            diff = treatment[:, column] - control[:, column]
            mean, low, high = bootstrap_mean_interval(diff, level)
            out.append(
                PairedDifference(
                    scenario,
                    baseline,
                    int(design_point),
                    metric,
                    step,
                    diff.size,
                    float(mean),
                    float(low),
                    float(high),
                    float(np.mean(diff > 0)),
                    float(np.mean(diff < 0)),
                )
            )
    return out


def difference_curve(
    frame: pd.DataFrame,
    metric: str,
    scenario: str,
    baseline: str,
    design_point: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """The paired difference scenario - baseline at every step, with its bootstrap band."""
    steps, treatment, control = paired_matrix(frame, metric, scenario, baseline, design_point)
    mean, low, high = bootstrap_mean_interval(treatment - control, level)
    return pd.DataFrame(
        {"step": steps, "mean": mean, "low": low, "high": high, "pairs": treatment.shape[0]}
    )


@dataclass(frozen=True)
class Divergence:
    """How two scenarios' trajectories part: when, how far, how long it lasts, and where."""

    scenario: str
    baseline: str
    metric: str
    diverges_at: int | None
    peak_step: int | None
    peak_difference: float
    peak_low: float
    peak_high: float
    half_life: int | None
    blocs_moved_most: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        """One paragraph in plain words, with legitimacy points on the 0-1 scale."""
        if self.diverges_at is None:
            return (
                f"{self.scenario} vs {self.baseline}: {self.metric} never differs beyond Monte "
                f"Carlo error (largest difference {self.peak_difference:+.3f})."
            )
        half = (
            f"half of it is gone {self.half_life} steps later"
            if self.half_life is not None
            else "it has not halved by the last step"
        )
        blocs = ", ".join(f"{name} ({value:+.3f})" for name, value in self.blocs_moved_most)
        text = (
            f"{self.scenario} vs {self.baseline}: {self.metric} diverges from step "
            f"{self.diverges_at}; the peak difference is {self.peak_difference:+.3f} "
            f"[{self.peak_low:+.3f}, {self.peak_high:+.3f}] at step {self.peak_step}; {half}."
        )
        return text + (f" Blocs that moved most: {blocs}." if blocs else "")


def divergence(
    frame: pd.DataFrame,
    metric: str,
    scenario: str,
    baseline: str,
    design_point: int = 0,
    blocs: pd.DataFrame | None = None,
    run_length: int = 3,
) -> Divergence:
    """How two scenarios part: when, how far, for how long, and in which blocs.

    The divergence step is the first from which the paired difference's band excludes zero
    for `run_length` steps in a row; then the peak and its step, the steps until half of the
    peak is gone, and the blocs whose paired difference at the peak is largest (from the
    per-bloc table).
    """
    curve = difference_curve(frame, metric, scenario, baseline, design_point)
    apart = ((curve["low"] > 0) | (curve["high"] < 0)).to_numpy()
    steps = curve["step"].to_numpy()
    start = None
    for i in range(len(apart) - run_length + 1):
        if apart[i : i + run_length].all():
            start = int(steps[i])
            break
    peak = int(np.nanargmax(np.abs(curve["mean"].to_numpy())))
    peak_value = float(curve["mean"].iloc[peak])
    half_life = None
    if start is not None:
        after = np.abs(curve["mean"].to_numpy()[peak:]) <= abs(peak_value) / 2.0
        if after.any():
            half_life = int(steps[peak + int(np.argmax(after))] - steps[peak])
    moved: tuple[tuple[str, float], ...] = ()
    if blocs is not None and start is not None and metric in blocs.columns:
        moved = _blocs_moved(blocs, metric, scenario, baseline, design_point, int(steps[peak]))
    return Divergence(
        scenario,
        baseline,
        metric,
        start,
        int(steps[peak]) if start is not None else None,
        peak_value,
        float(curve["low"].iloc[peak]),
        float(curve["high"].iloc[peak]),
        half_life,
        moved,
    )


def _blocs_moved(
    blocs: pd.DataFrame, metric: str, scenario: str, baseline: str, design_point: int, step: int
) -> tuple[tuple[str, float], ...]:
    here = blocs[(blocs["design_point"] == design_point) & (blocs["step"] == step)]
    wide = here.pivot_table(index=["bloc", "replicate"], columns="scenario", values=metric)
    if scenario not in wide.columns or baseline not in wide.columns:
        return ()
    diff = (wide[scenario] - wide[baseline]).groupby(level="bloc").mean()
    order = diff.abs().sort_values(ascending=False).index
    return tuple((str(name), float(diff[name])) for name in order)


def unpaired_differences(
    frame: pd.DataFrame, metric: str, baseline: str, at: int | None = None
) -> list[PairedDifference]:
    """Every scenario against `baseline` at step `at` without pairing.

    For runs that share no seed plan: each scenario's runs are resampled on their own
    (bootstrap of the difference of means), pooling every design point's runs.
    """
    step = int(frame["step"].max()) if at is None else int(at)
    final = frame[frame["step"] == step]
    base = final.loc[final["scenario"] == baseline, metric].to_numpy()
    out = []
    for scenario in _ordered(final["scenario"]):
        if scenario == baseline:
            continue
        values = final.loc[final["scenario"] == scenario, metric].to_numpy()
        mean, low, high = unpaired_bootstrap_interval(values, base)
        out.append(
            PairedDifference(
                scenario,
                baseline,
                0,
                metric,
                step,
                min(values.size, base.size),
                mean,
                low,
                high,
                float(np.mean(values > base.mean())),
                float(np.mean(values < base.mean())),
                paired=False,
            )
        )
    return out


def _ordered(values: pd.Series) -> list[str]:
    return list(dict.fromkeys(values.astype(str)))


def differences_table(differences: Sequence[PairedDifference]) -> pd.DataFrame:
    """The differences as a table (one row each)."""
    return pd.DataFrame([d.as_row() for d in differences])


def format_differences(differences: Sequence[PairedDifference]) -> str:
    """A readable fixed-width table of paired differences."""
    if not differences:
        return "(no scenario to compare with the baseline)"
    head = (
        f"{'scenario':<28}{'dp':>4}{'step':>6}{'pairs':>7}{'difference':>12}"
        f"{'95% interval':>22}{'  seeds >0 / <0':>16}"
    )
    lines = [head]
    for d in differences:
        interval = f"[{d.low:+.4f}, {d.high:+.4f}]"
        signs = (
            f"{d.share_positive:>7.0%} / {d.share_negative:<4.0%}" if d.paired else "   unpaired"
        )
        lines.append(
            f"{d.scenario:<28}{d.design_point:>4}{d.step:>6}{d.pairs:>7}{d.mean:>+12.4f}"
            f"{interval:>22}  {signs}"
        )
    return "\n".join(lines)
