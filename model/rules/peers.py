"""Rule 6: bounded-confidence influence between neighbours.

References: Deffuant, Neau, Amblard & Weisbuch 2000; Hegselmann & Krause 2002.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def neighbour_draw_weights(
    indices: NDArray[np.int64], is_elite: NDArray[np.bool_], elite_influence: float
) -> NDArray[np.float64]:
    """Cumulative draw weights of every edge: elite neighbours count `elite_influence` times."""
    return np.cumsum(np.where(is_elite[indices], elite_influence, 1.0))


def draw_neighbours(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    cumulative_weights: NDArray[np.float64],
    uniforms: NDArray[np.float64],
) -> NDArray[np.int64]:
    """One neighbour per observer, drawn with the edge weights, from one uniform each.

    The network is in CSR form (`indptr`, `indices`); `cumulative_weights` comes from
    `neighbour_draw_weights`. An observer without neighbours draws itself (no influence).
    """
    own = np.arange(indptr.size - 1)
    if indices.size == 0:
        return own
    start = np.concatenate(([0.0], cumulative_weights))[indptr[:-1]]
    end = np.concatenate(([0.0], cumulative_weights))[indptr[1:]]
    target = start + uniforms * (end - start)
    edge = np.searchsorted(cumulative_weights, target, side="right")
    edge = np.clip(edge, indptr[:-1], np.maximum(indptr[1:] - 1, indptr[:-1]))
    has_neighbours = indptr[1:] > indptr[:-1]
    return np.where(has_neighbours, indices[np.minimum(edge, indices.size - 1)], own)


def deffuant_update(
    legitimacy: NDArray[np.float64],
    neighbour_legitimacy: NDArray[np.float64],
    bound: NDArray[np.float64],
    rate: float,
) -> NDArray[np.float64]:
    """If |L_j - L| < eps then L += mu (L_j - L) (all observers at once, from the old values)."""
    distance = neighbour_legitimacy - legitimacy
    return legitimacy + np.where(np.abs(distance) < bound, rate * distance, 0.0)


def hegselmann_krause_update(
    legitimacy: NDArray[np.float64],
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    bound: NDArray[np.float64],
    rate: float,
) -> NDArray[np.float64]:
    """L += mu (mean of L over self and the neighbours within eps - L) (Hegselmann-Krause)."""
    n = legitimacy.size
    owner = np.repeat(np.arange(n), np.diff(indptr))
    close = np.abs(legitimacy[indices] - legitimacy[owner]) < bound[owner]
    total = legitimacy + np.bincount(
        owner, weights=np.where(close, legitimacy[indices], 0.0), minlength=n
    )
    count = 1.0 + np.bincount(owner, weights=close.astype(float), minlength=n)
    return legitimacy + rate * (total / count - legitimacy)
