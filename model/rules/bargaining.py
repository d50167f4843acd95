"""Rule 10: bargaining against red lines."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def asks(redline_mean: ArrayLike, redline_variance: ArrayLike, caution: ArrayLike) -> NDArray:
    """What each side asks of the other: x = mu - caution tau."""
    return np.asarray(redline_mean, float) - np.asarray(caution, float) * np.sqrt(
        np.asarray(redline_variance, float)
    )


def crossings(ask: ArrayLike, red_line_of_other: ArrayLike) -> NDArray[np.bool_]:
    """Whether each side's ask crosses the other side's red line (x > rho_other)."""
    return np.asarray(ask, float) > np.asarray(red_line_of_other, float)


def update_progress(progress: float, crossed_any: bool, rate: float) -> float:
    """deal_progress += progress_rate for a round without a crossing, capped at 1."""
    return progress if crossed_any else min(1.0, progress + rate)
