"""Rule 5: media outlets relay the news with a slant that grows with it.

References: Entman 2004 (indexing); Carletti et al. 2006 and Shibanai, Yasuno & Ishiguro 2001
(media within bounded confidence); Pineda & Buendia 2015 (backfire); Stroud 2008 (selective
exposure).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SIDE_SIGN = np.array([1.0, -1.0])
"""sigma_s: +1 for the negotiator, -1 for the adversary (a positive bias favours N)."""


def elite_disagreement(news_gap_elites: NDArray[np.float64]) -> float:
    """2 min(share of elites with news^N - news^A > 0, share with < 0).

    0 when the elites read the news alike, 1 when they split evenly. With no elites there is no
    consensus to index to: disagreement is 1.
    """
    if news_gap_elites.size == 0:
        return 1.0
    up = np.count_nonzero(news_gap_elites > 0.0) / news_gap_elites.size
    down = np.count_nonzero(news_gap_elites < 0.0) / news_gap_elites.size
    return 2.0 * min(up, down)


def effective_indexing(indexing: NDArray[np.float64], disagreement: float) -> NDArray[np.float64]:
    """lambda_eff = lambda (1 - disagreement): outlets follow the news as far as elites agree."""
    return indexing * (1.0 - disagreement)


def outlet_report(
    news: NDArray[np.float64] | float,
    indexing: NDArray[np.float64] | float,
    bias: NDArray[np.float64] | float,
    sign: float,
    slant: float,
) -> NDArray[np.float64]:
    """lambda_eff news + (1 - lambda_eff) sigma_s b media_slant |news|: no news, no slant."""
    return indexing * news + (1.0 - indexing) * sign * bias * slant * np.abs(news)


def outlet_stance(bias: NDArray[np.float64], sign: float) -> NDArray[np.float64]:
    """Where an outlet stands on a side: 0.5 + sigma_s b / 2."""
    return 0.5 + sign * bias / 2.0


def media_update(
    logodds: NDArray[np.float64],
    legitimacy_before: NDArray[np.float64],
    report: NDArray[np.float64],
    stance: NDArray[np.float64],
    exposed: NDArray[np.bool_],
    bound: NDArray[np.float64],
    rate: float,
    margin: float,
    backfire_rate: float = 0.0,
    backfire_margin: float = np.inf,
) -> NDArray[np.float64]:
    """One subscription's report: taken within the bound, pushed away beyond the margin.

    An exposed observer takes x += alpha_m report if the outlet's stance lies within eps +
    margin of its legitimacy before this step's news; under `backfire`, beyond eps +
    backfire_margin it takes x -= alpha_bf report.
    """
    distance = np.abs(stance - legitimacy_before)
    change = np.where(exposed & (distance < bound + margin), rate * report, 0.0)
    if backfire_rate > 0.0:
        repel = exposed & (distance > bound + backfire_margin)
        change = np.where(repel, -backfire_rate * report, change)
    return logodds + change


def observer_leaning(initial_gap: NDArray[np.float64]) -> NDArray[np.float64]:
    """clip(z / 2, -1, 1), z the initial L^N - L^A centred and divided by its sd."""
    spread = initial_gap.std()
    z = (initial_gap - initial_gap.mean()) / spread if spread > 0 else np.zeros_like(initial_gap)
    return np.clip(z / 2.0, -1.0, 1.0)


def subscription_log_weights(
    reach: NDArray[np.float64], bias: NDArray[np.float64], leaning: NDArray[np.float64], k: float
) -> NDArray[np.float64]:
    """Log of r_m exp(-k |b_m - leaning_i|), shape (observers, outlets) (selective exposure).

    An outlet of zero reach keeps a tiny weight, so that an observer always has two outlets.
    """
    reach = np.where(reach > 0, reach, 1e-12)
    return np.log(reach)[None, :] - k * np.abs(bias[None, :] - leaning[:, None])


def two_subscriptions(
    log_weights: NDArray[np.float64], gumbel: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Two distinct outlets per observer drawn without replacement (Gumbel-top-k).

    `gumbel` holds one standard Gumbel draw per observer and outlet. With one outlet both
    subscriptions are that outlet.
    """
    if log_weights.shape[1] == 1:
        return np.zeros((log_weights.shape[0], 2), dtype=np.int64)
    keys = log_weights + gumbel
    return np.argsort(-keys, axis=1, kind="stable")[:, :2].astype(np.int64)
