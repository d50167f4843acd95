"""Rule 3: the valence of each side's act in the context of the other side's act."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from model.actions import BASE_VALENCE, CONCEDE_VALENCE, SANCTION_VALENCE, Action


def base_valence(
    action: Action,
    strength_orientation: NDArray[np.float64],
    scepticism: NDArray[np.float64],
    sanction_weight: float,
) -> NDArray[np.float64]:
    """Valence v of an action for each observer (MODEL_SPEC, actions table).

    Concessions read worse to strength-oriented observers (v = 0.4 - 0.8 h_obs); sanctions read
    worse to sceptical observers, fully when unilateral (v = -0.8 s u, u = 1 or the multilateral
    factor). Other actions have one valence for everybody.
    """
    if action is Action.CONCEDE:
        a, b = CONCEDE_VALENCE
        return a - b * strength_orientation
    if action is Action.SANCTION:
        return -SANCTION_VALENCE * scepticism * sanction_weight
    return np.full(strength_orientation.shape, BASE_VALENCE[action])


def contrast_strength(
    contrast: float,
    gain: ArrayLike,
    record: ArrayLike,
    record_bonus: float,
    record_threshold: float,
) -> NDArray[np.float64]:
    """chi_s = chi g(D_s) (1 + zeta max(R_s - R*, 0) / R*).

    The burden-shift claim: how strongly a side's act is read against the other side's act
    grows with its deterrent weight and, under `reassurance`, with a good-faith record above
    the record of plain engagement.
    """
    excess = np.maximum(np.asarray(record, dtype=float) - record_threshold, 0.0)
    return (
        contrast * np.asarray(gain, dtype=float) * (1.0 + record_bonus * excess / record_threshold)
    )


def contextual_valence(
    own: NDArray[np.float64], other: NDArray[np.float64], contrast_s: float
) -> NDArray[np.float64]:
    """vhat_s = v_s + chi_s (v_s - v_o) / 2: an act judged against the other side's act."""
    return own + contrast_s * (own - other) / 2.0


def talk_fatigue_penalty(
    strength_orientation: NDArray[np.float64], fruitless_rounds: int, fatigue: float, half: int
) -> NDArray[np.float64]:
    """Valence that engagement loses to strength-oriented observers: phi h_obs k / (k + k_half).

    Rival mechanism `talk_fatigue`: talks without progress read as weakness or stalling.
    """
    return fatigue * strength_orientation * (fruitless_rounds / (fruitless_rounds + half))


def target_legitimacy(valence: NDArray[np.float64]) -> NDArray[np.float64]:
    """T = clip((1 + vhat) / 2, 0, 1): the legitimacy an act points to."""
    return np.clip((1.0 + valence) / 2.0, 0.0, 1.0)
