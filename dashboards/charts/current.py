"""The charts of this week: where observers stand, what the media say, the observer network.

Each has its data (the table behind it, plain DataFrames) and its Vega-Lite spec of a snapshot.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from dashboards.charts.kit import (
    GAP_SCALE,
    HEIGHT,
    SIDE_CODES,
    SIDE_SCALE,
    chart_spec,
    compact,
    finish,
    records,
)
from dashboards.labels import ROLE_LABELS
from dashboards.snapshot import Snapshot
from experiments.palette import INK, MUTED, QUIET, RULE

MEDIA_SHAPES = ("circle", "square")
"""The negotiator's and the adversary's mark in the media view."""

MEDIA_OFFSETS = (-5, 5)
"""How far (pixels) each side's mark sits above or below its outlet's row."""


def gap_data(snap: Snapshot, width: float = 0.025) -> pd.DataFrame:
    """Observers per bin of their legitimacy of N minus A this week.

    Bins of equal `width` cover a range symmetric around 0 that holds every observer (at least
    -0.2 to 0.2), so the shape stays readable however concentrated it is.
    """
    reach = max(0.2, math.ceil(float(np.max(np.abs(snap.gap))) * 10 - 1e-9) / 10)
    edges = np.linspace(-reach, reach, round(2 * reach / width) + 1)
    counts, _ = np.histogram(snap.gap, bins=edges)
    return pd.DataFrame(
        {
            "gap_from": edges[:-1].round(4),
            "gap_to": edges[1:].round(4),
            "gap_mid": ((edges[:-1] + edges[1:]) / 2).round(4),
            "observers": counts,
        }
    )


def media_data(snap: Snapshot) -> pd.DataFrame:
    """What each outlet reports of each side this week (mean over observers, evidence units)."""
    current = snap.media[snap.media["step"] == snap.step]
    return current[["outlet", "report_negotiator", "report_adversary", "effective_indexing"]].copy()


def network_data(snap: Snapshot) -> pd.DataFrame:
    """The sampled observers: position, legitimacy of N minus A (`gap`), bloc and elite flag."""
    return snap.nodes.copy()


@functools.cache
def _gap_template() -> dict[str, Any]:
    bars = (
        alt.Chart(alt.NamedData("bins"))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "gap_from:Q",
                title="Legitimacy of N minus A, per observer (left of 0: A ahead)",
                scale=alt.Scale(zero=False, nice=False),
            ),
            x2="gap_to:Q",
            y=alt.Y("observers:Q", title="Observers"),
            color=alt.Color("gap_mid:Q", scale=GAP_SCALE, legend=None),
            tooltip=[
                alt.Tooltip("gap_from:Q", title="N minus A from"),
                alt.Tooltip("gap_to:Q", title="to"),
                "observers:Q",
            ],
        )
    )
    zero = (
        alt.Chart(alt.NamedData("zero")).mark_rule(color=INK, strokeDash=[3, 3]).encode(x="value:Q")
    )
    return finish(alt.layer(bars, zero).properties(width="container", height=HEIGHT))


def gap_spec(snap: Snapshot) -> dict[str, Any]:
    """How observers rate N against A this week (a wide, two-humped shape: polarization)."""
    data = gap_data(snap)
    polarization = float(snap.timeseries["polarization"].iloc[-1])
    leaning_n = float(np.mean(snap.gap > 0))
    return chart_spec(
        snap,
        _gap_template(),
        {"bins": records(data), "zero": [{"value": 0.0}]},
        f"Distribution of legitimacy of N minus A over {snap.observers} observers in week "
        f"{snap.step}: "
        f"{leaning_n:.1%} see the negotiator as more legitimate; polarization index "
        f"{polarization:.3f}.",
    )


@functools.cache
def _media_template() -> dict[str, Any]:
    y = alt.Y("outlet:N", title=None, sort=None, axis=alt.Axis(labelLimit=180))
    x_scale = alt.Scale(zero=True, nice=True)
    link = (
        alt.Chart(alt.NamedData("outlets"))
        .mark_rule(color=RULE, strokeWidth=2)
        .encode(
            x=alt.X(
                "report_adversary:Q",
                scale=x_scale,
                title="What it reports of each side (right of 0: for it, left: against)",
            ),
            x2="report_negotiator:Q",
            y=y,
        )
    )
    shapes = alt.Scale(domain=list(SIDE_CODES.values()), range=list(MEDIA_SHAPES))
    dots = [
        alt.Chart(alt.NamedData("frames"))
        .transform_filter(alt.datum.side == label)
        .mark_point(size=130, opacity=1, filled=True, stroke="white", strokeWidth=1, yOffset=offset)
        .encode(
            x=alt.X("frame:Q", scale=x_scale),
            y=y,
            color=alt.Color("side:N", scale=SIDE_SCALE, title=None),
            shape=alt.Shape("side:N", scale=shapes, title=None),
            tooltip=["outlet:N", "side:N", alt.Tooltip("frame:Q", title="report", format="+.3f")],
        )
        for label, offset in zip(SIDE_CODES.values(), MEDIA_OFFSETS, strict=True)
    ]
    return finish(alt.layer(link, *dots).properties(width="container", height=HEIGHT))


def media_spec(snap: Snapshot) -> dict[str, Any]:
    """What each outlet says about each side this week: a circle for N, a square for A.

    The two marks sit a little apart on the outlet's row, so both show when an outlet reports
    the same of both sides.
    """
    data = media_data(snap)
    frames = []
    for role, column in (("negotiator", "report_negotiator"), ("adversary", "report_adversary")):
        frames.extend(
            {"outlet": o, "side": ROLE_LABELS[role], "frame": f}
            for o, f in zip(data["outlet"].tolist(), data[column].tolist(), strict=True)
        )
    parts = [
        f"{o}: N {n:+.3f}, A {a:+.3f}"
        for o, n, a in zip(
            data["outlet"], data["report_negotiator"], data["report_adversary"], strict=True
        )
    ]
    return chart_spec(
        snap,
        _media_template(),
        {"outlets": records(data), "frames": frames},
        f"What each outlet says in week {snap.step}: " + "; ".join(parts) + ".",
    )


@functools.cache
def _network_template() -> dict[str, Any]:
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    edges = (
        alt.Chart(alt.NamedData("edges"))
        .mark_rule(color=QUIET, strokeWidth=0.6, opacity=0.7)
        .encode(
            x=alt.X("x:Q", axis=hidden),
            y=alt.Y("y:Q", axis=hidden),
            x2="x2:Q",
            y2="y2:Q",
        )
    )
    nodes = (
        alt.Chart(alt.NamedData("nodes"))
        .transform_lookup(
            lookup="observer",
            from_=alt.LookupData(data=alt.NamedData("gaps"), key="observer", fields=["gap"]),
        )
        .mark_circle(opacity=1, stroke=MUTED, strokeWidth=0.4)
        .encode(
            x=alt.X("x:Q", axis=hidden),
            y=alt.Y("y:Q", axis=hidden),
            color=alt.Color(
                "gap:Q",
                scale=GAP_SCALE,
                title=["N minus A", "(legitimacy)"],
                legend=alt.Legend(orient="right", gradientLength=120),
            ),
            size=alt.Size(
                "elite:N",
                scale=alt.Scale(domain=[False, True], range=[28, 90]),
                legend=None,
            ),
            tooltip=[
                "observer:Q",
                "bloc:N",
                "elite:N",
                alt.Tooltip("gap:Q", title="N minus A", format="+.3f"),
            ],
        )
    )
    return finish(alt.layer(edges, nodes).properties(width="container", height=260))


def network_spec(snap: Snapshot) -> dict[str, Any]:
    """The observer network (a sample when large), each observer coloured by N minus A."""
    nodes = network_data(snap)
    shown = len(nodes)
    sampled = (
        f"a connected sample of {shown} of {snap.observers}"
        if shown < snap.observers
        else (f"all {shown}")
    )
    static = compact(
        nodes, {"observer": "observer", "x": "x", "y": "y", "bloc": "bloc", "elite": "elite"}, 4
    )
    return chart_spec(
        snap,
        _network_template(),
        {
            "edges": compact(snap.edges, {k: k for k in ("x", "y", "x2", "y2")}, 4),
            "nodes": static,
            "gaps": compact(nodes, {"observer": "observer", "gap": "gap"}, 4),
        },
        f"Observer network, {sampled} observers, week {snap.step}: "
        f"{float(np.mean(nodes['gap'] > 0)):.0%} of them see the negotiator as more legitimate.",
        renderer="canvas",
        static=("edges", "nodes"),
    )
