"""Rule 11: escalation cost and the utilities of the adaptive choice of action.

The choice itself (a logit choice over these utilities) is the adaptive strategy's, in
`agents.strategies`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def escalation_cost(base: float, slope: float, weighted_legitimacy: float) -> float:
    """C = c_0 + gamma (1 - Lbar_w): escalating costs more for a side seen as illegitimate."""
    return base + slope * (1.0 - weighted_legitimacy)


def adaptive_utilities(
    *,
    engage_utility: float,
    other_gain: float,
    hawkishness: float,
    cost: float,
    sanction_utility: float,
    preparing: bool,
    preparing_bonus: float,
    recently_crossed: bool,
    crossing_bonus: float,
) -> NDArray[np.float64]:
    """Utilities of `agents.actions.ADAPTIVE_ACTIONS`, in that order.

    U(engage) = u_e g(D_other) - h; U(add_conditions) = U(escalate_rhetoric) = h - C/2;
    U(walk_away) = h - C; U(sanction) = h + u_s - C; a preparing type adds u_p and a recently
    crossed red line adds u_x to sanction and escalation.
    """
    bonus = preparing_bonus * preparing + crossing_bonus * recently_crossed
    return np.array(
        [
            engage_utility * other_gain - hawkishness,
            hawkishness - cost / 2.0,
            hawkishness - cost / 2.0 + bonus,
            hawkishness - cost,
            hawkishness + sanction_utility - cost + bonus,
        ]
    )
