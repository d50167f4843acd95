"""The time charts on synthetic snapshots: pinned runs per bloc, the close-up axis, changes.

A baseline session after 8 weeks (the adversary forced to walk away from week 5) gives a
snapshot; its tables are shifted or replaced (`dataclasses.replace`) to make the cases.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
from dashboardkit import BASELINE, chart_spec
from test_dashboard_look import every_spec, walk
from test_dashboard_views import assert_valid_vega_lite

from dashboards import views
from dashboards.axes_choice import AXES
from dashboards.charts.kit import change_marks
from dashboards.charts.zoom import MARGIN, close_up_domain
from dashboards.snapshot import action_changes, pin


def pinned_with_blocs(snap, shifts: dict[str, float]):
    """`snap` beside pinned runs whose per-bloc legitimacy of N is shifted, by label."""
    runs = []
    for label, shift in shifts.items():
        blocs = snap.blocs.copy()
        blocs["legitimacy_negotiator"] += shift
        runs.append(pin(dataclasses.replace(snap, blocs=blocs), label, label))
    return dataclasses.replace(snap, pinned=tuple(runs))


def facet_layers(spec: dict) -> list[dict]:
    """The layers drawn in every panel of a faceted chart."""
    return spec["spec"]["layer"]


def of_kind(rows: list[dict], kind: str) -> pd.DataFrame:
    return pd.DataFrame([row for row in rows if row["k"] == kind])


def test_the_bloc_chart_draws_pinned_runs_faded_and_labelled_in_every_panel(stepped):
    snap = stepped.snapshot()
    shifts = {"run 1: A walks": -0.1, "run 2: N walks": 0.1}
    spec = every_spec(pinned_with_blocs(snap, shifts))["blocs"]
    assert_valid_vega_lite(spec)
    rows = spec["datasets"]["series"]
    running, pinned, ends = (of_kind(rows, kind) for kind in ("s", "p", "e"))
    blocs = sorted(snap.blocs["bloc"].unique())
    assert len(running) == len(snap.blocs)
    assert sorted(pinned["run"].unique()) == sorted(shifts)
    for label, shift in shifts.items():
        first = pinned[pinned["run"] == label].sort_values(["bloc", "step"])
        expected = snap.blocs.sort_values(["bloc", "step"])["legitimacy_negotiator"] + shift
        assert np.abs(first["N"].to_numpy() - expected.to_numpy()).max() <= 5e-7
        label_spots = ends[ends["run"] == label]
        assert sorted(label_spots["bloc"]) == blocs and set(label_spots["step"]) == {8}
    layers = facet_layers(spec)
    faded = [layer for layer in layers if "'p'" in layer["transform"][0]["filter"]]
    assert len(faded) == 1 and faded[0]["mark"]["opacity"] < 0.5
    assert faded[0]["encoding"]["detail"]["field"] == "run"
    texts = [layer for layer in layers if layer["mark"]["type"] == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "run"
    assert spec["description"].endswith("Pinned for reference: run 1: A walks; run 2: N walks.")


def test_the_bloc_chart_without_pinned_runs_draws_only_the_run(stepped):
    snap = stepped.snapshot()
    spec = every_spec(snap)["blocs"]
    kinds = {row["k"] for row in spec["datasets"]["series"]}
    assert kinds == {"s", "c"}  # the run and its changes of action
    assert "Pinned" not in spec["description"]
    assert any(node.get("type") == "line" for node in walk(spec))


# --- the close-up axis ---------------------------------------------------------------------------

ZOOMED = {
    "legitimacy": ("legitimacy_negotiator", "legitimacy_adversary"),
    "narrative": ("narrative_share", "blame_adversary"),
}
"""The charts that offer a close-up, with the columns they draw."""


def y_domains(spec: dict) -> list[list[float]]:
    """Every y domain declared in a chart."""
    return [
        node["y"]["scale"]["domain"]
        for node in walk(spec)
        if isinstance(node.get("y"), dict) and "domain" in node["y"].get("scale", {})
    ]


def y_domain(spec: dict) -> tuple[float, float]:
    """The one y domain of a chart (every layer shares it)."""
    domains = {tuple(domain) for domain in y_domains(spec)}
    assert len(domains) == 1, domains
    return domains.pop()


def close_up_spec(snap, key: str) -> dict:
    chart = next(c for c in views.CHARTS if c.key == key)
    return chart.spec(snap, True)


def week(snap, step: int):
    """`snap` as it was at week `step` (its weeks up to then)."""
    timeseries = snap.timeseries[snap.timeseries["step"] <= step]
    return dataclasses.replace(snap, timeseries=timeseries, step=step)


def assert_holds(domain: tuple[float, float], values) -> None:
    values = np.asarray(values, float)
    assert domain[0] <= values.min() and values.max() <= domain[1], (domain, values)


def test_the_close_up_frames_the_start_with_room_for_the_run_s_moves():
    assert close_up_domain([0.42, 0.47], []) == (0.3, 0.6)
    assert close_up_domain([0.42, 0.47], [0.42, 0.47, 0.58]) == (0.3, 0.6)
    assert close_up_domain([0.42, 0.47], [0.62]) == (0.3, 0.65)  # left it: widened
    assert close_up_domain([0.03, 0.97], []) == (0.0, 1.0)  # clamped to the whole scale
    assert close_up_domain([float("nan")], [0.5]) == (0.0, 1.0)


@pytest.mark.parametrize("key", list(ZOOMED))
def test_the_close_up_stays_put_week_by_week_and_holds_every_value(key):
    from agents.actions import Action
    from dashboards.session import DashboardSession

    session = DashboardSession.open(BASELINE)
    domains = []
    for step in range(12):
        if step == 4:
            session.intervene("adversary", Action.WALK_AWAY)
        snap = session.snapshot()
        spec = close_up_spec(snap, key)
        domains.append(y_domain(spec))
        assert_holds(domains[-1], snap.timeseries[list(ZOOMED[key])].to_numpy())
        session.step(1)
    assert set(domains) == {domains[0]}
    start = session.snapshot().timeseries.iloc[0][list(ZOOMED[key])]
    low, high = domains[0]
    assert 0 < high - low < 1
    assert low <= max(0.0, start.min() - MARGIN) and min(1.0, start.max() + MARGIN) <= high


@pytest.mark.parametrize("key", list(ZOOMED))
def test_the_close_up_widens_when_a_value_leaves_it_and_never_narrows(stepped, key):
    snap = stepped.snapshot()
    timeseries = snap.timeseries.copy()
    column = ZOOMED[key][0]
    timeseries[column] = np.clip(timeseries[column] + 0.08 * timeseries["step"], 0, 1)
    drifting = dataclasses.replace(snap, timeseries=timeseries)
    domains = []
    for step in range(snap.step + 1):
        shown = week(drifting, step)
        domains.append(y_domain(close_up_spec(shown, key)))
        assert_holds(domains[-1], shown.timeseries[list(ZOOMED[key])].to_numpy())
    for before, after in itertools.pairwise(domains):
        assert after[0] <= before[0] and before[1] <= after[1]
    assert domains[-1] != domains[0]


@pytest.mark.parametrize("key", list(ZOOMED))
def test_the_close_up_holds_the_pinned_runs_and_the_whole_scale_is_the_default(stepped, key):
    snap = stepped.snapshot()
    timeseries = snap.timeseries.copy()
    timeseries[ZOOMED[key][1]] = 0.02
    pinned = pin(dataclasses.replace(snap, timeseries=timeseries), "low", "low")
    beside = dataclasses.replace(snap, pinned=(pinned,))
    spec = close_up_spec(beside, key)
    assert_valid_vega_lite(spec)
    assert y_domain(spec)[0] == 0.0
    chart = next(c for c in views.CHARTS if c.key == key)
    assert y_domain(chart.spec(snap)) == (0, 1)


def test_the_axes_choice_switches_the_chart_to_its_close_up_and_back(stepped, render):
    import ipyvuetify as v

    chart = next(c for c in views.CHARTS if c.key == "legitimacy")
    rc = render(views.ChartCard(chart, stepped))
    assert y_domain(chart_spec(rc)) == (0, 1)
    toggle = rc.find(v.BtnToggle).widget
    toggle.v_model = AXES.index("close-up")
    zoomed = y_domain(chart_spec(rc))
    assert zoomed != (0, 1)
    assert_holds(zoomed, stepped.snapshot().timeseries[list(ZOOMED["legitimacy"])].to_numpy())
    toggle.v_model = AXES.index("whole scale")
    assert y_domain(chart_spec(rc)) == (0, 1)


# --- changes of action on every chart with a week axis ------------------------------------------


def has_week_axis(spec: dict) -> bool:
    """Whether a chart draws weeks along its x axis."""
    return any(
        isinstance(node.get("x"), dict) and node["x"].get("field") == "step" for node in walk(spec)
    )


def marked_changes(spec: dict) -> list[dict]:
    """The changes of action a chart marks (a faceted chart: those of its first panel)."""
    if "changes" in spec["datasets"]:
        return spec["datasets"]["changes"]
    rows = [row for row in spec["datasets"]["series"] if row.get("k") == "c"]
    first = rows[0]["bloc"] if rows else None
    return [
        {k: v for k, v in row.items() if k not in ("k", "bloc")}
        for row in rows
        if row["bloc"] == first
    ]


def rules(spec: dict) -> list[dict]:
    """The layers of a chart (or of each panel) that draw a rule per change of action."""
    layers = spec.get("layer") or spec["spec"]["layer"]
    return [
        layer
        for layer in layers
        if layer["mark"]["type"] == "rule"
        and layer["encoding"].get("strokeDash", {}).get("field") == "cause"
    ]


def test_every_chart_with_a_week_axis_marks_every_change_of_action(stepped):
    snap = stepped.snapshot()
    events = snap.events.copy()
    negotiator = (events["side"] == "negotiator") & (events["step"] >= 6)
    events.loc[negotiator, "action"] = "walk_away"
    changed = dataclasses.replace(snap, events=events, changes=action_changes(events))
    expected = change_marks(changed)
    assert [(m["step"], m["cause"]) for m in expected] == [(5, "intervention"), (6, "strategy")]
    timed = [key for key, spec in every_spec(changed).items() if has_week_axis(spec)]
    assert {"legitimacy", "narrative", "crisis", "red_line", "blocs"} <= set(timed)
    for key in timed:
        if key == "events":  # the strip draws the actions themselves
            continue
        spec = every_spec(changed)[key]
        assert_valid_vega_lite(spec)
        assert marked_changes(spec) == expected, key
        assert len(rules(spec)) == 1, key
    blocs = every_spec(changed)["blocs"]
    per_bloc = pd.DataFrame([row for row in blocs["datasets"]["series"] if row["k"] == "c"])
    assert (per_bloc.groupby("bloc").size() == len(expected)).all()
    assert set(per_bloc["bloc"]) == set(snap.blocs["bloc"])
