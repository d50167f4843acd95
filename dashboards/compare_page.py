# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The dashboard's comparison page: ensemble bands and paired differences of a results folder.

The numbers come from the comparison library (`experiments.compare`), the same functions as
``run.py compare``; `comparison_data` is the page's plain-Python core and is tested without a
browser. Bands are 95% Monte Carlo intervals of the ensemble mean; differences are paired by
replicate and design point, with bootstrap intervals. Model indices, not forecasts.

The page offers the results folders under the dashboard's ``--results`` folder by name
(`dashboards.catalog.ResultsCatalog`); the browser's choice is looked up among them, never
opened as a path, and messages name the folder, not where it is on the server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import solara

from dashboards.catalog import NotOfferedError, ResultsCatalog, results_root
from dashboards.charts.kit import finish
from dashboards.registry import touch_seat
from dashboards.vega import VegaWidget
from experiments.analysis import DEFAULT_METRICS, NUMERIC_METRICS
from experiments.compare import (
    difference_curve,
    differences_table,
    ensemble_bands,
    paired_differences,
)
from experiments.errors import UsageError
from experiments.palette import MUTED, SCENARIO_COLOURS_BESIDE_SIDES
from experiments.store import open_results


@dataclass(frozen=True)
class ComparisonData:
    """What the page shows: bands per scenario, the difference table and difference curves."""

    bands: pd.DataFrame
    differences: pd.DataFrame
    curves: pd.DataFrame
    scenarios: tuple[str, ...]


def results_catalog() -> ResultsCatalog:
    """The results folders the page offers: those under the dashboard's ``--results``."""
    return ResultsCatalog.under(results_root())


def comparison_data(
    folder: str, metric: str, baseline: str | None = None, scenarios: tuple[str, ...] = ()
) -> ComparisonData:
    """Bands and paired differences of `metric` in a results folder.

    Raises:
        UsageError: a folder that is not a results folder or has no run, an unknown metric,
            baseline or scenario (one line each, shown in the page).
    """
    if metric not in NUMERIC_METRICS:
        raise UsageError(f"metric: expected one of {', '.join(NUMERIC_METRICS)}, found {metric!r}")
    results = open_results(Path(folder))
    if results.runs_done == 0:
        raise UsageError(f"{folder}: the results folder has no finished run yet")
    frame = results.timeseries(columns=[metric])
    frame["scenario"] = frame["scenario"].astype(str)
    known = list(dict.fromkeys(frame["scenario"]))
    chosen = [s for s in scenarios if s in known] or known
    unknown = [s for s in scenarios if s not in known]
    if unknown:
        raise UsageError(f"scenarios: expected some of {', '.join(known)}, found {unknown[0]!r}")
    baseline = baseline or chosen[0]
    if baseline not in known:
        raise UsageError(f"baseline: expected one of {', '.join(known)}, found {baseline!r}")
    if baseline not in chosen:
        chosen = [baseline, *chosen]
    frame = frame[frame["scenario"].isin(chosen)]
    bands = ensemble_bands(frame, metric)
    bands = bands[bands["design_point"] == bands["design_point"].min()]
    differences = differences_table(paired_differences(frame, metric, baseline))
    curves = [
        difference_curve(frame, metric, s, baseline).assign(scenario=s)
        for s in chosen
        if s != baseline
    ]
    curve_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    return ComparisonData(bands, differences, curve_frame, tuple(chosen))


def offered_comparison(
    catalog: ResultsCatalog,
    name: str,
    metric: str,
    baseline: str | None = None,
    scenarios: tuple[str, ...] = (),
) -> ComparisonData:
    """`comparison_data` of the results folder the page offered as `name`.

    Raises:
        UsageError: `name` was not offered (the same message whatever it is), or the folder's
            data cannot be compared; messages name the folder, not its path on the server.
    """
    try:
        folder = catalog.path(name)
    except NotOfferedError as error:
        raise UsageError(str(error)) from None
    try:
        return comparison_data(str(folder), metric, baseline, scenarios)
    except (UsageError, ValueError, OSError) as error:
        text = str(error).replace(str(folder), name).replace(f"{catalog.folder}{os.sep}", "")
        raise UsageError(text) from None


def _scale(scenarios: tuple[str, ...]) -> alt.Scale:
    colours = [
        SCENARIO_COLOURS_BESIDE_SIDES[i % len(SCENARIO_COLOURS_BESIDE_SIDES)]
        for i in range(len(scenarios))
    ]
    return alt.Scale(domain=list(scenarios), range=colours)


def bands_spec(data: ComparisonData, metric: str) -> dict[str, Any]:
    """Vega-Lite spec: ensemble mean per scenario with its 95% band."""
    base = alt.Chart(data.bands[["scenario", "step", "mean", "low", "high"]]).encode(
        x=alt.X("step:Q", title="Week"),
        color=alt.Color("scenario:N", scale=_scale(data.scenarios), title="Scenario"),
    )
    chart = (
        base.mark_area(opacity=0.25).encode(y=alt.Y("low:Q", title=metric), y2="high:Q")
        + base.mark_line().encode(y="mean:Q")
    ).properties(width="container", height=260)
    spec = finish(chart)
    spec["description"] = f"Ensemble mean of {metric} per scenario with 95% interval bands"
    return spec


def differences_spec(data: ComparisonData, metric: str, baseline: str) -> dict[str, Any]:
    """Vega-Lite spec: paired difference from the baseline over time with bootstrap bands."""
    scenarios = tuple(s for s in data.scenarios if s != baseline)
    base = alt.Chart(data.curves[["scenario", "step", "mean", "low", "high"]]).encode(
        x=alt.X("step:Q", title="Week"),
        color=alt.Color("scenario:N", scale=_scale((baseline, *scenarios)), title="Scenario"),
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=MUTED).encode(y="zero:Q")
    chart = (
        zero
        + base.mark_area(opacity=0.25).encode(
            y=alt.Y("low:Q", title=f"{metric} minus {baseline}"), y2="high:Q"
        )
        + base.mark_line().encode(y="mean:Q")
    ).properties(width="container", height=260)
    spec = finish(chart)
    spec["description"] = f"Paired difference of {metric} from {baseline}, 95% bootstrap bands"
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
def ComparePage(session: Any) -> solara.Element:
    """Choose a results folder, scenarios and a metric; see bands and paired differences."""
    catalog = solara.use_memo(results_catalog, [])
    refreshed = solara.use_reactive(0)
    folders = solara.use_memo(catalog.names, [refreshed.value])
    folder = solara.use_reactive(folders[0] if folders else None)
    metric = solara.use_reactive(DEFAULT_METRICS[0])
    baseline = solara.use_reactive("")
    chosen = solara.use_reactive([])
    choices = [folder.value, metric.value, baseline.value, tuple(chosen.value), refreshed.value]
    solara.use_effect(touch_seat, choices)  # a choice here is activity: the session is not idle

    data, problem = None, None
    if folder.value:
        try:
            data = offered_comparison(
                catalog, folder.value, metric.value, baseline.value or None, tuple(chosen.value)
            )
        except UsageError as error:
            problem = str(error)
    with solara.Column(gap="12px", style={"padding": "8px", "max-width": "1100px"}) as main:
        solara.Markdown(
            "Compare the scenarios of a results folder written by `run.py batch`: ensemble "
            "means with 95% Monte Carlo bands, and differences from a baseline paired by seed. "
            "Model indices, not forecasts."
        )
        with solara.Row(gap="12px", style={"align-items": "center"}):
            solara.Select("Results folder", values=folders, value=folder)
            solara.Button(
                "Refresh",
                icon_name="mdi-refresh",
                text=True,
                on_click=lambda: refreshed.set(refreshed.value + 1),
                attributes={"aria-label": "Refresh the list of results folders"},
            )
            solara.Select("Metric", values=list(NUMERIC_METRICS), value=metric)
        if problem:
            solara.Error(problem)
        elif not folder.value:
            solara.Info(
                f"No results folder in {catalog.folder.name}/ yet: run `python run.py batch "
                "CONFIG --out DIR` with the dashboard's --results folder as DIR, then Refresh."
            )
        if data is not None:
            base = baseline.value or data.scenarios[0]
            with solara.Row(gap="12px"):
                solara.Select(
                    "Baseline", values=list(data.scenarios), value=base, on_value=baseline.set
                )
                solara.SelectMultiple(
                    "Scenarios",
                    values=chosen.value or list(data.scenarios),
                    all_values=list(data.scenarios),
                    on_value=chosen.set,
                )
            with solara.Card("Ensemble mean with 95% band", margin=0):
                SpecChart(bands_spec(data, metric.value))
            if not data.curves.empty:
                with solara.Card(f"Paired difference from {base}", margin=0):
                    SpecChart(differences_spec(data, metric.value, base))
            if not data.differences.empty:
                solara.Markdown(
                    "**Paired differences at the last step** (bootstrap 95% interval;"
                    " share of seeds with each sign)"
                )
                solara.DataFrame(data.differences, items_per_page=10)
                solara.FileDownload(
                    data=lambda: data.differences.to_csv(index=False).encode("utf-8"),
                    filename="differences.csv",
                    label="Download differences.csv",
                    mime_type="text/csv",
                )
    return main
