"""The charts of the run week by week: legitimacy, narrative, crisis, red line and blocs.

Each has its data (the table behind it, plain DataFrames) and its Vega-Lite spec of a snapshot;
the per-bloc panels are in `dashboards.charts.blocs`.
"""

from __future__ import annotations

import functools
from typing import Any

import altair as alt
import pandas as pd

from dashboards.charts.blocs import bloc_data, bloc_spec
from dashboards.charts.kit import (
    HEIGHT,
    PINNED_OPACITY,
    SIDE_CODES,
    SIDE_SCALE,
    WEEK,
    change_layer,
    change_marks,
    chart_spec,
    compact,
    finish,
    hint_layer,
    labelled,
    pinned_ends,
    pinned_label_layer,
    pinned_lines_layer,
    pinned_series,
    pinned_words,
    records,
    start_hint,
    week_axis,
)
from dashboards.charts.zoom import WHOLE, snapshot_domain
from dashboards.snapshot import Snapshot
from experiments.palette import (
    ADVERSARY_COLOUR,
    ADVERSARY_TEXT,
    BLUISH_GREEN,
    INK,
    MUTED,
    NEGOTIATOR_COLOUR,
    REDDISH_PURPLE,
    RULE,
)

__all__ = [
    "bloc_data",
    "bloc_spec",
    "crisis_data",
    "crisis_spec",
    "legitimacy_data",
    "legitimacy_spec",
    "narrative_data",
    "narrative_spec",
    "redline_data",
    "redline_spec",
]


def legitimacy_data(snap: Snapshot) -> pd.DataFrame:
    """Mean legitimacy of each side per week (of N, of A, and N minus A)."""
    return snap.timeseries[
        ["step", "legitimacy_negotiator", "legitimacy_adversary", "legitimacy_gap"]
    ].copy()


def narrative_data(snap: Snapshot) -> pd.DataFrame:
    """Narrative share (observers seeing N as more legitimate than A) and blame on A per week."""
    return snap.timeseries[["step", "narrative_share", "blame_adversary", "polarization"]].copy()


def crisis_data(snap: Snapshot) -> pd.DataFrame:
    """Salience of the conflict and the cumulative crisis index per week."""
    return snap.timeseries[["step", "salience", "crisis_index", "talks"]].copy()


def redline_data(snap: Snapshot) -> pd.DataFrame:
    """The negotiator's estimate of the adversary's red line per week, with its 95% band."""
    return snap.redline.copy()


def y_scale(domain: tuple[float, float]) -> alt.Scale:
    """A fixed y scale over `domain`: the whole 0 to 1, or a close-up (`dashboards.charts.zoom`).

    Either way the axis stays put while the run plays.
    """
    return alt.Scale(domain=list(domain), nice=False)


def _domain(snap: Snapshot, columns: dict[str, str], close_up: bool) -> tuple[float, float]:
    return snapshot_domain(snap, columns.values()) if close_up else WHOLE


@functools.cache
def _legitimacy_template(horizon: int, domain: tuple[float, float]) -> dict[str, Any]:
    scale = y_scale(domain)
    colour = alt.Color("side:N", scale=SIDE_SCALE, title=None)
    x = week_axis(horizon)
    lines = (
        alt.Chart(alt.NamedData("series"))
        .transform_fold(list(SIDE_CODES), as_=["code", "legitimacy"])
        .transform_calculate(side=labelled(SIDE_CODES))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("legitimacy:Q", title="Mean legitimacy (0 to 1)", scale=scale),
            color=colour,
            tooltip=[WEEK, "side:N", alt.Tooltip("legitimacy:Q", format=".3f")],
        )
    )
    pinned = pinned_lines_layer(SIDE_CODES, "legitimacy", "side", x, scale, colour)
    layers = [
        change_layer(horizon, colour),
        pinned,
        pinned_label_layer(scale),
        lines,
        hint_layer(scale),
    ]
    return finish(alt.layer(*layers).properties(width="container", height=HEIGHT))


def legitimacy_spec(snap: Snapshot, close_up: bool = False) -> dict[str, Any]:
    """Legitimacy of both sides over time; a rule at every change of either side's action.

    `close_up` frames the y axis around the run's start (`dashboards.charts.zoom`) instead of
    the whole 0 to 1.
    """
    data = legitimacy_data(snap)
    last = data.iloc[-1]
    columns = {"N": "legitimacy_negotiator", "A": "legitimacy_adversary"}
    domain = _domain(snap, columns, close_up)
    return chart_spec(
        snap,
        _legitimacy_template(snap.horizon, domain),
        {
            "series": compact(data, {"step": "step", **columns}),
            "changes": change_marks(snap),
            "pinned": pinned_series(snap.pinned_timeseries, columns),
            "pinned_end": pinned_ends(snap.pinned_timeseries, "legitimacy_negotiator"),
            "hint": start_hint(snap, sum(domain) / 2),
        },
        f"Mean legitimacy by week. Week {snap.step}: negotiator "
        f"{last['legitimacy_negotiator']:.3f}, adversary {last['legitimacy_adversary']:.3f}."
        + pinned_words(snap),
    )


@functools.cache
def _two_lines_template(
    horizon: int,
    labels: tuple[str, str],
    colours: tuple[str, str],
    title: str,
    reference: float,
    percent: bool,
    domain: tuple[float, float] = WHOLE,
) -> dict[str, Any]:
    scale = y_scale(domain)
    codes = {"a": labels[0], "b": labels[1]}
    x = week_axis(horizon)
    value_format = ".1%" if percent else ".3f"
    axis = alt.Axis(format="%" if percent else ".1f")
    y = alt.Y("value:Q", title=title, scale=scale, axis=axis)
    colour = alt.Color(
        "measure:N", scale=alt.Scale(domain=list(labels), range=list(colours)), title=None
    )
    dash = alt.StrokeDash(
        "measure:N", scale=alt.Scale(domain=list(labels), range=[[1, 0], [6, 3]]), title=None
    )
    lines = (
        alt.Chart(alt.NamedData("series"))
        .transform_fold(list(codes), as_=["code", "value"])
        .transform_calculate(measure=labelled(codes))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=dash,
            tooltip=[WEEK, "measure:N", alt.Tooltip("value:Q", format=value_format)],
        )
    )
    pinned = pinned_lines_layer(codes, "value", "measure", x, scale, colour, value_format)
    changes = change_layer(horizon, alt.Color("side:N", scale=SIDE_SCALE, legend=None))
    layers = [changes, pinned, pinned_label_layer(scale), lines, hint_layer(scale)]
    if reference >= 0:
        ref = (
            alt.Chart(alt.NamedData("reference"))
            .mark_rule(color=RULE, strokeDash=[2, 2], clip=True)
            .encode(y=alt.Y("value:Q", scale=scale))
        )
        layers.insert(0, ref)
    chart = alt.layer(*layers).resolve_scale(color="independent", strokeDash="independent")
    return finish(chart.properties(width="container", height=HEIGHT))


def _measures(frame: pd.DataFrame, columns: dict[str, str]) -> list[dict[str, Any]]:
    """The two measures of a two-line chart as compact records (keys a and b)."""
    first, second = columns.values()
    return compact(frame, {"step": "step", "a": first, "b": second})


def _two_lines_data(
    snap: Snapshot, data: pd.DataFrame, columns: dict[str, str], domain: tuple[float, float]
) -> dict:
    """The datasets of a two-line chart: this run, the pinned runs, changes and the hint."""
    first, second = columns.values()
    return {
        "series": _measures(data, columns),
        "changes": change_marks(snap),
        "pinned": pinned_series(snap.pinned_timeseries, {"a": first, "b": second}),
        "pinned_end": pinned_ends(snap.pinned_timeseries, first),
        "hint": start_hint(snap, sum(domain) / 2),
    }


_NARRATIVE = {
    "narrative share (observers seeing N as more legitimate)": "narrative_share",
    "blame on A (mean share)": "blame_adversary",
}
_CRISIS = {"salience": "salience", "crisis index": "crisis_index"}


def narrative_spec(snap: Snapshot, close_up: bool = False) -> dict[str, Any]:
    """Narrative share and blame on the adversary over time, in percent, against an even split.

    `close_up` frames the y axis around the run's start (`dashboards.charts.zoom`).
    """
    data = narrative_data(snap)
    last = data.iloc[-1]
    colours = (INK, BLUISH_GREEN)
    domain = _domain(snap, _NARRATIVE, close_up)
    template = _two_lines_template(
        snap.horizon, tuple(_NARRATIVE), colours, "Share of observers", 0.5, True, domain
    )
    return chart_spec(
        snap,
        template,
        {**_two_lines_data(snap, data, _NARRATIVE, domain), "reference": [{"value": 0.5}]},
        f"Narrative share and blame by week. Week {snap.step}: narrative share "
        f"{last['narrative_share']:.1%}, blame on the adversary {last['blame_adversary']:.1%}."
        + pinned_words(snap),
    )


def crisis_spec(snap: Snapshot) -> dict[str, Any]:
    """Salience of the conflict and the cumulative crisis index over time (both 0 to 1)."""
    data = crisis_data(snap)
    last = data.iloc[-1]
    colours = (MUTED, REDDISH_PURPLE)
    template = _two_lines_template(
        snap.horizon, tuple(_CRISIS), colours, "Index (0 to 1)", -1, False
    )
    return chart_spec(
        snap,
        template,
        _two_lines_data(snap, data, _CRISIS, WHOLE),
        f"Salience and crisis index by week. Week {snap.step}: salience "
        f"{last['salience']:.3f}, crisis index {last['crisis_index']:.4f}." + pinned_words(snap),
    )


@functools.cache
def _redline_template(horizon: int, show_true: bool) -> dict[str, Any]:
    x = week_axis(horizon)
    y_scale = alt.Scale(domain=[0, 1])
    band = (
        alt.Chart(alt.NamedData("estimate"))
        .mark_area(opacity=0.18, color=NEGOTIATOR_COLOUR, clip=True)
        .encode(
            x=x,
            y=alt.Y("low_95:Q", scale=y_scale, title="Red line of A (0 to 1 on the issue)"),
            y2="high_95:Q",
            tooltip=[
                WEEK,
                alt.Tooltip("low_95:Q", title="95% band from", format=".3f"),
                alt.Tooltip("high_95:Q", title="95% band to", format=".3f"),
            ],
        )
    )
    line = (
        alt.Chart(alt.NamedData("estimate"))
        .mark_line(color=NEGOTIATOR_COLOUR, strokeWidth=2.5, clip=True)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", scale=y_scale),
            tooltip=[WEEK, alt.Tooltip("estimate:Q", title="estimate", format=".3f")],
        )
    )
    pinned = (
        alt.Chart(alt.NamedData("pinned"))
        .mark_line(color=NEGOTIATOR_COLOUR, strokeWidth=1.5, opacity=PINNED_OPACITY, clip=True)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", scale=y_scale),
            detail="run:N",
            tooltip=[
                alt.Tooltip("run:N", title="Pinned run"),
                WEEK,
                alt.Tooltip("estimate:Q", title="estimate", format=".3f"),
            ],
        )
    )
    changes = change_layer(horizon, alt.Color("side:N", scale=SIDE_SCALE, legend=None))
    layers = [changes, band, line, pinned, pinned_label_layer(y_scale)]
    if show_true:
        truth = (
            alt.Chart(alt.NamedData("truth"))
            .mark_rule(color=ADVERSARY_COLOUR, strokeDash=[6, 3], strokeWidth=2)
            .encode(
                y=alt.Y("value:Q", scale=y_scale), tooltip=[alt.Tooltip("value:Q", format=".3f")]
            )
        )
        label = (
            alt.Chart(alt.NamedData("truth"))
            .mark_text(align="right", dy=-7, color=ADVERSARY_TEXT, fontSize=11)
            .encode(x=alt.value("width"), y=alt.Y("value:Q", scale=y_scale), text="label:N")
        )
        layers += [truth, label]
    return finish(alt.layer(*layers).properties(width="container", height=HEIGHT))


def redline_spec(snap: Snapshot, show_true: bool) -> dict[str, Any]:
    """The negotiator's estimate of the adversary's red line with its 95% band over time.

    A rule marks every change of either side's action, as on the other time charts.
    """
    data = redline_data(snap)
    last = data.iloc[-1]
    text = (
        f"Red-line estimate by week. Week {snap.step}: estimate {last['estimate']:.3f}, "
        f"95% band {last['low_95']:.3f} to {last['high_95']:.3f}"
    )
    datasets: dict[str, list] = {
        "estimate": records(data),
        "changes": change_marks(snap),
        "pinned": pinned_series(snap.pinned_redline, {"estimate": "estimate"}),
        "pinned_end": pinned_ends(snap.pinned_redline, "estimate"),
    }
    if show_true:
        datasets["truth"] = [{"value": snap.true_red_line, "label": "true red line of A"}]
        text += f"; true red line {snap.true_red_line:.3f}"
    template = _redline_template(snap.horizon, show_true)
    return chart_spec(snap, template, datasets, text + "." + pinned_words(snap))
