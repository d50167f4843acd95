"""Legitimacy is held as log-odds x = logit(L); the conversions both ways."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def to_probability(logodds: NDArray[np.float64]) -> NDArray[np.float64]:
    """L = 1 / (1 + exp(-x)); far below zero, exp overflows and L is 0 to the last bit."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-logodds))


def to_logodds(probability: NDArray[np.float64]) -> NDArray[np.float64]:
    """X = log(L / (1 - L)); L must lie strictly between 0 and 1."""
    return np.log(probability / (1.0 - probability))
