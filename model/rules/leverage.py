"""Rule 1: leverage, face and the good-faith record."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def leverage_gain(deterrence: ArrayLike, leverage_half: float) -> NDArray[np.float64]:
    """Deterrent weight of a side, g(D) = D^2 / (D^2 + D_half^2).

    The essay's claim that engagement "carries weight only when backed by deterrence" as a
    saturating (Hill) function: g(0) = 0, g(D_half) = 1/2, g -> 1 for D >> D_half.
    """
    d2 = np.square(np.asarray(deterrence, dtype=float))
    return d2 / (d2 + leverage_half**2)


def update_face(face: ArrayLike, conceded: ArrayLike, memory: float) -> NDArray[np.float64]:
    """Face stock lost to concessions: F <- m F + (1 - m) [concede]."""
    return memory * np.asarray(face, dtype=float) + (1.0 - memory) * np.asarray(conceded, float)


def face_weight(face: ArrayLike, face_penalty: float) -> NDArray[np.float64]:
    """Weight of a side's evidence after lost face, f = 1 - psi F."""
    return 1.0 - face_penalty * np.asarray(face, dtype=float)


def record_credit(
    conceded: bool, engaged: bool, concede_credit: float, engage_credit: float
) -> float:
    """Record credit c of one week (Kydd's costly reassurance).

    `concede_credit` for a concession, `engage_credit` for engagement, 0 for anything else.
    """
    if conceded:
        return concede_credit
    return engage_credit if engaged else 0.0


def update_record(record: ArrayLike, credit: ArrayLike, memory: float) -> NDArray[np.float64]:
    """Good-faith record: R <- m R + (1 - m) c."""
    return memory * np.asarray(record, dtype=float) + (1.0 - memory) * np.asarray(credit, float)
