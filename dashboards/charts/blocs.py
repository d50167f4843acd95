"""The per-bloc legitimacy chart: one small panel per bloc, with the pinned runs beside the run.

A faceted chart draws one dataset in every panel, so the running run, the pinned runs, their
labels and the changes of action travel together in the dataset ``series``, told apart by a
kind ``k`` (``s``: the running run, ``p``: a pinned run, ``e``: where a pinned run's label goes,
``c``: a change of either side's action, marked by a rule in every panel).
"""

from __future__ import annotations

import functools
from typing import Any

import altair as alt
import pandas as pd

from dashboards.charts.kit import (
    CHANGE_DASH,
    PINNED_OPACITY,
    SIDE_CODES,
    SIDE_SCALE,
    WEEK,
    change_marks,
    chart_spec,
    compact,
    finish,
    labelled,
    pinned_words,
)
from dashboards.snapshot import Snapshot
from experiments.palette import MUTED

KINDS = {"series": "s", "pinned": "p", "pinned_end": "e", "changes": "c"}
"""The kind ``k`` of each row of the chart's dataset."""

SCALE = alt.Scale(domain=[0, 1], nice=False)
"""Legitimacy runs from 0 to 1: the axis stays put while the run plays."""

COLUMNS = {"N": "legitimacy_negotiator", "A": "legitimacy_adversary"}
"""The short key of each side's legitimacy in the chart's dataset."""


def bloc_data(snap: Snapshot) -> pd.DataFrame:
    """Mean legitimacy of each side per bloc and week."""
    return snap.blocs[["step", "bloc", "legitimacy_negotiator", "legitimacy_adversary"]].copy()


def _kind(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [{"k": KINDS[kind], **row} for row in rows]


def bloc_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """The chart's dataset: the run, each pinned run, their label spots, the changes of action.

    A pinned run's label sits at its last week in every bloc, at that bloc's N value; every
    change of action (`change_marks`) is repeated in every bloc.
    """
    data = bloc_data(snap)
    rows = _kind(compact(data, {"step": "step", "bloc": "bloc", **COLUMNS}), "series")
    marks = change_marks(snap)
    for bloc in data["bloc"].unique().tolist():
        rows += _kind([{"bloc": bloc, **mark} for mark in marks], "changes")
    pinned = snap.pinned_blocs
    if not pinned.empty:
        rows += _kind(
            compact(pinned, {"run": "run", "step": "step", "bloc": "bloc", **COLUMNS}), "pinned"
        )
        ends = pinned.sort_values("step", kind="stable").groupby(["run", "bloc"]).tail(1)
        rows += _kind(
            compact(ends, {"run": "run", "step": "step", "bloc": "bloc", "N": COLUMNS["N"]}),
            "pinned_end",
        )
    return rows


def _of_kind(kind: str) -> str:
    return f"datum.k === '{KINDS[kind]}'"


@functools.cache
def _bloc_template(horizon: int, columns: int) -> dict[str, Any]:
    x = alt.X(
        "step:Q",
        title=None,
        scale=alt.Scale(domain=[0, horizon], nice=False),
        axis=alt.Axis(values=[0, horizon // 2, horizon], format="d"),
    )
    y = alt.Y("legitimacy:Q", title="Mean legitimacy", scale=SCALE)
    colour = alt.Color("side:N", scale=SIDE_SCALE, title=None)
    value = alt.Tooltip("legitimacy:Q", format=".3f")

    def sides(kind: str) -> alt.Chart:
        return (
            alt.Chart()
            .transform_filter(_of_kind(kind))
            .transform_fold(list(SIDE_CODES), as_=["code", "legitimacy"])
            .transform_calculate(side=labelled(SIDE_CODES))
        )

    pinned = (
        sides("pinned")
        .mark_line(strokeWidth=1.2, opacity=PINNED_OPACITY)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail="run:N",
            tooltip=[alt.Tooltip("run:N", title="Pinned run"), "bloc:N", WEEK, "side:N", value],
        )
    )
    lines = (
        sides("series")
        .mark_line(strokeWidth=2)
        .encode(x=x, y=y, color=colour, tooltip=["bloc:N", WEEK, "side:N", value])
    )
    labels = (
        alt.Chart()
        .transform_filter(_of_kind("pinned_end"))
        .mark_text(align="left", dx=3, fontSize=10, color=MUTED, limit=120)
        .encode(x=x, y=alt.Y("N:Q", scale=SCALE), text="run:N")
    )
    changes = (
        alt.Chart()
        .transform_filter(_of_kind("changes"))
        .mark_rule(strokeWidth=1.2, opacity=0.9)
        .encode(
            x=x,
            color=colour,
            strokeDash=CHANGE_DASH,
            tooltip=[WEEK, alt.Tooltip("what:N", title="Change")],
        )
    )
    chart = (
        alt.layer(changes, pinned, lines, labels, data=alt.NamedData("series"))
        .properties(width=175, height=85)
        .facet(facet=alt.Facet("bloc:N", title=None), columns=columns)
    )
    return finish(chart)


def bloc_spec(snap: Snapshot) -> dict[str, Any]:
    """Legitimacy of both sides in each bloc over time (one small panel per bloc).

    Pinned runs are drawn faded in every panel, each labelled at its last week.
    """
    data = bloc_data(snap)
    now = data[data["step"] == snap.step]
    parts = [
        f"{b}: N {n:.3f}, A {a:.3f}"
        for b, n, a in zip(
            now["bloc"], now["legitimacy_negotiator"], now["legitimacy_adversary"], strict=True
        )
    ]
    blocs = data["bloc"].nunique()
    return chart_spec(
        snap,
        _bloc_template(snap.horizon, min(2, max(1, blocs))),
        {"series": bloc_rows(snap)},
        f"Legitimacy per bloc by week. Week {snap.step}: "
        + "; ".join(parts)
        + "."
        + pinned_words(snap),
    )
