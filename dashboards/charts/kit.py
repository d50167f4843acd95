"""The shared kit of the dashboard's charts: Vega-Lite's look, scales and compact datasets.

Each chart is declared once with Altair (as Mesa's own plots are) and cached per shape; a
redraw only puts the current data into the declared chart (`chart_spec`), so a step redraws
in milliseconds. Datasets travel as compact records with short keys (`compact`), folded into
one row per series in the browser. Colours come from `experiments.palette`, shared with the
report's figures.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from agents.actions import SIDES
from dashboards.labels import ROLE_LABELS, action_label
from dashboards.snapshot import Snapshot
from experiments.palette import (
    ADVERSARY_COLOUR,
    GRID,
    INK,
    MUTED,
    NEGOTIATOR_COLOUR,
    NEUTRAL,
    RULE,
    SIDE_COLOURS,
)

SIDE_SCALE = alt.Scale(
    domain=[ROLE_LABELS[r] for r in SIDES], range=[SIDE_COLOURS[r] for r in SIDES]
)
GAP_SCALE = alt.Scale(
    domain=[-0.3, 0.0, 0.3], range=[ADVERSARY_COLOUR, NEUTRAL, NEGOTIATOR_COLOUR], clamp=True
)
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
CONFIG = {
    "font": "Roboto, Helvetica, Arial, sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelColor": MUTED,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "gridColor": GRID,
        "domainColor": RULE,
        "tickColor": RULE,
        "labelFontSize": 12,
        "titleFontSize": 13,
        "labelOverlap": True,
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "orient": "bottom",
        "offset": 8,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "symbolStrokeWidth": 3,
        "labelLimit": 0,
    },
    "header": {"labelColor": INK, "labelFontSize": 12, "titleFontSize": 0},
}
HEIGHT = 180
"""The height in pixels of a time chart's plot."""


def finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A declared chart as a Vega-Lite spec in the dashboard's look."""
    spec = chart.to_dict(validate=False)
    spec["$schema"] = SCHEMA
    spec["config"] = CONFIG
    return spec


def week_axis(horizon: int, title: str | None = "Week") -> alt.X:
    """The x axis of a chart over the weeks of a run lasting `horizon` weeks."""
    return alt.X(
        "step:Q",
        title=title,
        scale=alt.Scale(domain=[0, horizon], nice=False),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )


def chart_spec(
    snap: Snapshot,
    template: dict[str, Any],
    datasets: dict[str, list],
    description: str,
    renderer: str = "svg",
    static: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A chart: its declaration, this week's data, a description; `usermeta.week` dates it.

    `renderer` is ``svg`` (text and marks in the page) or ``canvas`` (faster for many marks);
    `static` names datasets that seldom change (the widget sends them only on a change).
    """
    return {
        **template,
        "datasets": datasets,
        "description": description,
        "usermeta": {"week": snap.step, "renderer": renderer, "static": list(static)},
    }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame` as a list of records {column: value} (a chart's dataset, full precision)."""
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def compact(frame: pd.DataFrame, columns: dict[str, str], digits: int = 6) -> list[dict]:
    """Compact records {short key: value} from `frame[column]`; numbers rounded for drawing.

    The charts fold these wide records into one row per series in the browser, so each week
    travels once with short keys (the CSV keeps full precision).
    """
    values = []
    for column in columns.values():
        series = frame[column]
        if pd.api.types.is_float_dtype(series):
            values.append(np.round(series.to_numpy(), digits).tolist())
        else:
            values.append(series.tolist())
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


def labelled(codes: dict[str, str]) -> str:
    """A Vega expression that turns a folded key (``datum.code``) into its label."""
    expression = "''"
    for code, label in reversed(codes.items()):
        expression = f"datum.code === '{code}' ? '{label}' : ({expression})"
    return expression


SIDE_CODES = {"N": ROLE_LABELS["negotiator"], "A": ROLE_LABELS["adversary"]}


WEEK = alt.Tooltip("step:Q", title="Week")
"""The week in a tooltip, named as the x axis names it."""

START_HINT = "Press Step or Play to start the run"
"""What a time chart says before the first week."""

CAUSES = ("intervention", "strategy")
"""Why a side's action changed: forced by an intervention, or its own strategy's choice."""

CHANGE_DASH = alt.StrokeDash(
    "cause:N", scale=alt.Scale(domain=list(CAUSES), range=[[6, 3], [2, 3]]), legend=None
)
"""Dashed rule: an intervention; dotted: the side's strategy changed its action."""


def change_marks(snap: Snapshot) -> list[dict[str, Any]]:
    """Every change of either side's action (`Snapshot.changes`) as a rule for a time chart.

    Each mark has the week, the side, the cause (``intervention`` or ``strategy``) and words.
    """
    marks = []
    for row in snap.changes.itertuples(index=False):
        label = ROLE_LABELS[row.side]
        marks.append(
            {
                "step": int(row.step),
                "side": label,
                "cause": row.cause,
                "what": f"{label}: {action_label(row.from_action)} → "
                f"{action_label(row.to_action)} ({row.cause})",
            }
        )
    return marks


PINNED_OPACITY = 0.4
"""How strongly a pinned run's lines are drawn beside the running one."""


def pinned_series(pinned: pd.DataFrame, columns: dict[str, str]) -> list[dict[str, Any]]:
    """Pinned runs' weeks (a stacked table with a ``run`` column) as compact records."""
    if pinned.empty:
        return []
    return compact(pinned, {"run": "run", "step": "step", **columns})


def pinned_ends(pinned: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """Where each pinned run's label goes: its last week, at its value of `column`."""
    if pinned.empty:
        return []
    ends = pinned.sort_values("step", kind="stable").groupby("run", sort=False).tail(1)
    return [
        {"run": str(run), "step": int(step), "value": round(float(value), 6)}
        for run, step, value in zip(ends["run"], ends["step"], ends[column], strict=True)
    ]


def pinned_words(snap: Snapshot) -> str:
    """The pinned runs in words for a chart's description (empty without any)."""
    if not snap.pinned:
        return ""
    return " Pinned for reference: " + "; ".join(run.label for run in snap.pinned) + "."


def start_hint(snap: Snapshot, value: float = 0.5) -> list[dict[str, Any]]:
    """The words a time chart shows before the first week (none once the run has started)."""
    if snap.step > 0:
        return []
    return [{"step": snap.horizon / 2, "value": value, "text": START_HINT}]


def change_layer(horizon: int, colour: alt.Color) -> alt.Chart:
    """Rules at every action change of either side (colour: the side; dash: the cause)."""
    return (
        alt.Chart(alt.NamedData("changes"))
        .mark_rule(strokeWidth=1.5, opacity=0.9)
        .encode(
            x=alt.X("step:Q", scale=alt.Scale(domain=[0, horizon], nice=False)),
            color=colour,
            strokeDash=CHANGE_DASH,
            tooltip=[WEEK, alt.Tooltip("what:N", title="Change")],
        )
    )


def pinned_lines_layer(
    codes: dict[str, str],
    field: str,
    name: str,
    x: alt.X,
    y_scale: alt.Scale,
    colour: alt.Color,
    value_format: str = ".3f",
) -> alt.Chart:
    """The pinned runs' lines (dataset ``pinned``), faded, one per run and series.

    The columns `codes` are folded into `field` and named by `name` (``side``, ``measure``).
    """
    return (
        alt.Chart(alt.NamedData("pinned"))
        .transform_fold(list(codes), as_=["code", field])
        .transform_calculate(**{name: labelled(codes)})
        .mark_line(strokeWidth=1.5, opacity=PINNED_OPACITY)
        .encode(
            x=x,
            y=alt.Y(f"{field}:Q", scale=y_scale),
            color=colour,
            detail="run:N",
            tooltip=[
                alt.Tooltip("run:N", title="Pinned run"),
                WEEK,
                f"{name}:N",
                alt.Tooltip(f"{field}:Q", format=value_format),
            ],
        )
    )


def pinned_label_layer(y_scale: alt.Scale) -> alt.Chart:
    """The label of each pinned run at its last week (dataset ``pinned_end``)."""
    return (
        alt.Chart(alt.NamedData("pinned_end"))
        .mark_text(align="left", dx=4, fontSize=11, color=MUTED)
        .encode(x="step:Q", y=alt.Y("value:Q", scale=y_scale), text="run:N")
    )


def hint_layer(y_scale: alt.Scale) -> alt.Chart:
    """The start hint, in the middle of an empty time chart."""
    return (
        alt.Chart(alt.NamedData("hint"))
        .mark_text(fontSize=15, color=INK, fontWeight="bold")
        .encode(x="step:Q", y=alt.Y("value:Q", scale=y_scale), text="text:N")
    )
