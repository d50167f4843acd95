"""Rule 4: observers' legitimacy moves toward what each side's act points to."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def attribution_multiplier(
    valence: NDArray[np.float64], legitimacy: NDArray[np.float64], bias: float
) -> NDArray[np.float64]:
    """M = 1 + eta sign(vhat) (2 L - 1) (dispositional attribution, Mercer 1996).

    Good acts of a trusted side and bad acts of a distrusted side count more (read as
    disposition); good acts of a distrusted side and bad acts of a trusted side count less
    (read as situation).
    """
    return 1.0 + bias * np.sign(valence) * (2.0 * legitimacy - 1.0)


def event_update(
    legitimacy: NDArray[np.float64],
    target: NDArray[np.float64],
    rate: float,
    salience: float,
    weight: float,
    multiplier: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """L + alpha_e S w m (T - L)."""
    return legitimacy + rate * salience * weight * multiplier * (target - legitimacy)
