"""Rule 1: leverage, face and the good-faith record."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def leverage_gain(deterrence: ArrayLike, leverage_half: float) -> NDArray[np.float64]:
    """Deterrent weight of a side's acts, g(D) = D^2 / (D^2 + D_half^2).

    The essay's claim that engagement "carries weight only when backed by deterrence" as a
    saturating (Hill) function: g(0) = 0, g(D_half) = 1/2, g -> 1 for D >> D_half.
    """
    d2 = np.square(np.asarray(deterrence, dtype=float))
    return d2 / (d2 + leverage_half**2)


def update_face(face: ArrayLike, conceded: ArrayLike, memory: float) -> NDArray[np.float64]:
    """Face stock lost to concessions: F <- m F + (1 - m) [concede]."""
    return memory * np.asarray(face, dtype=float) + (1.0 - memory) * np.asarray(conceded, float)


def update_record(record: ArrayLike, credit: ArrayLike, memory: float) -> NDArray[np.float64]:
    """Good-faith record (Kydd's costly reassurance): R <- m R + (1 - m) c.

    `credit` c is 1 for a concession, `record_engage_credit` for engagement, 0 otherwise.
    """
    return memory * np.asarray(record, dtype=float) + (1.0 - memory) * np.asarray(credit, float)


def event_weight(gain: ArrayLike, face: ArrayLike, face_penalty: float) -> NDArray[np.float64]:
    """Weight of a side's events, w = g(D) (1 - psi F)."""
    return np.asarray(gain, dtype=float) * (1.0 - face_penalty * np.asarray(face, dtype=float))
