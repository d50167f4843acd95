"""The close-up y axis of a time chart: fixed at the run's start, widened only when a value leaves.

Legitimacy and shares run from 0 to 1, where a walkout's effect (about 0.015) is a few pixels.
The close-up axis frames the run's values at week 0 (after the spin-up) with a margin wide
enough for its usual moves, on a coarse grid, and keeps it while the run plays: a value that
leaves it widens it (with a little room), nothing ever narrows it. It is a pure function of the
weeks so far, so the same run shows the same axis however it is played, and the chart is only
declared again when the axis widens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboards.snapshot import Snapshot

WHOLE = (0.0, 1.0)
"""The whole scale of legitimacy and shares."""

MARGIN = 0.1
"""Room left around the run's values at week 0: more than a run's usual moves."""

ROOM = 0.02
"""Room left beyond a value that has left the close-up range."""

GRID = 0.05
"""The close-up range's ends are multiples of this, rounded outwards."""


def close_up_domain(start: Iterable[float], values: Iterable[float]) -> tuple[float, float]:
    """The close-up y range of a chart whose values at week 0 are `start`, `values` so far.

    The range is `start`'s range widened by `MARGIN`, rounded outwards to `GRID` and clamped
    to 0 to 1; a value of `values` outside it widens it to that value with `ROOM` to spare
    (rounded outwards too). With no finite value at week 0 it is the whole scale.
    """
    first = _finite(start)
    if first.size == 0:
        return WHOLE
    low, high = _outwards(first.min() - MARGIN, first.max() + MARGIN)
    seen = _finite(values)
    if seen.size and seen.min() < low:
        low = _outwards(seen.min() - ROOM, high)[0]
    if seen.size and seen.max() > high:
        high = _outwards(low, seen.max() + ROOM)[1]
    return (low, high)


def _outwards(low: float, high: float) -> tuple[float, float]:
    """`low` and `high` rounded outwards to `GRID` and clamped to 0 to 1."""
    low = math.floor(round(low / GRID, 9)) * GRID
    high = math.ceil(round(high / GRID, 9)) * GRID
    return (round(max(0.0, low), 4), round(min(1.0, high), 4))


def snapshot_domain(snap: Snapshot, columns: Iterable[str]) -> tuple[float, float]:
    """The close-up range of the chart of `columns` of the run's timeseries (and pinned runs)."""
    columns = list(columns)
    series = snap.timeseries
    start = series.loc[series["step"] == series["step"].min(), columns]
    values = [series[columns]]
    pinned = snap.pinned_timeseries
    if not pinned.empty:
        values.append(pinned[columns])
    return close_up_domain(start.to_numpy().ravel(), pd.concat(values).to_numpy().ravel())


def _finite(values: Iterable[float]) -> np.ndarray:
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    return array[np.isfinite(array)]
