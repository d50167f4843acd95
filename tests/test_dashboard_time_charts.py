"""The time charts on synthetic snapshots: pinned runs per bloc, the close-up axis, changes.

A baseline session after 8 weeks (the adversary forced to walk away from week 5) gives a
snapshot; its tables are shifted or replaced (`dataclasses.replace`) to make the cases.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from dashboardkit import BASELINE
from test_dashboard_look import every_spec, walk
from test_dashboard_views import assert_valid_vega_lite

from dashboards.snapshot import pin


@pytest.fixture(scope="module")
def stepped():
    """A baseline session after 8 weeks, the adversary walking away from week 5."""
    from agents.actions import Action
    from dashboards.session import DashboardSession

    session = DashboardSession.open(BASELINE)
    session.step(4)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(4)
    return session


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
    assert kinds == {"s"}
    assert "Pinned" not in spec["description"]
    assert any(node.get("type") == "line" for node in walk(spec))
