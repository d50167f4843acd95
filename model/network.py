"""The observers' small-world network (Watts & Strogatz 1998), built with whole-array operations."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def small_world(
    n: int, degree: int, rewiring: float, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """An undirected Watts-Strogatz graph in CSR form (`indptr`, `indices`).

    A ring where each node links to its `degree // 2` nearest neighbours on each side; each
    link's far end is rewired to a uniformly drawn node with probability `rewiring` (self-loops
    are redrawn as the next node; the rare duplicate link is kept). Neighbour lists are sorted.
    """
    half = max(1, min(degree // 2, (n - 1) // 2)) if n > 2 else 1
    source = np.repeat(np.arange(n, dtype=np.int64), half)
    offset = np.tile(np.arange(1, half + 1, dtype=np.int64), n)
    target = (source + offset) % n
    rewire = rng.random(source.size) < rewiring
    drawn = rng.integers(0, n, size=source.size)
    drawn = np.where(drawn == source, (drawn + 1) % n, drawn)
    target = np.where(rewire, drawn, target)
    keep = target != source
    a = np.concatenate([source[keep], target[keep]])
    b = np.concatenate([target[keep], source[keep]])
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return indptr, b
