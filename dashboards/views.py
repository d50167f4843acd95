# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The dashboard's views: one Solara component per view, each a chart with its data behind it.

Every view draws the `Snapshot` of the running model that its source (the session) gives,
and redraws on Mesa's `update_counter`, as SolaraViz's own components do; on a step only the
charts redraw. Each chart is declared once with Altair (as Mesa's own plots are) and cached;
a redraw only puts the current data into the declared chart, so a step redraws in
milliseconds. Each chart carries a text description with
its current values (read by screen readers), a CSV download of its data and a table on demand.

The two sides keep one colour-blind-safe pair everywhere (Okabe-Ito blue for the negotiator,
orange for the adversary) and are labelled by role. Figures are model indices, not forecasts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, Protocol

import altair as alt
import numpy as np
import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from agents.actions import SIDES, Action
from dashboards.session import NETWORK_SAMPLE, ROLE_LABELS, Snapshot, action_label
from dashboards.vega import VegaWidget

NEGOTIATOR_COLOUR = "#0072B2"
"""Okabe-Ito blue: the negotiator (N) in every view."""

ADVERSARY_COLOUR = "#E69F00"
"""Okabe-Ito orange: the adversary (A) in every view."""

SIDE_COLOURS = {"negotiator": NEGOTIATOR_COLOUR, "adversary": ADVERSARY_COLOUR}
NEUTRAL_COLOUR = "#F4F4F4"
INK = "#1F2933"
MUTED = "#5F6B7A"

ACTION_COLOURS = {
    Action.ENGAGE: "#C9CED6",
    Action.CONCEDE: "#009E73",
    Action.ADD_CONDITIONS: "#F0E442",
    Action.WALK_AWAY: "#D55E00",
    Action.ESCALATE_RHETORIC: "#CC79A7",
    Action.SANCTION: "#1F2933",
    Action.SILENT: "#FFFFFF",
}
"""One colour per action on the event strip (Okabe-Ito hues; engage a quiet grey)."""

_SIDE_SCALE = alt.Scale(
    domain=[ROLE_LABELS[r] for r in SIDES], range=[SIDE_COLOURS[r] for r in SIDES]
)
_GAP_SCALE = alt.Scale(
    domain=[-0.3, 0.0, 0.3], range=[ADVERSARY_COLOUR, NEUTRAL_COLOUR, NEGOTIATOR_COLOUR], clamp=True
)
_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_CONFIG = {
    "font": "Roboto, Helvetica, Arial, sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelColor": MUTED,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "gridColor": "#E6E9EE",
        "domainColor": "#AAB2BD",
        "tickColor": "#AAB2BD",
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
_HEIGHT = 190

# -------------------------------------------------------------------------------------------
# Data behind each view (plain DataFrames: the table and CSV of each chart)
# -------------------------------------------------------------------------------------------


def legitimacy_data(snap: Snapshot) -> pd.DataFrame:
    """Mean legitimacy of each side per week (L^N, L^A and their gap)."""
    return snap.timeseries[
        ["step", "legitimacy_negotiator", "legitimacy_adversary", "legitimacy_gap"]
    ].copy()


def narrative_data(snap: Snapshot) -> pd.DataFrame:
    """Narrative share (observers with L^N > L^A) and mean blame on the adversary per week."""
    return snap.timeseries[["step", "narrative_share", "blame_adversary", "polarization"]].copy()


def crisis_data(snap: Snapshot) -> pd.DataFrame:
    """Salience of the conflict and the cumulative crisis index per week."""
    return snap.timeseries[["step", "salience", "crisis_index", "talks"]].copy()


def redline_data(snap: Snapshot) -> pd.DataFrame:
    """The negotiator's estimate of the adversary's red line per week, with its 95% band."""
    return snap.redline.copy()


def bloc_data(snap: Snapshot) -> pd.DataFrame:
    """Mean legitimacy of each side per bloc and week."""
    return snap.blocs[["step", "bloc", "legitimacy_negotiator", "legitimacy_adversary"]].copy()


def gap_data(snap: Snapshot, width: float = 0.025) -> pd.DataFrame:
    """Observers per bin of L^N - L^A this week.

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
    """The sampled observers: position, L^N - L^A, bloc and elite flag."""
    return snap.nodes.copy()


def events_data(snap: Snapshot) -> pd.DataFrame:
    """Both sides' actions per week, interventions marked."""
    return snap.events.copy()


# -------------------------------------------------------------------------------------------
# Chart declarations (Altair, built once per shape and cached) and their data
# -------------------------------------------------------------------------------------------


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict(validate=False)
    spec["$schema"] = _SCHEMA
    spec["config"] = _CONFIG
    return spec


def _week_axis(horizon: int, title: str | None = "Week") -> alt.X:
    return alt.X(
        "step:Q",
        title=title,
        scale=alt.Scale(domain=[0, horizon], nice=False),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )


def _spec(
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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _columns(frame: pd.DataFrame, columns: dict[str, str], digits: int = 6) -> list[dict]:
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


def _labelled(codes: dict[str, str]) -> str:
    """A Vega expression that turns a folded key (``datum.code``) into its label."""
    expression = "''"
    for code, label in reversed(codes.items()):
        expression = f"datum.code === '{code}' ? '{label}' : ({expression})"
    return expression


_SIDE_CODES = {"N": ROLE_LABELS["negotiator"], "A": ROLE_LABELS["adversary"]}


def _intervention_marks(snap: Snapshot) -> list[dict[str, Any]]:
    """Weeks where an intervention started or changed, per side."""
    marks, previous = [], {role: None for role in SIDES}
    for step, side, action, forced in snap.events.itertuples(index=False):
        key = action if forced else None
        if forced and key != previous[side]:
            marks.append(
                {
                    "step": step,
                    "side": ROLE_LABELS[side],
                    "what": f"{ROLE_LABELS[side]}: {action_label(action)} (intervention)",
                }
            )
        previous[side] = key
    return marks


@functools.cache
def _legitimacy_template(horizon: int) -> dict[str, Any]:
    colour = alt.Color("side:N", scale=_SIDE_SCALE, title=None)
    lines = (
        alt.Chart(alt.NamedData("series"))
        .transform_fold(list(_SIDE_CODES), as_=["code", "legitimacy"])
        .transform_calculate(side=_labelled(_SIDE_CODES))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=_week_axis(horizon),
            y=alt.Y("legitimacy:Q", title="Mean legitimacy", scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=["step:Q", "side:N", alt.Tooltip("legitimacy:Q", format=".3f")],
        )
    )
    rules = (
        alt.Chart(alt.NamedData("interventions"))
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x="step:Q", color=colour, tooltip=["step:Q", "what:N"])
    )
    return _finish(alt.layer(rules, lines).properties(width="container", height=_HEIGHT))


def legitimacy_spec(snap: Snapshot) -> dict[str, Any]:
    """Legitimacy of both sides over time; dashed rules where an intervention started."""
    data = legitimacy_data(snap)
    last = data.iloc[-1]
    return _spec(
        snap,
        _legitimacy_template(snap.horizon),
        {
            "series": _columns(
                data, {"step": "step", "N": "legitimacy_negotiator", "A": "legitimacy_adversary"}
            ),
            "interventions": _intervention_marks(snap),
        },
        f"Mean legitimacy by week. Week {snap.step}: negotiator "
        f"{last['legitimacy_negotiator']:.3f}, adversary {last['legitimacy_adversary']:.3f}.",
    )


@functools.cache
def _two_lines_template(
    horizon: int, labels: tuple[str, str], colours: tuple[str, str], title: str, reference: float
) -> dict[str, Any]:
    codes = {"a": labels[0], "b": labels[1]}
    lines = (
        alt.Chart(alt.NamedData("series"))
        .transform_fold(list(codes), as_=["code", "value"])
        .transform_calculate(measure=_labelled(codes))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=_week_axis(horizon),
            y=alt.Y("value:Q", title=title, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "measure:N", scale=alt.Scale(domain=list(labels), range=list(colours)), title=None
            ),
            strokeDash=alt.StrokeDash(
                "measure:N",
                scale=alt.Scale(domain=list(labels), range=[[1, 0], [6, 3]]),
                title=None,
            ),
            tooltip=["step:Q", "measure:N", alt.Tooltip("value:Q", format=".3f")],
        )
    )
    layers = [lines]
    if reference >= 0:
        ref = (
            alt.Chart(alt.NamedData("reference"))
            .mark_rule(color="#AAB2BD", strokeDash=[2, 2])
            .encode(y="value:Q")
        )
        layers.insert(0, ref)
    return _finish(alt.layer(*layers).properties(width="container", height=_HEIGHT))


def _measures(frame: pd.DataFrame, columns: dict[str, str]) -> list[dict[str, Any]]:
    """The two measures of a two-line chart as compact records (keys a and b)."""
    first, second = columns.values()
    return _columns(frame, {"step": "step", "a": first, "b": second})


_NARRATIVE = {"narrative share (L^N > L^A)": "narrative_share", "blame on A": "blame_adversary"}
_CRISIS = {"salience": "salience", "crisis index": "crisis_index"}


def narrative_spec(snap: Snapshot) -> dict[str, Any]:
    """Narrative share and blame on the adversary over time, against an even split."""
    data = narrative_data(snap)
    last = data.iloc[-1]
    template = _two_lines_template(snap.horizon, tuple(_NARRATIVE), (INK, "#009E73"), "Share", 0.5)
    return _spec(
        snap,
        template,
        {"series": _measures(data, _NARRATIVE), "reference": [{"value": 0.5}]},
        f"Narrative share and blame by week. Week {snap.step}: narrative share "
        f"{last['narrative_share']:.3f}, blame on the adversary {last['blame_adversary']:.3f}.",
    )


def crisis_spec(snap: Snapshot) -> dict[str, Any]:
    """Salience of the conflict and the cumulative crisis index over time."""
    data = crisis_data(snap)
    last = data.iloc[-1]
    template = _two_lines_template(snap.horizon, tuple(_CRISIS), (MUTED, "#CC79A7"), "Index", -1)
    return _spec(
        snap,
        template,
        {"series": _measures(data, _CRISIS)},
        f"Salience and crisis index by week. Week {snap.step}: salience "
        f"{last['salience']:.3f}, crisis index {last['crisis_index']:.4f}.",
    )


@functools.cache
def _redline_template(horizon: int, show_true: bool) -> dict[str, Any]:
    x = _week_axis(horizon)
    y_scale = alt.Scale(domain=[0, 1])
    band = (
        alt.Chart(alt.NamedData("estimate"))
        .mark_area(opacity=0.18, color=NEGOTIATOR_COLOUR, clip=True)
        .encode(
            x=x,
            y=alt.Y("low_95:Q", scale=y_scale, title="Red line (one-issue scale)"),
            y2="high_95:Q",
            tooltip=[
                "step:Q",
                alt.Tooltip("low_95:Q", format=".3f"),
                alt.Tooltip("high_95:Q", format=".3f"),
            ],
        )
    )
    line = (
        alt.Chart(alt.NamedData("estimate"))
        .mark_line(color=NEGOTIATOR_COLOUR, strokeWidth=2.5, clip=True)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", scale=y_scale),
            tooltip=["step:Q", alt.Tooltip("estimate:Q", format=".3f")],
        )
    )
    layers = [band, line]
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
            .mark_text(align="right", dy=-7, color="#8A5A00", fontSize=11)
            .encode(x=alt.value("width"), y=alt.Y("value:Q", scale=y_scale), text="label:N")
        )
        layers += [truth, label]
    return _finish(alt.layer(*layers).properties(width="container", height=_HEIGHT))


def redline_spec(snap: Snapshot, show_true: bool) -> dict[str, Any]:
    """The negotiator's estimate of the adversary's red line with its 95% band over time."""
    data = redline_data(snap)
    last = data.iloc[-1]
    text = (
        f"Red-line estimate by week. Week {snap.step}: estimate {last['estimate']:.3f}, "
        f"95% band {last['low_95']:.3f} to {last['high_95']:.3f}"
    )
    datasets: dict[str, list] = {"estimate": _records(data)}
    if show_true:
        datasets["truth"] = [{"value": snap.true_red_line, "label": "true red line of A"}]
        text += f"; true red line {snap.true_red_line:.3f}"
    return _spec(snap, _redline_template(snap.horizon, show_true), datasets, text + ".")


@functools.cache
def _bloc_template(horizon: int, columns: int) -> dict[str, Any]:
    chart = (
        alt.Chart(alt.NamedData("series"))
        .transform_fold(list(_SIDE_CODES), as_=["code", "legitimacy"])
        .transform_calculate(side=_labelled(_SIDE_CODES))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X(
                "step:Q",
                title=None,
                scale=alt.Scale(domain=[0, horizon], nice=False),
                axis=alt.Axis(values=[0, horizon // 2, horizon], format="d"),
            ),
            y=alt.Y("legitimacy:Q", title="Mean legitimacy", scale=alt.Scale(zero=False)),
            color=alt.Color("side:N", scale=_SIDE_SCALE, title=None),
            tooltip=["bloc:N", "step:Q", "side:N", alt.Tooltip("legitimacy:Q", format=".3f")],
        )
        .properties(width=175, height=85)
        .facet(facet=alt.Facet("bloc:N", title=None), columns=columns)
    )
    return _finish(chart)


def bloc_spec(snap: Snapshot) -> dict[str, Any]:
    """Legitimacy of both sides in each bloc over time (one small panel per bloc)."""
    data = bloc_data(snap)
    records = _columns(
        data,
        {"step": "step", "bloc": "bloc", "N": "legitimacy_negotiator", "A": "legitimacy_adversary"},
    )
    now = data[data["step"] == snap.step]
    parts = [
        f"{b}: N {n:.3f}, A {a:.3f}"
        for b, n, a in zip(
            now["bloc"], now["legitimacy_negotiator"], now["legitimacy_adversary"], strict=True
        )
    ]
    blocs = data["bloc"].nunique()
    return _spec(
        snap,
        _bloc_template(snap.horizon, min(2, max(1, blocs))),
        {"series": records},
        f"Legitimacy per bloc by week. Week {snap.step}: " + "; ".join(parts) + ".",
    )


@functools.cache
def _gap_template() -> dict[str, Any]:
    bars = (
        alt.Chart(alt.NamedData("bins"))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "gap_from:Q",
                title="L^N − L^A of each observer (left: sees A as more legitimate)",
                scale=alt.Scale(zero=False, nice=False),
            ),
            x2="gap_to:Q",
            y=alt.Y("observers:Q", title="Observers"),
            color=alt.Color("gap_mid:Q", scale=_GAP_SCALE, legend=None),
            tooltip=["gap_from:Q", "gap_to:Q", "observers:Q"],
        )
    )
    zero = (
        alt.Chart(alt.NamedData("zero")).mark_rule(color=INK, strokeDash=[3, 3]).encode(x="value:Q")
    )
    return _finish(alt.layer(bars, zero).properties(width="container", height=_HEIGHT))


def gap_spec(snap: Snapshot) -> dict[str, Any]:
    """Distribution of observers' L^N - L^A this week (a wide, two-humped shape: polarization)."""
    data = gap_data(snap)
    polarization = float(snap.timeseries["polarization"].iloc[-1])
    leaning_n = float(np.mean(snap.gap > 0))
    return _spec(
        snap,
        _gap_template(),
        {"bins": _records(data), "zero": [{"value": 0.0}]},
        f"Distribution of L^N minus L^A over {snap.observers} observers in week {snap.step}: "
        f"{leaning_n:.1%} see the negotiator as more legitimate; polarization index "
        f"{polarization:.3f}.",
    )


@functools.cache
def _media_template() -> dict[str, Any]:
    y = alt.Y("outlet:N", title=None, sort=None, axis=alt.Axis(labelLimit=180))
    x_scale = alt.Scale(zero=True, nice=True)
    link = (
        alt.Chart(alt.NamedData("outlets"))
        .mark_rule(color="#AAB2BD", strokeWidth=2)
        .encode(
            x=alt.X(
                "report_adversary:Q",
                scale=x_scale,
                title="What it reports (evidence for + or against -)",
            ),
            x2="report_negotiator:Q",
            y=y,
        )
    )
    dots = (
        alt.Chart(alt.NamedData("frames"))
        .mark_circle(size=140, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("frame:Q", scale=x_scale),
            y=y,
            color=alt.Color("side:N", scale=_SIDE_SCALE, title=None),
            tooltip=["outlet:N", "side:N", alt.Tooltip("frame:Q", title="report", format="+.3f")],
        )
    )
    return _finish(alt.layer(link, dots).properties(width="container", height=_HEIGHT))


def media_spec(snap: Snapshot) -> dict[str, Any]:
    """What each outlet says about each side this week: one dot per side on a 0-1 tone scale."""
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
    return _spec(
        snap,
        _media_template(),
        {"outlets": _records(data), "frames": frames},
        f"What each outlet says in week {snap.step}: " + "; ".join(parts) + ".",
    )


@functools.cache
def _network_template() -> dict[str, Any]:
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    edges = (
        alt.Chart(alt.NamedData("edges"))
        .mark_rule(color="#C9CED6", strokeWidth=0.6, opacity=0.7)
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
        .mark_circle(opacity=1, stroke="#5F6B7A", strokeWidth=0.4)
        .encode(
            x=alt.X("x:Q", axis=hidden),
            y=alt.Y("y:Q", axis=hidden),
            color=alt.Color(
                "gap:Q",
                scale=_GAP_SCALE,
                title="L^N − L^A",
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
                alt.Tooltip("gap:Q", format="+.3f"),
            ],
        )
    )
    return _finish(alt.layer(edges, nodes).properties(width="container", height=260))


def network_spec(snap: Snapshot) -> dict[str, Any]:
    """The observer network (a sample when large), each observer coloured by L^N - L^A."""
    nodes = network_data(snap)
    shown = len(nodes)
    sampled = (
        f"a connected sample of {shown} of {snap.observers}"
        if shown < snap.observers
        else (f"all {shown}")
    )
    static = _columns(
        nodes, {"observer": "observer", "x": "x", "y": "y", "bloc": "bloc", "elite": "elite"}, 4
    )
    return _spec(
        snap,
        _network_template(),
        {
            "edges": _columns(snap.edges, {k: k for k in ("x", "y", "x2", "y2")}, 4),
            "nodes": static,
            "gaps": _columns(nodes, {"observer": "observer", "gap": "gap"}, 4),
        },
        f"Observer network, {sampled} observers, week {snap.step}: "
        f"{float(np.mean(nodes['gap'] > 0)):.0%} of them see the negotiator as more legitimate.",
        renderer="canvas",
        static=("edges", "nodes"),
    )


@functools.cache
def _events_template(horizon: int) -> dict[str, Any]:
    actions = list(ACTION_COLOURS)
    y = alt.Y(
        "side:N",
        title=None,
        sort=[ROLE_LABELS[r] for r in SIDES],
        scale=alt.Scale(domain=[ROLE_LABELS[r] for r in SIDES], paddingInner=0.25),
        axis=alt.Axis(labelFontSize=12, labelColor=INK, ticks=False, domain=False),
    )
    cells = (
        alt.Chart(alt.NamedData("events"))
        .mark_rect()
        .encode(
            x=alt.X("start:Q", title="Week", scale=alt.Scale(domain=[0, horizon], nice=False)),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "action:N",
                title="Action",
                scale=alt.Scale(
                    domain=[action_label(a) for a in actions],
                    range=[ACTION_COLOURS[a] for a in actions],
                ),
                legend=alt.Legend(orient="bottom", columns=7, symbolStrokeColor="#AAB2BD"),
            ),
            tooltip=["weeks:N", "side:N", "action:N", "how:N"],
        )
    )
    forced = (
        alt.Chart(alt.NamedData("forced"))
        .mark_rect(fillOpacity=0, stroke=INK, strokeWidth=1.5)
        .encode(x="start:Q", x2="end:Q", y=y, tooltip=["weeks:N", "side:N", "action:N", "how:N"])
    )
    starts = (
        alt.Chart(alt.NamedData("starts"))
        .mark_point(shape="triangle-down", filled=True, size=60, color=INK, yOffset=-14)
        .encode(x=alt.X("mid:Q"), y=y, tooltip=["weeks:N", "side:N", "action:N", "how:N"])
    )
    return _finish(alt.layer(cells, forced, starts).properties(width="container", height=96))


def events_spec(snap: Snapshot) -> dict[str, Any]:
    """The event strip: both sides' action in every week, as runs of the same action.

    Weeks forced by an intervention are outlined together; ▼ marks where such a run starts.
    """
    events = snap.events
    runs: list[dict[str, Any]] = []
    last: dict[str, dict[str, Any]] = {}
    for step, side, action, intervention in events.itertuples(index=False):
        how = "intervention" if intervention else "strategy"
        run = last.get(side)
        if (
            run is not None
            and run["end"] == step - 1
            and (run["code"], run["how"])
            == (
                action,
                how,
            )
        ):
            run["end"] = step
            run["weeks"] = f"{run['first']}-{step}"
            continue
        run = {
            "first": step,
            "start": step - 1,
            "end": step,
            "mid": step - 0.5,
            "weeks": str(step),
            "side": ROLE_LABELS[side],
            "code": action,
            "action": action_label(action),
            "how": how,
        }
        runs.append(run)
        last[side] = run
    records = [{k: v for k, v in run.items() if k != "code"} for run in runs]
    forced = [r for r in records if r["how"] == "intervention"]
    latest = "no step yet" if events.empty else latest_actions_text(snap)
    return _spec(
        snap,
        _events_template(snap.horizon),
        {"events": records, "forced": forced, "starts": forced},
        f"Event strip, week {snap.step}: {latest}.",
    )


def latest_actions_text(snap: Snapshot) -> str:
    """This week's actions in words (``negotiator engage; adversary walk away (intervention)``)."""
    now = snap.events[snap.events["step"] == snap.step]
    parts = []
    for _, side, action, intervention in now.itertuples(index=False):
        parts.append(f"{side} {action_label(action)}" + (" (intervention)" if intervention else ""))
    return "; ".join(parts) if parts else "no step yet"


def change_log(snap: Snapshot, limit: int = 6) -> list[str]:
    """The latest changes of action, newest first (``week 12: adversary walk away, forced``)."""
    lines, previous = [], {}
    for step, side, action, intervention in snap.events.itertuples(index=False):
        key = (action, intervention)
        if previous.get(side) != key:
            how = " (intervention)" if intervention else ""
            lines.append(f"week {step}: {side} {action_label(action)}{how}")
        previous[side] = key
    return lines[::-1][:limit]


# -------------------------------------------------------------------------------------------
# Components
# -------------------------------------------------------------------------------------------


class SnapshotSource(Protocol):
    """What the views draw from: an object whose `snapshot()` is the running model's tables.

    `DashboardSession` is one; its snapshot is computed once per step however many views ask.
    """

    def snapshot(self) -> Snapshot:
        """The running model's tables now."""
        ...


def current_snapshot(source: SnapshotSource) -> Snapshot:
    """The source's snapshot, read so that the calling component redraws on every step.

    Reading Mesa's `update_counter` (as SolaraViz's own plots do) subscribes the component to
    it; the controller bumps it whenever the model steps or is replaced.
    """
    update_counter.get()
    return source.snapshot()


@solara.component
def VegaChart(
    build: Callable[..., dict[str, Any]], source: SnapshotSource, *options: Any
) -> solara.Element:
    """A Vega-Lite chart of `build(snapshot, *options)`, drawn in the browser.

    Only this component redraws on a step. The spec goes to the widget directly when the
    snapshot or the options change, so the page's render never walks the chart's data.
    """
    snap = current_snapshot(source)
    element = VegaWidget.element()

    def push() -> None:
        solara.get_widget(element).show(build(snap, *options))

    solara.use_effect(push, [snap.key, *options])
    return element


@solara.component
def DataBehind(
    data: Callable[[Snapshot], pd.DataFrame], source: SnapshotSource, filename: str
) -> solara.Element:
    """A chart's data on request: a table and a CSV download (kept current while shown)."""
    show, set_show = solara.use_state(False)
    with solara.Column(gap="4px") as main:
        solara.Switch(label="Data (table and CSV)", value=show, on_value=set_show)
        if show:
            frame = data(current_snapshot(source))
            solara.FileDownload(
                data=lambda: frame.to_csv(index=False).encode("utf-8"),
                filename=filename,
                label=f"Download {filename}",
                mime_type="text/csv",
            )
            solara.DataFrame(frame, items_per_page=8)
    return main


@solara.component
def ChartCard(
    title: str,
    caption: str,
    source: SnapshotSource,
    build: Callable[..., dict[str, Any]],
    data: Callable[[Snapshot], pd.DataFrame],
    filename: str,
    options: tuple = (),
    extra: Callable[[], Any] | None = None,
) -> solara.Element:
    """One view: a titled card with its chart, a one-line caption and the data behind it."""
    with solara.Card(title, subtitle=caption, margin=0, classes=["view-card"]) as main:
        if extra is not None:
            extra()
        VegaChart(build, source, *options)
        DataBehind(data, source, filename)
    return main


@solara.component
def LegitimacyView(source: SnapshotSource) -> solara.Element:
    """Legitimacy of the negotiator and the adversary among observers, week by week."""
    return ChartCard(
        "Legitimacy of each side",
        "Mean over observers of L^N and L^A (a model index); dashed: an intervention starts",
        source,
        legitimacy_spec,
        legitimacy_data,
        "legitimacy.csv",
    )


@solara.component
def NarrativeView(source: SnapshotSource) -> solara.Element:
    """Narrative share (observers who see N as more legitimate) and blame on the adversary."""
    return ChartCard(
        "Narrative and blame",
        "Share of observers with L^N > L^A, and mean share of blame on A; dotted: even",
        source,
        narrative_spec,
        narrative_data,
        "narrative.csv",
    )


@solara.component
def CrisisView(source: SnapshotSource) -> solara.Element:
    """Salience of the conflict and the cumulative crisis index (an index, not a probability)."""
    return ChartCard(
        "Salience and crisis index",
        "Crisis index: cumulative hazard of war by miscalculation, a model index, not a forecast",
        source,
        crisis_spec,
        crisis_data,
        "crisis.csv",
    )


@solara.component
def RedLineView(source: SnapshotSource) -> solara.Element:
    """The negotiator's estimate of the adversary's red line, its 95% band, the truth on demand."""
    show_true, set_show_true = solara.use_state(False)

    def toggle() -> None:
        solara.Switch(
            label="Show the adversary's true red line",
            value=show_true,
            on_value=set_show_true,
        )

    return ChartCard(
        "Negotiator's estimate of the adversary's red line",
        "Mean and 95% band; talks narrow the band",
        source,
        redline_spec,
        redline_data,
        "red_line_estimate.csv",
        options=(show_true,),
        extra=toggle,
    )


@solara.component
def BlocView(source: SnapshotSource) -> solara.Element:
    """Legitimacy of both sides within each bloc of observers."""
    return ChartCard(
        "Legitimacy per bloc",
        "Blocs differ in exposure, scepticism of sanctions and prior tilt",
        source,
        bloc_spec,
        bloc_data,
        "blocs.csv",
    )


@solara.component
def GapView(source: SnapshotSource) -> solara.Element:
    """How observers' L^N - L^A is spread: one hump is consensus, two humps polarization."""
    return ChartCard(
        "Where observers stand",
        "L^N − L^A of every observer this week; two humps or a wide spread: polarization",
        source,
        gap_spec,
        gap_data,
        "gap_distribution.csv",
    )


@solara.component
def MediaView(source: SnapshotSource) -> solara.Element:
    """What each media outlet says about each side this week."""
    return ChartCard(
        "What the media say",
        "Tone each outlet gives each side this week (1: legitimate)",
        source,
        media_spec,
        media_data,
        "media.csv",
    )


@solara.component
def NetworkView(source: SnapshotSource) -> solara.Element:
    """The observers' network, each observer coloured by L^N - L^A (sampled when large)."""
    return ChartCard(
        "Observer network",
        f"Blue: sees N as more legitimate, orange: A; larger dots are elites (at most "
        f"{NETWORK_SAMPLE} observers, a connected sample)",
        source,
        network_spec,
        network_data,
        "network.csv",
    )


@solara.component
def ChangeLog(source: SnapshotSource) -> solara.Element:
    """The latest changes of action in words, newest first (read out by screen readers)."""
    changes = change_log(current_snapshot(source))
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}) as main:
        solara.Text("Latest changes:", style={"color": MUTED, "font-size": "13px"})
        solara.HTML(
            tag="div",
            unsafe_innerHTML=" · ".join(_escape(c) for c in changes) or "none yet",
            attributes={"aria-live": "polite", "data-testid": "event-log"},
            style="font-size: 13px; color: #1F2933;",
        )
    return main


@solara.component
def EventStrip(source: SnapshotSource) -> solara.Element:
    """Both sides' actions along the time axis; ▼ marks an intervention; the latest changes."""
    with solara.Card(
        "What each side did",
        subtitle="Each side's action week by week; outlined: forced by an intervention, "
        "▼ where it starts",
        margin=0,
        classes=["view-card"],
    ) as main:
        VegaChart(events_spec, source)
        ChangeLog(source)
        DataBehind(events_data, source, "events.csv")
    return main


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


VIEWS: tuple[Callable[[SnapshotSource], solara.Element], ...] = (
    LegitimacyView,
    NarrativeView,
    CrisisView,
    RedLineView,
    BlocView,
    GapView,
    MediaView,
    NetworkView,
)
"""The chart views under the event strip, in page order."""
