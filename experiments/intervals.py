"""The t interval of an ensemble mean: how precisely a set of seeds pins down a model quantity.

Student's t over the seeds (one value per seed: a run's output, or a paired difference under
common random numbers). It is a Monte Carlo interval of the simulation, not a significance test
of the world (White et al. 2014). The comparison's bands, the model card's claims and the
tests' statistical checks all take it from here.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def t_quantile(level: float, dof: float | np.ndarray) -> float | np.ndarray:
    """The two-sided `level` quantile of Student's t with `dof` degrees of freedom."""
    return stats.t.ppf(0.5 + level / 2.0, dof)


def t_half_width(sd: np.ndarray, n: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Half the width of the `level` t interval of a mean, from the sd and count of its sample.

    Element-wise over arrays; NaN where fewer than two values make the mean.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = t_quantile(level, np.maximum(n - 1.0, 1.0))
        return np.where(n > 1, t * sd / np.sqrt(n), np.nan)


def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """The mean of one value per seed with its `level` t interval: (mean, low, high).

    Degenerate (low = high = mean) when there are fewer than two values or all are equal.
    """
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2 or np.all(values == values[0]):
        return mean, mean, mean
    half = float(t_half_width(values.std(ddof=1), values.size, level))
    return mean, mean - half, mean + half
