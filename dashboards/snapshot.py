"""What the views draw: the tables of a live run at one moment, read once per step.

A `Snapshot` is taken from a `LiveRun` (the model's boundary) and nothing else; the views
draw snapshots only. The network view's layout is computed once per run (`network_layout`)
and reused, so a step only moves the observers' colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.live import LiveRun

NETWORK_SAMPLE = 300
"""Most observers drawn in the network view."""

Z_95 = 1.96
"""The normal quantile of a two-sided 95% band."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The tables of a running model at one moment.

    `key` changes whenever the model steps or is replaced, so views can cache on it.
    `timeseries`, `blocs` and `media` are the model's output tables; `events` has one row per
    side and step; `redline` holds the negotiator's estimate of the adversary's red line (mean,
    sd and a 95% band) per step; `gap` is every observer's L^N - L^A now; `nodes` and `edges`
    are a sample of the observer network with fixed positions.
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


def take_snapshot(run: LiveRun, layout: NetworkLayout) -> Snapshot:
    """The tables of `run` now, its network drawn with `layout`."""
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
    return Snapshot(
        key=(id(run), run.step_count),
        step=run.step_count,
        horizon=run.horizon,
        observers=run.observers,
        timeseries=tables.timeseries,
        blocs=tables.blocs,
        media=tables.media,
        events=run.events(),
        redline=redline,
        true_red_line=run.true_red_line("adversary"),
        gap=gap,
        nodes=nodes,
        edges=layout.edges,
    )
