"""Rule 7: anchoring to prior images (Friedkin & Johnsen 1990), in log-odds."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def anchor(
    logodds: NDArray[np.float64], initial: NDArray[np.float64], rate: float
) -> NDArray[np.float64]:
    """X += alpha_0 (x(0) - x): a pull back to the prior image; nothing is clipped."""
    return logodds + rate * (initial - logodds)
