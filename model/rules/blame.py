"""Rule 8: who is blamed for the conflict."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def defection_severity(faith: float, is_defection: bool) -> float:
    """d: how much a defection act weighs in the blame rule, minus its good-faith evidence."""
    return max(-faith, 0.0) if is_defection else 0.0


def blame_target(
    defection_negotiator: float,
    defection_adversary: float,
    outlet_bias: NDArray[np.float64],
    media_tilt: float,
) -> NDArray[np.float64]:
    """clip(d_A / (d_A + d_N) + kappa_f bbar, 0, 1): the share of blame a defection puts on A.

    `d` is each side's defection severity this step (0 if it did not defect); `outlet_bias` is
    the mean bias of each observer's outlets (positive favours the negotiator).
    """
    total = defection_negotiator + defection_adversary
    if total <= 0.0:
        raise ValueError("blame_target needs a defection by at least one side")
    return np.clip(defection_adversary / total + media_tilt * outlet_bias, 0.0, 1.0)


def blame_update(
    blame: NDArray[np.float64], target: NDArray[np.float64], rate: float, salience: float
) -> NDArray[np.float64]:
    """Beta += alpha_b S (target - beta)."""
    return blame + rate * salience * (target - blame)
