"""What the Compare tab shows, as plain Python: bands, paired differences, names and styles.

The numbers come from the comparison library (`experiments.compare`), the same functions as
``run.py compare``; this module is tested without a browser. Bands are 95% Monte Carlo
intervals of the ensemble mean; differences are paired by replicate and design point, with
bootstrap intervals. Model indices, not forecasts.

Every choice the browser sends (a results folder, a metric's readable name, scenarios, a
baseline, a week) is checked against what the page offered; messages name the folder, never
where it is on the server. Each scenario keeps one colour, dash pattern and line width
whatever is selected: its place among all the scenarios of the results folder decides them,
and the dashes and widths keep series that coincide visible.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboards.catalog import NotOfferedError, ResultsCatalog, results_root
from dashboards.metric_labels import metric_label
from experiments.analysis import NUMERIC_METRICS
from experiments.compare import (
    difference_curve,
    differences_table,
    ensemble_bands,
    paired_differences,
)
from experiments.errors import UsageError
from experiments.palette import SCENARIO_COLOURS_BESIDE_SIDES, YELLOW
from experiments.store import open_results

LINE_COLOURS = tuple(c for c in SCENARIO_COLOURS_BESIDE_SIDES if c != YELLOW)
"""Scenario colours on the Compare tab: the palette beside the sides, without the yellow that
a thin line on white hides."""

DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (8, 4), (2, 3), (10, 3, 2, 3), (4, 2))
"""Dash patterns by scenario (solid first): coinciding series still show both."""

WIDTHS = (4.5, 3.0, 2.0, 1.5)
"""Line widths by scenario, widest first: a later series drawn on an earlier one leaves its
edges visible."""

TABLE_DIGITS = 4
"""Decimals of the differences shown in the page's table (the CSV keeps every digit)."""


@dataclass(frozen=True)
class ScenarioStyle:
    """How one scenario is drawn on the Compare tab: colour, dash pattern, line width."""

    colour: str
    dash: tuple[int, ...]
    width: float


def scenario_styles(scenarios: list[str] | tuple[str, ...]) -> dict[str, ScenarioStyle]:
    """The style of each scenario by its place in `scenarios` (all of a results folder's)."""
    return {
        name: ScenarioStyle(
            LINE_COLOURS[i % len(LINE_COLOURS)],
            DASHES[i % len(DASHES)],
            WIDTHS[min(i, len(WIDTHS) - 1)],
        )
        for i, name in enumerate(scenarios)
    }


@dataclass(frozen=True)
class ComparisonData:
    """What the page shows of one results folder and metric.

    Attributes:
        bands: ensemble mean and 95% band per scenario and step (the first design point).
        differences: paired differences from the baseline at week `at`, one row per scenario
            and design point, every digit kept.
        curves: the paired difference per scenario and step, with bootstrap bands.
        scenarios: the scenarios shown, the baseline first.
        all_scenarios: every scenario of the results folder in config order (fixes styles).
        steps: the weeks recorded (the week selector's range).
        at: the week of `differences`.
        baseline: the scenario the differences are taken from.
    """

    bands: pd.DataFrame
    differences: pd.DataFrame
    curves: pd.DataFrame
    scenarios: tuple[str, ...]
    all_scenarios: tuple[str, ...] = ()
    steps: tuple[int, ...] = ()
    at: int = 0
    baseline: str = ""

    @property
    def styles(self) -> dict[str, ScenarioStyle]:
        """Each scenario's style, fixed by its place among all the folder's scenarios."""
        return scenario_styles(self.all_scenarios or self.scenarios)


def results_catalog() -> ResultsCatalog:
    """The results folders the page offers: those under the dashboard's ``--results``."""
    return ResultsCatalog.under(results_root())


def metric_choices() -> dict[str, str]:
    """The metrics the page offers: readable name -> output column."""
    return {metric_label(m): m for m in NUMERIC_METRICS}


def metric_from_label(label: object) -> str:
    """The output column behind a readable metric name the page offered.

    Raises:
        UsageError: `label` is not one of the names offered (the message does not repeat it).
    """
    choices = metric_choices()
    if isinstance(label, str) and label in choices:
        return choices[label]
    raise UsageError("metric: expected one of the metrics offered in the list")


def comparison_data(
    folder: str,
    metric: str,
    baseline: str | None = None,
    scenarios: tuple[str, ...] = (),
    at: int | None = None,
) -> ComparisonData:
    """Bands and paired differences of `metric` in a results folder, the table at week `at`.

    Raises:
        UsageError: a folder that is not a results folder or has no run, an unknown metric,
            baseline or scenario, or a week not recorded (one line each, shown in the page).
    """
    if metric not in NUMERIC_METRICS:
        raise UsageError(f"metric: expected one of {', '.join(NUMERIC_METRICS)}, found {metric!r}")
    results = open_results(Path(folder))
    if results.runs_done == 0:
        raise UsageError(f"{folder}: the results folder has no finished run yet")
    frame = results.timeseries(columns=[metric])
    frame["scenario"] = frame["scenario"].astype(str)
    present = list(dict.fromkeys(frame["scenario"]))
    known = [s for s in results.scenarios if s in present] + [
        s for s in present if s not in results.scenarios
    ]
    unknown = [s for s in scenarios if s not in known]
    if unknown:
        raise UsageError(f"scenarios: expected some of {', '.join(known)}, found {unknown[0]!r}")
    chosen = [s for s in known if s in scenarios] or known
    baseline = baseline or chosen[0]
    if baseline not in known:
        raise UsageError(f"baseline: expected one of {', '.join(known)}, found {baseline!r}")
    chosen = [baseline, *(s for s in chosen if s != baseline)]
    steps = tuple(int(s) for s in sorted(frame["step"].unique()))
    if at is None:
        at = steps[-1]
    if isinstance(at, bool) or not isinstance(at, int) or at not in steps:
        raise UsageError(f"week: expected a week from {steps[0]} to {steps[-1]}, found {at!r}")
    frame = frame[frame["scenario"].isin(chosen)]
    bands = ensemble_bands(frame, metric)
    bands = bands[bands["design_point"] == bands["design_point"].min()]
    differences = differences_table(paired_differences(frame, metric, baseline, at=at))
    curves = [
        difference_curve(frame, metric, s, baseline).assign(scenario=s)
        for s in chosen
        if s != baseline
    ]
    curve_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    return ComparisonData(
        bands, differences, curve_frame, tuple(chosen), tuple(known), steps, at, baseline
    )


def offered_comparison(
    catalog: ResultsCatalog,
    name: str,
    metric: str,
    baseline: str | None = None,
    scenarios: tuple[str, ...] = (),
    at: int | None = None,
) -> ComparisonData:
    """`comparison_data` of the results folder the page offered as `name`.

    Raises:
        UsageError: `name` was not offered (the same message whatever it is), or the folder's
            data cannot be compared; messages name the folder, not its path on the server.
    """
    folder = offered_folder(catalog, name)
    try:
        return comparison_data(str(folder), metric, baseline, scenarios, at)
    except (UsageError, ValueError, OSError) as error:
        raise UsageError(without_paths(str(error), catalog, name)) from None


def offered_folder(catalog: ResultsCatalog, name: object) -> Path:
    """The folder behind an offered results folder name.

    Raises:
        UsageError: `name` was not offered (the same message whatever it is).
    """
    try:
        return catalog.path(name)
    except NotOfferedError as error:
        raise UsageError(str(error)) from None


def without_paths(text: str, catalog: ResultsCatalog, name: str) -> str:
    """A message about results folder `name` with its server-side location taken out."""
    folder = catalog.folder / name
    return text.replace(str(folder), name).replace(f"{catalog.folder}{os.sep}", "")


def shown_differences(data: ComparisonData) -> pd.DataFrame:
    """The difference table as the page shows it: readable columns, rounded, shares in %."""
    table = data.differences
    if table.empty:
        return table
    shown = pd.DataFrame(
        {
            "scenario": table["scenario"],
            "design point": table["design_point"],
            "week": table["step"],
            "pairs": table["pairs"],
            "difference": table["mean"].round(TABLE_DIGITS),
            "95% low": table["low"].round(TABLE_DIGITS),
            "95% high": table["high"].round(TABLE_DIGITS),
            "seeds > 0": (100 * table["share_positive"]).round().astype(int).astype(str) + "%",
            "seeds < 0": (100 * table["share_negative"]).round().astype(int).astype(str) + "%",
        }
    )
    if shown["design point"].nunique() == 1:
        shown = shown.drop(columns="design point")
    return shown.reset_index(drop=True)
