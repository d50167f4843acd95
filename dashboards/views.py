# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The dashboard's views: one declarative table of charts, drawn by one Solara component.

Each view is a `ChartView` in `CHARTS` (title, caption, chart, data, file name, and an optional
switch the chart takes); `ChartCard` draws any of them as a titled card with its chart, its
caption and the data behind it (a table and a CSV download on request). The charts themselves
are in `dashboards.charts`. Every view draws the `Snapshot` of the running model that its
source (the session) gives, and redraws on Mesa's `update_counter`, as SolaraViz's own
components do; on a step only the charts redraw. Each chart carries a text description with
its current values (read by screen readers).

The two sides keep one colour-blind-safe pair everywhere (`experiments.palette`) and are
labelled by role. Figures are model indices, not forecasts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from dashboards.axes_choice import AxesChoice, close_up_of
from dashboards.charts.current import (
    gap_data,
    gap_spec,
    media_data,
    media_spec,
    network_data,
    network_spec,
)
from dashboards.charts.events import change_log, events_data, events_spec
from dashboards.charts.weekly import (
    bloc_data,
    bloc_spec,
    crisis_data,
    crisis_spec,
    legitimacy_data,
    legitimacy_spec,
    narrative_data,
    narrative_spec,
    redline_data,
    redline_spec,
)
from dashboards.export import csv_bytes
from dashboards.help import CHART_HELP, WithHelp
from dashboards.snapshot import NETWORK_SAMPLE, Snapshot
from dashboards.vega import VegaWidget
from experiments.palette import INK, MUTED


@dataclass(frozen=True)
class ChartView:
    """One view of the page: a chart of a snapshot with its words and the data behind it.

    Attributes:
        key: a short name of the view (``legitimacy``).
        title: the card's title.
        caption: one line under the title saying how to read the chart.
        spec: the chart's Vega-Lite spec of a snapshot (and of the switch, if any).
        data: the table behind the chart (shown on request and offered as CSV).
        filename: the name of the CSV download.
        switch: the label of a switch whose value `spec` takes (off at first), or None.
        axes: whether the chart offers a close-up y axis (`spec` takes it after the switch).
    """

    key: str
    title: str
    caption: str
    spec: Callable[..., dict[str, Any]]
    data: Callable[[Snapshot], pd.DataFrame]
    filename: str
    switch: str | None = None
    axes: bool = False


CHARTS: tuple[ChartView, ...] = (
    ChartView(
        "legitimacy",
        "Legitimacy of each side",
        "How legitimate observers find N and A (0 to 1); a rule at each change of action",
        legitimacy_spec,
        legitimacy_data,
        "legitimacy.csv",
        axes=True,
    ),
    ChartView(
        "narrative",
        "Narrative and blame",
        "Per cent of observers who find N more legitimate than A, and the share of blame they "
        "put on A; dotted line: an even split",
        narrative_spec,
        narrative_data,
        "narrative.csv",
        axes=True,
    ),
    ChartView(
        "crisis",
        "Salience and crisis index",
        "How much the conflict is in the news, and the cumulative chance of a war by "
        "miscalculation: a model index, not a forecast",
        crisis_spec,
        crisis_data,
        "crisis.csv",
    ),
    ChartView(
        "red_line",
        "Negotiator's estimate of the adversary's red line",
        "Where N thinks A's limit on the disputed issue lies (0 to 1), with a 95% band",
        redline_spec,
        redline_data,
        "red_line_estimate.csv",
        switch="Show the adversary's true red line",
    ),
    ChartView(
        "blocs",
        "Legitimacy per bloc",
        "How legitimate each bloc of observers finds N and A (0 to 1)",
        bloc_spec,
        bloc_data,
        "blocs.csv",
    ),
    ChartView(
        "gap",
        "Where observers stand",
        "Each observer's legitimacy of N minus that of A this week: right of 0 favours N",
        gap_spec,
        gap_data,
        "gap_distribution.csv",
    ),
    ChartView(
        "media",
        "What the media say",
        "What each outlet reports of each side this week: circle N, square A; right of 0 "
        "speaks for the side",
        media_spec,
        media_data,
        "media.csv",
    ),
    ChartView(
        "network",
        "Observer network",
        f"Blue: finds N more legitimate, orange: A; larger dots are elites (at most "
        f"{NETWORK_SAMPLE} observers, a connected sample)",
        network_spec,
        network_data,
        "network.csv",
    ),
)
"""The chart views under the event strip, in page order."""

EVENT_STRIP = ChartView(
    "events",
    "What each side did",
    "Each side's action week by week; outlined: forced by an intervention, ▼ where it starts",
    events_spec,
    events_data,
    "events.csv",
)
"""The event strip above the charts (with the latest changes in words)."""

TABLE_ROWS = 10
"""Rows per page of a chart's table (one of the page sizes the table offers)."""

TABLE_DIGITS = 4
"""Decimals shown in a chart's table (its CSV keeps full precision)."""


def table_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's data as its table shows it: numbers rounded, the newest week first."""
    shown = frame.copy()
    floats = shown.select_dtypes("floating").columns
    shown[floats] = shown[floats].round(TABLE_DIGITS)
    if "step" in shown.columns:
        shown = shown.sort_values("step", ascending=False, kind="stable")
    return shown.reset_index(drop=True)


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
    build: Callable[..., dict[str, Any]],
    source: SnapshotSource,
    *options: Any,
    download: str = "chart",
) -> solara.Element:
    """A Vega-Lite chart of `build(snapshot, *options)`, drawn in the browser.

    Only this component redraws on a step. The spec goes to the widget directly when the
    snapshot or the options change, so the page's render never walks the chart's data. The
    chart's menu saves it as SVG or PNG, named `download` (``download.svg``, ``download.png``).
    """
    snap = current_snapshot(source)
    element = VegaWidget.element()

    def push() -> None:
        spec = build(snap, *options)
        spec["usermeta"] = {**spec.get("usermeta", {}), "download": download}
        solara.get_widget(element).show(spec)

    solara.use_effect(push, [snap.key, *options])
    return element


@solara.component
def DataBehind(
    data: Callable[[Snapshot], pd.DataFrame], source: SnapshotSource, filename: str
) -> solara.Element:
    """A chart's data on request: a table and a CSV download (kept current while shown)."""
    show, set_show = solara.use_state(False)
    with solara.Column(gap="4px", classes=["data-behind"]) as main:
        with WithHelp("data"):
            solara.Switch(label="Data (table and CSV)", value=show, on_value=set_show)
        if show:
            frame = data(current_snapshot(source))
            solara.FileDownload(
                data=lambda: csv_bytes(frame),
                filename=filename,
                label=f"Download {filename}",
                mime_type="text/csv",
            )
            solara.DataFrame(table_view(frame), items_per_page=TABLE_ROWS)
    return main


@solara.component
def ChartCard(
    chart: ChartView, source: SnapshotSource, below: Callable[[], Any] | None = None
) -> solara.Element:
    """One view: a titled card with its chart, its caption and the data behind it.

    `below` draws what stands between the chart and its data (the event strip's change log).
    """
    switched, set_switched = solara.use_state(False)
    classes = ["view-card", f"view-{chart.key}"]
    with solara.Card(chart.title, subtitle=chart.caption, margin=0, classes=classes) as main:
        options: list[Any] = []
        if chart.switch is not None:
            with WithHelp("true_red_line"):
                solara.Switch(label=chart.switch, value=switched, on_value=set_switched)
            options.append(switched)
        if chart.axes:
            options.append(close_up_of(chart.key).value)
        VegaChart(chart.spec, source, *options, download=chart.key)
        if chart.axes:
            AxesChoice(close_up_of(chart.key))
        solara.Text(f"What moves it: {CHART_HELP[chart.key]}", classes=["chart-help"])
        if below is not None:
            below()
        DataBehind(chart.data, source, chart.filename)
    return main


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
            style=f"font-size: 13px; color: {INK};",
        )
    return main


@solara.component
def EventStrip(source: SnapshotSource) -> solara.Element:
    """Both sides' actions along the time axis; ▼ marks an intervention; the latest changes."""
    return ChartCard(EVENT_STRIP, source, below=lambda: ChangeLog(source))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
