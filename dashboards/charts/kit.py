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
from dashboards.labels import ROLE_LABELS
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
        "labelFontSize": 11,
        "titleFontSize": 12,
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "orient": "bottom",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "symbolStrokeWidth": 3,
    },
    "header": {"labelColor": INK, "labelFontSize": 12, "titleFontSize": 0},
}
HEIGHT = 190


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


PINNED_OPACITY = 0.35
"""How strongly a pinned run's lines are drawn beside the running one."""


def pinned_layers(
    horizon: int,
    value: str,
    colour: alt.Color,
    codes: dict[str, str] | None = None,
    as_: str = "side",
) -> tuple[alt.Chart, alt.Chart]:
    """The faded lines of the pinned runs (dataset ``pinned``) and their labels (``pinned_end``).

    The lines fold the codes (default `SIDE_CODES`) into `value`, labelled in the field
    `as_` that `colour` encodes, one line per run and code, at `PINNED_OPACITY`; each run's
    label stands at its last week.
    """
    codes = codes or SIDE_CODES
    lines = (
        alt.Chart(alt.NamedData("pinned"))
        .transform_fold(list(codes), as_=["code", value])
        .transform_calculate(**{as_: labelled(codes)})
        .mark_line(strokeWidth=2, opacity=PINNED_OPACITY, strokeDash=[5, 2], clip=True)
        .encode(
            x=week_axis(horizon),
            y=alt.Y(f"{value}:Q"),
            color=colour,
            detail="run:N",
            tooltip=["run:N", "step:Q", f"{as_}:N", alt.Tooltip(f"{value}:Q", format=".3f")],
        )
    )
    labels = (
        alt.Chart(alt.NamedData("pinned_end"))
        .mark_text(align="left", dx=4, fontSize=10, color=MUTED, clip=True)
        .encode(x="step:Q", y=alt.Y(f"{value}:Q"), text="run:N")
    )
    return lines, labels


def pinned_data(pinned: pd.DataFrame, columns: dict[str, str], value: str) -> dict[str, list]:
    """The datasets of `pinned_layers`: the pinned runs' series and where each run's label goes.

    `pinned` is a snapshot's stacked table of pinned runs (a `run` column); `columns` maps the
    side codes to its columns; `value` is the name the layers give the folded values (a
    run's label stands at its first column's last value).
    """
    if pinned.empty:
        return {"pinned": [], "pinned_end": []}
    series = compact(pinned, {"run": "run", "step": "step", **columns})
    ends = pinned.groupby("run", sort=False).tail(1)
    first = next(iter(columns.values()))
    end = [
        {"run": str(run), "step": int(step), value: float(v)}
        for run, step, v in zip(ends["run"], ends["step"], ends[first], strict=True)
    ]
    return {"pinned": series, "pinned_end": end}


def pinned_words(snap: Snapshot) -> str:
    """The pinned runs in words for a chart's description (empty without any)."""
    if not snap.pinned:
        return ""
    return " Pinned for reference: " + "; ".join(run.label for run in snap.pinned) + "."
