"""Rule 6: bounded-confidence influence between neighbours.

References: Deffuant, Neau, Amblard & Weisbuch 2000; Hegselmann & Krause 2002.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def neighbour_table(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int64],
    is_elite: NDArray[np.bool_],
    elite_influence: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Padded neighbour lists and the cumulative draw probabilities, one row per slot.

    From the CSR network (`indptr`, `indices`): `table[k, i]` is observer i's k-th neighbour
    and `cumulative[k, i]` the probability of drawing one of its first k + 1 neighbours, where
    elite neighbours weigh `elite_influence` times as much. Padding cells hold the observer
    itself with probability +inf, so an observer without neighbours draws itself. Built once
    per run, slot-major so that `draw_neighbours` compares one contiguous row per slot.
    """
    n = indptr.size - 1
    degree = np.diff(indptr)
    width = max(int(degree.max(initial=0)), 1)
    dtype = np.int32 if n < 2**31 else np.int64
    table = np.repeat(np.arange(n, dtype=dtype)[None, :], width, axis=0)
    cumulative = np.full((width, n), np.inf)
    if indices.size:
        row = np.repeat(np.arange(n), degree)
        column = np.arange(indices.size) - indptr[row]
        running = np.cumsum(np.where(is_elite[indices], elite_influence, 1.0))
        before_row = np.concatenate(([0.0], running))[indptr[:-1]]
        total = np.concatenate(([0.0], running))[indptr[1:]] - before_row
        table[column, row] = indices
        cumulative[column, row] = (running - before_row[row]) / total[row]
        last = indptr[1:][degree > 0] - 1
        cumulative[column[last], row[last]] = 1.0
    return table, cumulative


def draw_neighbours(
    table: NDArray[np.int64], cumulative: NDArray[np.float64], uniforms: NDArray[np.float64]
) -> NDArray[np.int64]:
    """One neighbour per observer from one uniform in [0, 1) each (see `neighbour_table`).

    Observer i draws the first neighbour k with cumulative[k, i] > u_i.
    """
    width, n = table.shape
    position = np.minimum((cumulative <= uniforms).sum(axis=0), width - 1)
    return table.ravel()[position * n + np.arange(n)]


def deffuant_update(
    legitimacy: NDArray[np.float64],
    neighbour_legitimacy: NDArray[np.float64],
    bound: NDArray[np.float64],
    rate: float,
) -> NDArray[np.float64]:
    """If |L_j - L| < eps then L += mu (L_j - L) (all observers at once, from the old values)."""
    distance = neighbour_legitimacy - legitimacy
    return legitimacy + rate * distance * (np.abs(distance) < bound)


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
