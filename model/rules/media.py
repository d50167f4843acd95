"""Rule 5: media outlets frame events through their editorial line.

References: Entman 2004; Carletti et al. 2006; Pineda & Buendia 2015.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def elite_disagreement(gap_elites: NDArray[np.float64]) -> float:
    """Disagreement of elites, 1 - |2 p - 1| with p the share of elites favouring the negotiator.

    0 when the elites agree on which side is more legitimate, 1 when they split evenly. With no
    elites there is no consensus to index to: disagreement is 1.
    """
    if gap_elites.size == 0:
        return 1.0
    p = float(np.mean(gap_elites > 0.0))
    return 1.0 - abs(2.0 * p - 1.0)


def effective_indexing(indexing: NDArray[np.float64], disagreement: float) -> NDArray[np.float64]:
    """lambda_eff = lambda (1 - disagreement): outlets follow events as far as elites agree."""
    return indexing * (1.0 - disagreement)


def outlet_frames(
    bias: NDArray[np.float64],
    indexing_eff: NDArray[np.float64],
    mean_target: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Frames f_m of every outlet about both sides, shape (2, outlets).

    f^N = (1 - lambda_eff)(1/2 + b/2) + lambda_eff mean(T_N), and for the adversary with -b:
    an editorial line mixed with what the events point to.
    """
    line = np.stack([0.5 + bias / 2.0, 0.5 - bias / 2.0])
    return (1.0 - indexing_eff) * line + indexing_eff * mean_target[:, None]


def media_update(
    legitimacy: NDArray[np.float64],
    frame: NDArray[np.float64],
    exposed: NDArray[np.bool_],
    bound: NDArray[np.float64],
    rate: float,
    latitude: float,
    backfire_rate: float = 0.0,
    backfire_margin: float = np.inf,
) -> NDArray[np.float64]:
    """One subscription's message: accepted within the bound, pushed away beyond the margin.

    For exposed observers, if |f - L| < eps + latitude then L += alpha_m (f - L); with
    `backfire`, if |f - L| > eps + margin then L -= alpha_bf (f - L). `frame` is the frame of
    each observer's outlet (one value per observer).
    """
    distance = frame - legitimacy
    far = np.abs(distance)
    accept = exposed & (far < bound + latitude)
    change = np.where(accept, rate * distance, 0.0)
    if backfire_rate > 0.0:
        repel = exposed & (far > bound + backfire_margin)
        change = np.where(repel, -backfire_rate * distance, change)
    return legitimacy + change
