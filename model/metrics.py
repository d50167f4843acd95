"""Model-level summaries of the observer arrays (the output columns of MODEL_SPEC)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

POLARIZATION_BINS = 20
POLARIZATION_ALPHA = 1.0


def narrative_share(gap: NDArray[np.float64]) -> float:
    """Share of observers who find the negotiator more legitimate (L^N > L^A)."""
    return float(np.mean(gap > 0.0))


def polarization(
    gap: NDArray[np.float64], bins: int = POLARIZATION_BINS, alpha: float = POLARIZATION_ALPHA
) -> float:
    """Esteban-Ray polarization of L^N - L^A (Esteban & Ray 1994).

    P = K sum_i sum_j p_i^(1 + alpha) p_j |y_i - y_j| over `bins` equal bins of [-1, 1] with
    centres y; K = 2 so that an even split between the two ends scores about 1 and a consensus
    scores 0.
    """
    counts, edges = np.histogram(gap, bins=bins, range=(-1.0, 1.0))
    p = counts / max(gap.size, 1)
    y = (edges[:-1] + edges[1:]) / 2.0
    distance = np.abs(y[:, None] - y[None, :])
    return float(2.0 * np.sum(p[:, None] ** (1.0 + alpha) * p[None, :] * distance))


def bimodality(values: NDArray[np.float64]) -> float:
    """Sarle's bimodality coefficient (g^2 + 1) / (k + 3 (n - 1)^2 / ((n - 2)(n - 3))).

    g is the sample skewness and k the sample excess kurtosis (both bias-corrected). Above 5/9
    (the value of a uniform distribution) suggests two camps. NaN for fewer than four values or
    no spread.
    """
    n = values.size
    if n < 4:
        return float("nan")
    centred = values - values.mean()
    square = centred * centred
    m2 = float(np.mean(square))
    if m2 <= 0.0:
        return float("nan")
    m3 = float(np.mean(square * centred))
    m4 = float(np.mean(square * square))
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return float((skew**2 + 1.0) / (kurt + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3))))
