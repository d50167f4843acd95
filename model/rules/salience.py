"""Rule 2: salience of the conflict (agenda setting, McCombs & Shaw 1972)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def side_newsworthiness(
    acted: bool, act_news: float, held_news: float, persistence: float
) -> float:
    """A side's newsworthiness this week: its act's, or `persistence` of its held posture's.

    A held posture is not news: only `persistence` of its newsworthiness is left.
    """
    return act_news if acted else persistence * held_news


def update_salience(salience: float, newsworthiness: ArrayLike, memory: float) -> float:
    """S <- m S + (1 - m) max(n_N, n_A, n_agreement, shock)."""
    return float(memory * salience + (1.0 - memory) * np.max(newsworthiness))
