# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The Compare tab's Discover view: where in a swept batch a claim fails, as boxes.

Over an offered results folder holding a swept batch, the view marks the design points where
one of the essay's claims fails (or holds), or where a metric crosses a threshold, and finds
the boxes of parameter ranges that hold most of them with EMA Workbench's PRIM, through the
same functions as ``run.py discover`` (`experiments.discover`). Each box shows its coverage,
density and restricted ranges, and its representative runs (the design points inside it with
their seeds); a button opens a run of the box on the Live tab (replicate 0 of a design point,
whose seed the live session's seed gives: `experiments.discover_replay.replay_config`).

`discovery_of` is the view's plain-Python core. Every choice the browser sends is checked
against what the page offered before it reaches the discovery code; a bad folder (no sweep)
or a threshold that no point crosses gives one line, naming the folder, not its path.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from dashboards.catalog import ResultsCatalog
from dashboards.compare_data import (
    TABLE_DIGITS,
    metric_choices,
    metric_from_label,
    offered_folder,
    without_paths,
)
from dashboards.help import WithHelp
from dashboards.metric_labels import metric_label
from dashboards.registry import touch_seat
from experiments.claims import CLAIMS
from experiments.discover_boxes import Box
from experiments.discover_replay import Replay
from experiments.discovery import Discovery
from experiments.errors import UsageError

A_METRIC = "a metric past a threshold"
"""The claim list's last entry: mark points by a metric instead of a claim."""

NO_BASELINE = "(none: the scenario itself)"
"""The first entry of the baseline list: read the metric in the scenario, not paired."""

SIDES = ("below", "above")
"""Which side of the threshold marks a point."""

RUNS_SHOWN = 12
"""Representative runs listed per box (the CSV of ``run.py discover`` has them all)."""


@dataclass(frozen=True)
class Question:
    """What the Discover view asks, as the browser chose it (checked by `discovery_of`).

    Attributes:
        claim: a claim's name, or `A_METRIC`.
        holds: mark the points where the claim holds, not where it fails.
        metric: a metric's readable name (with `A_METRIC`).
        side: ``below`` or ``above`` (with `A_METRIC`).
        threshold: the threshold (with `A_METRIC`).
        scenario: the scenario read (with `A_METRIC`; empty: the first).
        baseline: the scenario subtracted on the same seeds (with `A_METRIC`; empty: none).
        week: the week read (None: the claim's week, else the last).
    """

    claim: str = ""
    holds: bool = False
    metric: str = ""
    side: str = "below"
    threshold: float | None = None
    scenario: str = ""
    baseline: str = ""
    week: int | None = None


def claim_options(scenarios: list[str]) -> list[str]:
    """The claims a batch with `scenarios` can test, then `A_METRIC`."""
    return [c.name for c in CLAIMS if c.applies_to(scenarios)] + [A_METRIC]


def swept_scenarios(catalog: ResultsCatalog, name: str) -> list[str]:
    """The scenarios of the offered swept batch `name`.

    Raises:
        UsageError: `name` not offered, not a results folder, or a batch without a sweep.
    """
    from experiments.discover_marks import require_sweep
    from experiments.store import open_results

    folder = offered_folder(catalog, name)
    try:
        results = open_results(folder)
        require_sweep(results)
    except (UsageError, ValueError, OSError) as error:
        raise UsageError(without_paths(str(error), catalog, name)) from None
    return results.scenarios


def discovery_of(catalog: ResultsCatalog, name: str, question: Question) -> Discovery:
    """Scenario discovery (PRIM) over the offered results folder `name`.

    Raises:
        UsageError: a folder not offered or without a sweep, a choice not offered, or a
            threshold that no design point crosses (one line, without the server's paths).
    """
    from experiments.discover import claim_target, discover, metric_target
    from experiments.store import open_results

    folder = offered_folder(catalog, name)
    try:
        results = open_results(folder)
        scenarios = results.scenarios
        claims = claim_options(scenarios)
        if question.claim not in claims:
            raise UsageError(f"claim: expected one of {', '.join(claims)}")
        if question.week is not None and not _whole(question.week):
            raise UsageError("week: expected a whole number of weeks")
        if question.claim != A_METRIC:
            target = claim_target(results, question.claim, question.week, holds=question.holds)
        else:
            metric = metric_from_label(question.metric)
            if question.side not in SIDES:
                raise UsageError("threshold: expected below or above")
            threshold = question.threshold
            if not isinstance(threshold, int | float) or not math.isfinite(threshold):
                raise UsageError("threshold: expected a number")
            for field, value in (("scenario", question.scenario), ("baseline", question.baseline)):
                if value and value not in scenarios:
                    raise UsageError(f"{field}: expected one of {', '.join(scenarios)}")
            target = metric_target(
                results,
                metric,
                below=float(threshold) if question.side == "below" else None,
                above=float(threshold) if question.side == "above" else None,
                scenario=question.scenario or None,
                baseline=question.baseline or None,
                at=question.week,
            )
        return discover(results, target)
    except (UsageError, ValueError, OSError) as error:
        text = without_paths(str(error), catalog, name)
        raise UsageError(text.replace("--", "")) from None


def marked_description(discovery: Discovery) -> str:
    """What the marked design points are, in words, and how many there are."""
    target, marked = discovery.marked.target, discovery.marked
    value = metric_label(target.metric)
    if target.baseline is not None:
        value += f" in {target.scenario} minus {target.baseline}"
    else:
        value += f" in {target.scenario}"
    side = f"below {target.below:g}" if target.below is not None else f"above {target.above:g}"
    what = f"{value} in week {target.step} {side}"
    if target.claim is not None:
        verb = "holds" if target.holds else "fails"
        what = f"where the claim {target.claim.name} {verb} ({what})"
    return f"Marked: {marked.count} of {len(marked.points)} design points, {what}."


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def boxes_table(discovery: Discovery) -> pd.DataFrame:
    """One row per box: coverage, density, mass, points, marked points, restricted ranges."""
    rows = [
        {
            "box": box.number,
            "coverage": round(box.coverage, 3),
            "density": round(box.density, 3),
            "mass": round(box.mass, 3),
            "design points": box.points,
            "marked": box.marked,
            "restricted ranges": "; ".join(restricted_ranges(box)) or "none",
        }
        for box in discovery.boxes
    ]
    return pd.DataFrame(rows)


def restricted_ranges(box: Box) -> list[str]:
    """The box's restricted parameters as ``name: low to high (of sweep_low to sweep_high)``."""
    limits = box.limits[box.limits["restricted"]]
    return [
        f"{row.parameter}: {_num(row.low)} to {_num(row.high)} "
        f"(swept {_num(row.sweep_low)} to {_num(row.sweep_high)})"
        for row in limits.itertuples()
    ]


def _num(value: float) -> str:
    return f"{value:.4g}"


def box_runs(discovery: Discovery, box: Box) -> pd.DataFrame:
    """The representative runs of `box`: its design points with seeds, the replayed one first."""
    runs = discovery.representatives()
    runs = runs[runs["box"] == box.number].drop(columns="box")
    runs = runs.sort_values(["design_point", "replicate"], kind="stable")
    runs = runs.sort_values("replayed", ascending=False, kind="stable")
    numbers = runs.select_dtypes("float").columns
    runs[numbers] = runs[numbers].round(TABLE_DIGITS)
    return runs.rename(columns={"design_point": "design point"}).reset_index(drop=True)


def live_replay(discovery: Discovery, box: Box) -> Replay:
    """Replicate 0 of the box's representative design point: the run the Live tab opens."""
    return discovery.replay(box.number, box.replay_point, replicate=0)


@solara.component
def QuestionFields(scenarios: list[str], question: solara.Reactive) -> solara.Element:
    """The fields of the question: a claim (or a metric, side and threshold) and a week."""
    asked: Question = question.value

    def update(**changes: Any) -> None:
        question.set(Question(**{**asked.__dict__, **changes}))

    claims = claim_options(scenarios)
    with solara.Column(gap="4px") as main:
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            with WithHelp("claim"):
                solara.Select(
                    "Claim",
                    values=claims,
                    value=asked.claim if asked.claim in claims else None,
                    on_value=lambda v: update(claim=v),
                )
            if asked.claim and asked.claim != A_METRIC:
                with WithHelp("claim_holds"):
                    solara.Checkbox(
                        label="mark where it holds (not where it fails)",
                        value=asked.holds,
                        on_value=lambda v: update(holds=bool(v)),
                    )
            with WithHelp("discover_week"):
                solara.InputInt(
                    "Week (empty: the claim's, else the last)",
                    value=asked.week,
                    optional=True,
                    continuous_update=True,
                    on_value=lambda v: update(week=v),
                )
        if asked.claim == A_METRIC:
            with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
                with WithHelp("discover_metric"):
                    solara.Select(
                        "Metric",
                        values=list(metric_choices()),
                        value=asked.metric or None,
                        on_value=lambda v: update(metric=v),
                    )
                with WithHelp("threshold_side"):
                    solara.ToggleButtonsSingle(
                        value=asked.side, values=list(SIDES), on_value=lambda v: update(side=v)
                    )
                with WithHelp("threshold"):
                    solara.InputFloat(
                        "Threshold",
                        value=asked.threshold,
                        optional=True,
                        continuous_update=True,
                        on_value=lambda v: update(threshold=v),
                    )
                with WithHelp("discover_scenario"):
                    solara.Select(
                        "Scenario",
                        values=scenarios,
                        value=asked.scenario or scenarios[0],
                        on_value=lambda v: update(scenario=v),
                    )
                with WithHelp("paired_against"):
                    solara.Select(
                        "Paired against",
                        values=[NO_BASELINE, *scenarios],
                        value=asked.baseline or NO_BASELINE,
                        on_value=lambda v: update(baseline="" if v == NO_BASELINE else v),
                    )
    return main


@solara.component
def BoxCard(
    discovery: Discovery, box: Box, open_run: Callable[[Replay], None] | None
) -> solara.Element:
    """One box: its statistics, restricted ranges, representative runs and a run to open."""
    title = (
        f"Box {box.number}: coverage {box.coverage:.0%}, density {box.density:.0%}, "
        f"{box.points} design points ({box.marked} marked)"
    )
    with solara.Card(title, margin=0, classes=["discover-box"]) as main:
        ranges = restricted_ranges(box)
        solara.Markdown(
            "Restricted: " + ("; ".join(ranges) if ranges else "no parameter (the whole sweep)")
        )
        runs = box_runs(discovery, box)
        solara.DataFrame(runs.head(RUNS_SHOWN), items_per_page=RUNS_SHOWN)
        if open_run is not None and box.replay_point is not None and discovery.results.manifest:
            try:
                replay = live_replay(discovery, box)
            except UsageError:
                replay = None
            if replay is not None:
                with WithHelp("open_box"):
                    solara.Button(
                        f"Open design point {replay.design_point} (seed {replay.seed}) "
                        "on the Live tab",
                        color="primary",
                        on_click=lambda: open_run(replay),
                        attributes={"data-testid": f"open-box-{box.number}"},
                    )
    return main


@solara.component
def DiscoverView(
    catalog: ResultsCatalog, folder: str | None, open_run: Callable[[Replay], None] | None
) -> solara.Element:
    """Choose a claim or a metric and threshold, run PRIM, see the boxes and their runs."""
    question = solara.use_reactive(Question())
    found = solara.use_reactive(None)
    problem = solara.use_reactive("")
    solara.use_effect(touch_seat, [question.value])

    def forget() -> None:
        found.set(None)
        problem.set("")

    solara.use_effect(forget, [folder])

    scenarios, unusable = [], ""
    if folder:
        try:
            scenarios = swept_scenarios(catalog, folder)
        except UsageError as error:
            unusable = str(error)

    def run() -> None:
        try:
            found.set(discovery_of(catalog, folder or "", question.value))
            problem.set("")
        except UsageError as error:
            found.set(None)
            problem.set(str(error))

    with solara.Column(gap="12px") as main:
        solara.Markdown(
            "Where in a swept batch does a claim fail? PRIM (EMA Workbench) finds the boxes of "
            "parameter ranges that hold most of the marked design points, as `run.py discover` "
            "does. Coverage: the share of marked points inside a box; density: the share of "
            "a box's points that are marked."
        )
        if unusable:
            solara.Error(unusable)
        elif folder:
            QuestionFields(scenarios, question)
            with WithHelp("find_boxes"):
                solara.Button("Find the boxes", color="primary", on_click=run)
            if problem.value:
                solara.Error(problem.value)
            discovery: Discovery | None = found.value
            if discovery is not None:
                solara.Text(marked_description(discovery), style={"font-size": "13px"})
                if not discovery.boxes:
                    solara.Info("No box reaches the chosen density: no region to show.")
                else:
                    solara.DataFrame(boxes_table(discovery), items_per_page=10)
                    for box in discovery.boxes:
                        BoxCard(discovery, box, open_run)
    return main
