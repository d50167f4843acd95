"""Rule 10: bargaining against red lines; rounds make progress, and deals are concluded."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def asks(
    redline_mean: ArrayLike, redline_variance: ArrayLike, caution: ArrayLike, floor: float
) -> NDArray[np.float64]:
    """What each side asks of the other: x = mu - caution max(tau, ask_floor).

    The floor keeps asks cautious as beliefs sharpen.
    """
    tau = np.sqrt(np.asarray(redline_variance, dtype=float))
    return np.asarray(redline_mean, float) - np.asarray(caution, float) * np.maximum(tau, floor)


def crossings(ask: ArrayLike, red_line_of_other: ArrayLike) -> NDArray[np.bool_]:
    """Whether each side's ask lies beyond the other side's red line (x > rho_other)."""
    return np.asarray(ask, float) > np.asarray(red_line_of_other, float)


def update_progress(progress: float, acceptable: bool, rate: float, draw: float) -> float:
    """deal_progress += progress_rate q when both asks are acceptable (q an Exp(1) draw)."""
    return progress + rate * draw if acceptable else progress


def deal_concluded(progress: float) -> bool:
    """A deal is concluded when progress reaches 1; the next issue starts again from 0."""
    return progress >= 1.0
