"""What the views draw: the tables of a live run at one moment, read once per step.

A `Snapshot` is taken from a `LiveRun` (the model's boundary) and nothing else; the views
draw snapshots only. The network view's layout is computed once per run (`network_layout`)
and reused, so a step only moves the observers' colours. A snapshot also carries every change
of action of either side (`action_changes`: from a strategy or an intervention), and the runs
pinned for reference (`PinnedRun`), in long tables with a `run` column naming each, for the
time charts to draw faded beside the running one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agents.actions import Action
from model.live import LiveRun

NETWORK_SAMPLE = 300
"""Most observers drawn in the network view."""

Z_95 = 1.96
"""The normal quantile of a two-sided 95% band."""

OPENING_ACTION = Action.ENGAGE.value
"""What both sides hold before week 1 (the spin-up's posture), the first "from" action."""

CHANGE_COLUMNS = ("step", "side", "from_action", "to_action", "cause")
"""The columns of the action-change table; `cause` is ``strategy`` or ``intervention``."""

RUN_COLUMN = "run"
"""The column naming the run of each row in the pinned runs' tables."""


def action_changes(events: pd.DataFrame) -> pd.DataFrame:
    """Every change of action of either side in `events` (one row per side and step).

    A row per change: the week it took effect, the side, the action before (the spin-up's
    `OPENING_ACTION` before week 1) and after, and its cause: ``intervention`` if the new
    action was forced, else ``strategy``.
    """
    rows: list[tuple[int, str, str, str, str]] = []
    previous: dict[str, str] = {}
    for step, side, action, forced in events[["step", "side", "action", "intervention"]].itertuples(
        index=False
    ):
        before = previous.get(side, OPENING_ACTION)
        if action != before:
            rows.append((int(step), side, before, action, "intervention" if forced else "strategy"))
        previous[side] = action
    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    frame["step"] = frame["step"].astype("int64")
    return frame


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """A run kept for reference after a reset: its label and its week-by-week tables.

    `timeseries`, `blocs` and `redline` are the run's tables as a snapshot has them; `events`
    its actions, `changes` its changes of action; `about` says what it ran (scenario, seed,
    observers) in words.
    """

    label: str
    about: str
    step: int
    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame
    redline: pd.DataFrame
    events: pd.DataFrame
    changes: pd.DataFrame


def pin(snap: Snapshot, label: str, about: str) -> PinnedRun:
    """The run of `snap` kept as a reference named `label`."""
    return PinnedRun(
        label=label,
        about=about,
        step=snap.step,
        timeseries=snap.timeseries.copy(),
        blocs=snap.blocs.copy(),
        media=snap.media.copy(),
        redline=snap.redline.copy(),
        events=snap.events.copy(),
        changes=snap.changes.copy(),
    )


def pinned_table(pinned: tuple[PinnedRun, ...], table: str) -> pd.DataFrame:
    """One table of every pinned run, stacked, with a first column `run` naming each."""
    frames = []
    for run in pinned:
        frame = getattr(run, table).copy()
        frame.insert(0, RUN_COLUMN, run.label)
        frames.append(frame)
    if not frames:
        return pd.DataFrame({RUN_COLUMN: pd.Series(dtype="string")})
    stacked = pd.concat(frames, ignore_index=True)
    stacked[RUN_COLUMN] = stacked[RUN_COLUMN].astype("string")
    return stacked


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The tables of a running model at one moment.

    `key` changes whenever the model steps or is replaced, so views can cache on it.
    `timeseries`, `blocs` and `media` are the model's output tables; `events` has one row per
    side and step; `redline` holds the negotiator's estimate of the adversary's red line (mean,
    sd and a 95% band) per step; `gap` is every observer's L^N - L^A now; `nodes` and `edges`
    are a sample of the observer network with fixed positions.

    `changes` has one row per change of action of either side (`action_changes`), for the
    time charts to mark. `pinned` holds the runs kept for reference; `pinned_timeseries`,
    `pinned_blocs` and `pinned_redline` are their tables stacked with a `run` column naming
    each (empty without pinned runs); `label` names the running run beside them.
    """

    key: tuple[int, int]
    step: int
    horizon: int
    observers: int
    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame
    events: pd.DataFrame
    redline: pd.DataFrame
    true_red_line: float
    gap: np.ndarray
    nodes: pd.DataFrame
    edges: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=lambda: action_changes(_NO_EVENTS))
    pinned: tuple[PinnedRun, ...] = ()
    label: str = "this run"

    @property
    def pinned_timeseries(self) -> pd.DataFrame:
        """The pinned runs' model-level tables, stacked, with a `run` column."""
        return pinned_table(self.pinned, "timeseries")

    @property
    def pinned_blocs(self) -> pd.DataFrame:
        """The pinned runs' per-bloc tables, stacked, with a `run` column."""
        return pinned_table(self.pinned, "blocs")

    @property
    def pinned_redline(self) -> pd.DataFrame:
        """The pinned runs' red-line estimates, stacked, with a `run` column."""
        return pinned_table(self.pinned, "redline")


_NO_EVENTS = pd.DataFrame({"step": [], "side": [], "action": [], "intervention": []}).astype(
    {"step": "int64", "intervention": bool}
)


@dataclass(frozen=True)
class NetworkLayout:
    """A sample of the observer network placed in the plane (a spring layout, fixed seed).

    `nodes` has one row per sampled observer (observer, x, y, bloc, elite); `edges` one row
    per link between two of them (x, y, x2, y2).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame


def network_layout(run: LiveRun, size: int = NETWORK_SAMPLE) -> NetworkLayout:
    """Up to `size` observers of `run` around observer 0, laid out once."""
    import networkx as nx

    sample = run.network_sample(size)
    observers = sample.observers
    graph = nx.Graph()
    graph.add_nodes_from(int(v) for v in observers)
    graph.add_edges_from((int(observers[a]), int(observers[b])) for a, b in sample.links)
    layout = nx.spring_layout(graph, seed=7, iterations=60)
    x = np.array([layout[int(v)][0] for v in observers])
    y = np.array([layout[int(v)][1] for v in observers])
    a, b = sample.links[:, 0], sample.links[:, 1]
    nodes = pd.DataFrame(
        {"observer": observers, "x": x, "y": y, "bloc": sample.blocs, "elite": sample.elite}
    )
    edges = pd.DataFrame({"x": x[a], "y": y[a], "x2": x[b], "y2": y[b]})
    return NetworkLayout(nodes, edges)


def take_snapshot(
    run: LiveRun,
    layout: NetworkLayout,
    pinned: tuple[PinnedRun, ...] = (),
    label: str = "this run",
    key: tuple[int, ...] | None = None,
) -> Snapshot:
    """The tables of `run` now, its network drawn with `layout`, beside the `pinned` runs.

    `label` names the run beside pinned ones; `key` replaces the default key (the run and
    its step) when something else the snapshot shows can change (the pinned runs).
    """
    tables = run.tables()
    gap = run.legitimacy_gap()
    nodes = layout.nodes
    nodes = pd.DataFrame(
        {
            "observer": nodes["observer"].to_numpy(),
            "x": nodes["x"].to_numpy(),
            "y": nodes["y"].to_numpy(),
            "gap": gap[nodes["observer"].to_numpy()],
            "bloc": nodes["bloc"].to_numpy(),
            "elite": nodes["elite"].to_numpy(),
        }
    )
    redline = run.redline_estimates("negotiator")
    redline["low_95"] = redline["estimate"] - Z_95 * redline["sd"]
    redline["high_95"] = redline["estimate"] + Z_95 * redline["sd"]
    events = run.events()
    return Snapshot(
        key=key if key is not None else (id(run), run.step_count),
        step=run.step_count,
        horizon=run.horizon,
        observers=run.observers,
        timeseries=tables.timeseries,
        blocs=tables.blocs,
        media=tables.media,
        events=events,
        redline=redline,
        true_red_line=run.true_red_line("adversary"),
        gap=gap,
        nodes=nodes,
        edges=layout.edges,
        changes=action_changes(events),
        pinned=tuple(pinned),
        label=label,
    )
