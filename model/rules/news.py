"""Rule 4: acts stay in the news for a while; attention sets how much news is absorbed."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def update_news(
    news: NDArray[np.float64], evidence: NDArray[np.float64], memory: float
) -> NDArray[np.float64]:
    """News <- m_news news + e: an act counts once, then fades from the news."""
    return memory * news + evidence


def attribution_multiplier(
    news: NDArray[np.float64], legitimacy: NDArray[np.float64], bias: float
) -> NDArray[np.float64]:
    """M = 1 + eta sign(news) (2 L - 1) (dispositional attribution, Mercer 1996).

    Good news of a trusted side and bad news of a distrusted side count more (read as
    disposition); good news of a distrusted side and bad news of a trusted side count less.
    """
    return 1.0 + bias * np.sign(news) * (2.0 * legitimacy - 1.0)


def absorb(
    logodds: NDArray[np.float64],
    news: NDArray[np.float64],
    salience: float,
    multiplier: NDArray[np.float64] | float,
    event_rate: float,
    standing: NDArray[np.float64] | float,
    standing_rate: float,
) -> NDArray[np.float64]:
    """X += alpha_e S m news + alpha_u u.

    Attention S scales how much news is absorbed and never its direction; the standing
    evidence u of held postures is a steady trickle that attention does not touch.
    """
    return logodds + event_rate * salience * multiplier * news + standing_rate * standing
