"""Rule 7: anchoring to prior images (Friedkin & Johnsen 1990)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def anchor(
    legitimacy: NDArray[np.float64], initial: NDArray[np.float64], rate: float
) -> NDArray[np.float64]:
    """L += alpha_0 (L(0) - L), then clip to [0, 1]."""
    return np.clip(legitimacy + rate * (initial - legitimacy), 0.0, 1.0)
