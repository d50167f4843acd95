"""Rule 13: blocs, sanction compliance and the vote stand-in."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def bloc_sizes(shares: NDArray[np.float64], observers: int) -> NDArray[np.int64]:
    """Observers per bloc from the shares (which sum to 1), by largest remainder."""
    counts = np.floor(shares * observers).astype(np.int64)
    remainder = shares * observers - counts
    counts[np.argsort(-remainder, kind="stable")[: observers - int(counts.sum())]] += 1
    return counts


def bloc_means(
    values: NDArray[np.float64],
    bloc: NDArray[np.int64],
    n_blocs: int,
    counts: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Mean of `values` per bloc (NaN for an empty bloc; configs cannot make one).

    `counts` are the bloc sizes as floats, if already known (they are computed otherwise).
    """
    if counts is None:
        counts = np.bincount(bloc, minlength=n_blocs).astype(float)
    sums = np.bincount(bloc, weights=values, minlength=n_blocs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def weighted_mean(values: NDArray[np.float64], weights: NDArray[np.float64]) -> float:
    """Mean of per-bloc values weighted by economic weight (NaN if every weight is 0)."""
    total = float(np.sum(weights))
    if total <= 0:
        return float("nan")
    return float(np.sum(values * weights) / total)


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


def vote_share_by_bloc(
    yes: NDArray[np.bool_], is_elite: NDArray[np.bool_], bloc: NDArray[np.int64], n_blocs: int
) -> NDArray[np.float64]:
    """Yes share of each bloc's elites; a bloc without elites votes by all its observers."""
    elites = np.bincount(bloc, weights=is_elite.astype(float), minlength=n_blocs)
    elite_yes = np.bincount(bloc, weights=(yes & is_elite).astype(float), minlength=n_blocs)
    everyone = np.bincount(bloc, minlength=n_blocs).astype(float)
    all_yes = np.bincount(bloc, weights=yes.astype(float), minlength=n_blocs)
    voters = np.where(elites > 0, elites, everyone)
    votes = np.where(elites > 0, elite_yes, all_yes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return votes / voters
