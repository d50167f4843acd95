"""Rule 2: salience of the conflict (agenda setting, McCombs & Shaw 1972)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def scaled_newsworthiness(
    newsworthiness: ArrayLike, repeated_posture: ArrayLike, persistence: float
) -> NDArray[np.float64]:
    """Newsworthiness after persistence: a repeated posture keeps `persistence` of its news."""
    n = np.asarray(newsworthiness, dtype=float)
    return np.where(np.asarray(repeated_posture, dtype=bool), persistence * n, n)


def update_salience(salience: float, newsworthiness: ArrayLike, memory: float) -> float:
    """S <- m S + (1 - m) max_s n_s."""
    return float(memory * salience + (1.0 - memory) * np.max(newsworthiness))
