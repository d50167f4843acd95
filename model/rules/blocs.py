"""Rule 13: blocs, sanction compliance and the vote stand-in."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def bloc_means(
    values: NDArray[np.float64],
    bloc: NDArray[np.int64],
    n_blocs: int,
    counts: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Mean of `values` per bloc (NaN for an empty bloc).

    `counts` are the bloc sizes as floats, if already known (they are computed otherwise).
    """
    if counts is None:
        counts = np.bincount(bloc, minlength=n_blocs).astype(float)
    sums = np.bincount(bloc, weights=values, minlength=n_blocs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def weighted_mean(values: NDArray[np.float64], weights: NDArray[np.float64]) -> float:
    """Mean of per-bloc values weighted by economic weight, skipping empty (NaN) blocs."""
    keep = ~np.isnan(values)
    if not keep.any() or weights[keep].sum() <= 0:
        return float("nan")
    return float(np.sum(values[keep] * weights[keep]) / np.sum(weights[keep]))


def sanction_compliance(
    legitimacy_adversary: NDArray[np.float64],
    legitimacy_negotiator: NDArray[np.float64],
    scepticism: NDArray[np.float64],
    exposure: NDArray[np.float64],
    intercept: float,
    legitimacy_weight: float,
    scepticism_weight: float,
    exposure_weight: float,
) -> NDArray[np.float64]:
    """kappa_k = logistic(b0 + b1 (L^A_k - L^N_k) - b2 s_k + b3 exposure_k), per bloc.

    Compliance of each bloc with the adversary's sanctions; `exposure` is already scaled by the
    adversary's economic reach.
    """
    logit = (
        intercept
        + legitimacy_weight * (legitimacy_adversary - legitimacy_negotiator)
        - scepticism_weight * scepticism
        + exposure_weight * exposure
    )
    return 1.0 / (1.0 + np.exp(-logit))


def vote_yes(
    scepticism: NDArray[np.float64],
    legitimacy_negotiator: NDArray[np.float64],
    legitimacy_adversary: NDArray[np.float64],
    threshold: float,
) -> NDArray[np.bool_]:
    """An elite votes yes on a text against unilateral coercion when s + L^N - L^A > threshold."""
    return scepticism + legitimacy_negotiator - legitimacy_adversary > threshold
