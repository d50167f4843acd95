"""What the headline figures' changes are measured against, and that reference in words.

A change since week 0 mostly reports the opening drift; a lecturer asks what a walkout or a
concession did. So the headline changes are measured against a chosen reference: the week
before the last change of action of either side (the default), week 0, or a pinned run at
the same week. `measure` gives the reference's values and says in words what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.labels import action_label
from dashboards.session import REFERENCE_PINNED, REFERENCE_START
from dashboards.snapshot import Snapshot


@dataclass(frozen=True)
class Reference:
    """The row of output columns a headline change is measured against, and its words.

    `row` holds the reference's value of every model-level output column; `words` completes
    "change ..." (``since week 11, the week before adversary walk away (strategy, week 12)``).
    """

    row: pd.Series
    words: str

    def change(self, now: pd.Series, column: str) -> float:
        """The change of `column` from the reference to `now`."""
        return float(now[column]) - float(self.row[column])


def measure(snap: Snapshot, reference: str) -> Reference:
    """The reference named `reference` (a session's choice) in the run of `snap`.

    A pinned run that has been dropped, or any name not understood, falls back to the
    default (the week before the last change).
    """
    ts = snap.timeseries
    if reference == REFERENCE_START:
        return Reference(ts.iloc[0], "since week 0")
    if reference.startswith(REFERENCE_PINNED):
        label = reference[len(REFERENCE_PINNED) :]
        for run in snap.pinned:
            if run.label == label:
                other = run.timeseries
                week = min(snap.step, int(other["step"].iloc[-1]))
                row = other[other["step"] == week].iloc[-1]
                return Reference(row, f"against pinned run {label} at week {week}")
    changes = snap.changes
    if changes.empty:
        return Reference(ts.iloc[0], "since week 0 (no change of action yet)")
    last = int(changes["step"].iloc[-1])
    now = changes[changes["step"] == last]
    what = " and ".join(
        f"{row.side} {action_label(row.to_action)} ({row.cause})" for row in now.itertuples()
    )
    row = ts[ts["step"] == last - 1].iloc[-1]
    return Reference(row, f"since week {last - 1}, the week before {what} in week {last}")
