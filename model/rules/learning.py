"""Rule 9: each side learns about the other's type and red line (Fearon 1995; Kydd 2000)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def type_signal(
    other_is_preparing: ArrayLike, uniform: ArrayLike, accuracy: ArrayLike
) -> NDArray[np.bool_]:
    """The signal 'the other side is preparing': right with probability `accuracy`."""
    truth = np.asarray(other_is_preparing, dtype=bool)
    right = np.asarray(uniform, dtype=float) < np.asarray(accuracy, dtype=float)
    return np.where(right, truth, ~truth)


def update_type_belief(
    belief: ArrayLike, signal_preparing: ArrayLike, accuracy: ArrayLike
) -> NDArray[np.float64]:
    """Bayes' rule for pi = P(other is preparing) after a signal of known accuracy q."""
    pi = np.asarray(belief, dtype=float)
    q = np.asarray(accuracy, dtype=float)
    says = np.asarray(signal_preparing, dtype=bool)
    like_preparing = np.where(says, q, 1.0 - q)
    like_posturing = np.where(says, 1.0 - q, q)
    return like_preparing * pi / (like_preparing * pi + like_posturing * (1.0 - pi))


def update_redline_estimate(
    mean: ArrayLike, variance: ArrayLike, signal: ArrayLike, noise_sd: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Normal-normal update of the red-line estimate (mu, tau^2) from z ~ N(rho, sigma^2)."""
    mu = np.asarray(mean, dtype=float)
    tau2 = np.asarray(variance, dtype=float)
    sigma2 = np.square(np.asarray(noise_sd, dtype=float))
    posterior_variance = 1.0 / (1.0 / tau2 + 1.0 / sigma2)
    posterior_mean = posterior_variance * (mu / tau2 + np.asarray(signal, dtype=float) / sigma2)
    return posterior_mean, posterior_variance
