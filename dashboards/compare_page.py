# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The dashboard's Compare tab: ensemble bands and paired differences of a results folder.

Its data core is `dashboards.compare_data` (plain Python, tested without a browser); this
module declares the charts and lays out the page. The tab has two views: *Scenarios*
(bands per scenario, paired differences from a baseline, the table at a chosen week) and
*Discover* (`dashboards.discover_page`: where in a swept batch a claim fails, with runs to
open on the Live tab).

The page offers the results folders under the dashboard's ``--results`` folder by name
(`dashboards.catalog.ResultsCatalog`), listed again when Refresh is pressed; the browser's
choice is looked up among them, never opened as a path, and messages name the folder, not
where it is on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import solara

from dashboards.charts.kit import finish
from dashboards.compare_data import (
    ComparisonData,
    comparison_data,
    metric_choices,
    metric_from_label,
    offered_comparison,
    results_catalog,
    shown_differences,
)
from dashboards.discover_page import DiscoverView
from dashboards.help import WithHelp
from dashboards.metric_labels import metric_label
from dashboards.registry import touch_seat
from dashboards.vega import VegaWidget
from experiments.analysis import DEFAULT_METRICS
from experiments.errors import UsageError
from experiments.palette import MUTED

__all__ = [
    "ComparePage",
    "ComparisonData",
    "bands_spec",
    "comparison_data",
    "differences_spec",
    "offered_comparison",
]

VIEWS = ("Scenarios", "Discover")
"""The Compare tab's views."""

LEGEND = alt.Legend(symbolOpacity=1.0, symbolStrokeWidth=3, symbolType="stroke", symbolSize=400)
"""The scenario legend: full-strength line swatches with each scenario's dash pattern."""


WEEK_AXIS = alt.X("step:Q", title="Week", axis=alt.Axis(tickMinStep=1, format="d"))
"""The x axis of the Compare tab's charts: whole weeks."""


def _encodings(data: ComparisonData, shown: tuple[str, ...]) -> dict[str, Any]:
    """Colour, dash and width of the scenarios `shown`, each fixed by the folder's order."""
    styles = data.styles
    domain = list(shown)

    def scale(values: list) -> alt.Scale:
        return alt.Scale(domain=domain, range=values)

    return {
        "color": alt.Color(
            "scenario:N",
            scale=scale([styles[s].colour for s in shown]),
            title="Scenario",
            legend=LEGEND,
        ),
        "strokeDash": alt.StrokeDash(
            "scenario:N",
            scale=scale([list(styles[s].dash) for s in shown]),
            title="Scenario",
            legend=LEGEND,
        ),
        "strokeWidth": alt.StrokeWidth(
            "scenario:N",
            scale=scale([styles[s].width for s in shown]),
            title="Scenario",
            legend=LEGEND,
        ),
    }


def _band(base: alt.Chart, data: ComparisonData, shown: tuple[str, ...], title: str) -> alt.Chart:
    colours = alt.Scale(domain=list(shown), range=[data.styles[s].colour for s in shown])
    return base.mark_area(opacity=0.18).encode(
        y=alt.Y("low:Q", title=title),
        y2="high:Q",
        fill=alt.Fill("scenario:N", scale=colours, title="Scenario", legend=LEGEND),
    )


def _lines(base: alt.Chart, data: ComparisonData, shown: tuple[str, ...]) -> alt.Chart:
    return base.mark_line(opacity=1.0).encode(y="mean:Q", **_encodings(data, shown))


def bands_spec(data: ComparisonData, metric: str) -> dict[str, Any]:
    """Vega-Lite spec: ensemble mean per scenario with its 95% band."""
    label = metric_label(metric)
    base = alt.Chart(data.bands[["scenario", "step", "mean", "low", "high"]]).encode(x=WEEK_AXIS)
    chart = (
        _band(base, data, data.scenarios, label) + _lines(base, data, data.scenarios)
    ).properties(width="container", height=260)
    spec = finish(chart)
    spec["description"] = f"Ensemble mean of {label} per scenario with 95% interval bands"
    return spec


def differences_spec(data: ComparisonData, metric: str, baseline: str) -> dict[str, Any]:
    """Vega-Lite spec: paired difference from the baseline over time with bootstrap bands.

    A dotted rule marks the week of the difference table.
    """
    label = metric_label(metric)
    shown = tuple(s for s in data.scenarios if s != baseline)
    base = alt.Chart(data.curves[["scenario", "step", "mean", "low", "high"]]).encode(x=WEEK_AXIS)
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=MUTED).encode(y="zero:Q")
    week = (
        alt.Chart(pd.DataFrame({"step": [data.at]}))
        .mark_rule(color=MUTED, strokeDash=[2, 2])
        .encode(x="step:Q")
    )
    chart = (
        zero
        + _band(base, data, shown, f"{label}, difference from {baseline}")
        + _lines(base, data, shown)
        + week
    ).properties(width="container", height=260)
    spec = finish(chart)
    spec["description"] = f"Paired difference of {label} from {baseline}, 95% bootstrap bands"
    return spec


@solara.component
def SpecChart(spec: dict[str, Any]) -> solara.Element:
    """A Vega-Lite chart of a complete spec."""
    element = VegaWidget.element()

    def push() -> None:
        solara.get_widget(element).show(spec)

    solara.use_effect(push, [id(spec)])
    return element


@solara.component
def FolderChoice(
    folders: list[str], folder: solara.Reactive, refresh: Callable[[], None], root: str
) -> solara.Element:
    """The results folder select with its Refresh button, or why there is none."""
    with solara.Column(gap="4px") as main:
        with solara.Row(gap="12px", style={"align-items": "center"}):
            with WithHelp("results_folder"):
                solara.Select("Results folder", values=folders, value=folder)
            with WithHelp("refresh_folders"):
                solara.Button(
                    "Refresh",
                    icon_name="mdi-refresh",
                    text=True,
                    on_click=refresh,
                    attributes={"aria-label": "Refresh the list of results folders"},
                )
        if not folders:
            solara.Info(
                f"No results folder in {root}/ yet. Run python run.py batch CONFIG --out DIR "
                "with DIR the dashboard's results folder, then press Refresh."
            )
    return main


@solara.component
def ScenariosView(catalog: Any, folder: str | None) -> solara.Element:
    """Bands, paired differences and the difference table at a chosen week."""
    labels = list(metric_choices())
    metric = solara.use_reactive(metric_label(DEFAULT_METRICS[0]))
    baseline = solara.use_reactive("")
    chosen = solara.use_reactive([])
    week = solara.use_reactive(None)
    choices = [folder, metric.value, baseline.value, tuple(chosen.value), week.value]
    solara.use_effect(touch_seat, choices)  # a choice here is activity: the session is not idle

    def forget_choices() -> None:  # another folder: its own scenarios and weeks
        baseline.set("")
        chosen.set([])
        week.set(None)

    solara.use_effect(forget_choices, [folder])

    data, problem = None, None
    if folder:
        try:
            column = metric_from_label(metric.value)
            data = offered_comparison(
                catalog, folder, column, baseline.value or None, tuple(chosen.value), week.value
            )
        except UsageError as error:
            problem = str(error)
    with solara.Column(gap="12px") as main:
        with WithHelp("compare_metric"):
            solara.Select("Metric", values=labels, value=metric)
        if problem:
            solara.Error(problem)
        if data is not None:
            column = metric_from_label(metric.value)
            with solara.Row(gap="12px"):
                with WithHelp("baseline"):
                    solara.Select(
                        "Baseline",
                        values=list(data.all_scenarios),
                        value=data.baseline,
                        on_value=baseline.set,
                    )
                with WithHelp("compare_scenarios"):
                    solara.SelectMultiple(
                        "Scenarios",
                        values=list(data.scenarios),
                        all_values=list(data.all_scenarios),
                        on_value=chosen.set,
                    )
            with solara.Card("Ensemble mean with 95% band", margin=0):
                SpecChart(bands_spec(data, column))
            if not data.curves.empty:
                with solara.Card(f"Paired difference from {data.baseline}", margin=0):
                    SpecChart(differences_spec(data, column, data.baseline))
            if not data.differences.empty:
                with WithHelp("table_week"):
                    solara.SliderInt(
                        "Week of the table",
                        value=data.at,
                        min=data.steps[0],
                        max=data.steps[-1],
                        on_value=week.set,
                        thumb_label="always",
                    )
                solara.Markdown(
                    f"**Paired differences in week {data.at}** (bootstrap 95% interval; share "
                    "of seeds with each sign)"
                )
                solara.DataFrame(shown_differences(data), items_per_page=20)
                with WithHelp("download_differences"):
                    solara.FileDownload(
                        data=lambda: data.differences.to_csv(index=False).encode("utf-8"),
                        filename="differences.csv",
                        label="Download differences.csv",
                        mime_type="text/csv",
                    )
    return main


@solara.component
def ComparePage(session: Any, open_run: Callable[[Any], None] | None = None) -> solara.Element:
    """Choose a results folder, then compare its scenarios or discover where a claim fails.

    `open_run` takes a `experiments.discover_replay.Replay` and shows it on the Live tab (the
    Discover view offers it on every box); without it, that button is not shown.
    """
    catalog = solara.use_memo(results_catalog, [])
    refreshed = solara.use_reactive(0)
    folders = solara.use_memo(catalog.names, [refreshed.value])
    folder = solara.use_reactive(folders[0] if folders else None)
    view = solara.use_reactive(VIEWS[0])
    solara.use_effect(touch_seat, [folder.value, view.value, refreshed.value])

    with solara.Column(
        gap="12px", style={"padding": "8px", "max-width": "1100px"}, classes=["compare-page"]
    ) as main:
        solara.Markdown(
            "Compare the scenarios of a results folder written by `run.py batch`: ensemble "
            "means with 95% Monte Carlo bands, and differences from a baseline paired by seed; "
            "or, for a swept batch, discover where a claim fails. Model indices, not forecasts."
        )
        FolderChoice(
            folders, folder, lambda: refreshed.set(refreshed.value + 1), catalog.folder.name
        )
        with WithHelp("compare_view"):
            solara.ToggleButtonsSingle(value=view, values=list(VIEWS))
        if view.value == VIEWS[1]:
            DiscoverView(catalog, folder.value, open_run)
        else:
            ScenariosView(catalog, folder.value)
    return main
