"""The Compare tab's Discover view: boxes of a real small swept batch, runs opened on the Live tab.

The batch is real (tests/batchkit.py, 8 design points, 2 replicates, 12 weeks, 40 observers), so
that a box's run opened in a live session can be checked against the batch's own rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import ipyvuetify
import numpy as np
import pytest
import solara
from batchkit import batch_in_process, small_config, swept_config

from dashboards.catalog import RESULTS_ENV, ResultsCatalog
from dashboards.compare_page import ComparePage
from dashboards.discover_page import (
    A_METRIC,
    Question,
    box_runs,
    boxes_table,
    claim_options,
    discovery_of,
    live_replay,
    restricted_ranges,
)
from dashboards.session import DashboardSession
from experiments.errors import UsageError
from experiments.store import open_results

SWEPT = ("dynamics.strength_orientation_mean", "dynamics.network_degree")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A results root holding a swept batch (`swept`) and a batch without a sweep (`flat`)."""
    folder = tmp_path_factory.mktemp("results")
    swept = swept_config({SWEPT[0]: {"min": 0.25, "max": 0.75}, SWEPT[1]: {"min": 3, "max": 8}})
    batch_in_process(swept, folder, workers=1)
    batch_in_process(small_config("flat", replications=2, steps=6, observers=30), folder)
    return folder


def median_threshold(folder: Path) -> float:
    frame = open_results(folder).timeseries(["legitimacy_negotiator"], [("step", "==", 12)])
    walks = frame[frame["scenario"] == "adversary_walks"]
    return float(walks.groupby("design_point")["legitimacy_negotiator"].mean().median())


def metric_question(threshold: float, side: str = "above") -> Question:
    return Question(
        claim=A_METRIC,
        metric="Legitimacy of N",
        side=side,
        threshold=threshold,
        scenario="adversary_walks",
    )


def test_the_view_finds_boxes_with_their_ranges_and_representative_runs(root):
    catalog = ResultsCatalog.under(root)
    found = discovery_of(catalog, "swept", metric_question(median_threshold(root / "swept")))
    assert found.boxes and found.marked.count == 4  # half the 8 design points lie above
    table = boxes_table(found)
    assert list(table.columns[:3]) == ["box", "coverage", "density"]
    assert ((table["coverage"] > 0) & (table["coverage"] <= 1)).all()
    box = found.boxes[0]
    for line in restricted_ranges(box):
        assert line.split(":")[0] in SWEPT and "swept" in line
    runs = box_runs(found, box)
    seeds = open_results(root / "swept").seed_plan
    assert set(runs["design point"]) == set(box.members)
    assert all(seeds[r] == s for r, s in zip(runs["replicate"], runs["seed"], strict=True))
    assert bool(runs["replayed"].iloc[0])  # the representative design point comes first
    assert claim_options(["both_engage", "adversary_walks"])[-1] == A_METRIC


def test_a_box_run_opens_in_a_live_session_exactly_as_the_batch_ran_it(root):
    catalog = ResultsCatalog.under(root)
    found = discovery_of(catalog, "swept", metric_question(median_threshold(root / "swept")))
    replay = live_replay(found, found.boxes[0])
    session = DashboardSession.open(Path(__file__).resolve().parents[1] / "configs/baseline.yaml")
    assert session.open_replay(replay.config, replay.scenario)
    assert session.run.seed == replay.seed and session.config_path is None
    session.step(12)
    live = session.run.tables().timeseries["legitimacy_negotiator"].to_numpy()
    batch = open_results(root / "swept").timeseries(["legitimacy_negotiator"])
    batch = batch[
        (batch["scenario"] == replay.scenario)
        & (batch["design_point"] == replay.design_point)
        & (batch["replicate"] == 0)
    ]
    np.testing.assert_array_equal(live, batch["legitimacy_negotiator"].to_numpy())
    assert not session.open_replay(replay.config, "no_such_scenario")
    assert session.problems and session.run.seed == replay.seed  # the run is kept


@pytest.mark.parametrize(
    ("name", "question", "expected"),
    [
        ("flat", Question(claim="burden_shift"), "flat: the batch has no sweep"),
        ("swept", metric_question(99.0), "above 99: no design point crosses it"),
        ("swept", Question(claim="/etc/passwd"), "claim: expected one of burden_shift"),
        ("swept", Question(claim=A_METRIC, metric="x", threshold=0.1), "metric: expected one"),
        ("swept", metric_question(float("nan")), "threshold: expected a number"),
        ("swept", Question(claim="burden_shift", week=999), "at: expected a step from 0 to 12"),
        ("../swept", Question(claim="burden_shift"), "results folder: expected one of"),
    ],
)
def test_bad_choices_give_one_line_without_the_server_paths(root, name, question, expected):
    with pytest.raises(UsageError) as refused:
        discovery_of(ResultsCatalog.under(root), name, question)
    text = str(refused.value)
    assert expected in text and "\n" not in text
    assert str(root) not in text and "passwd" not in text and "--" not in text


def test_the_discover_view_lists_boxes_and_opens_a_run(root, tmp_path, monkeypatch):
    shutil.copytree(root / "swept", tmp_path / "swept")
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    opened = []
    _, rc = solara.render(ComparePage(None, opened.append), handle_error=False)
    views, *_ = rc.find(ipyvuetify.BtnToggle).widgets
    views.v_model = 1  # the Discover view
    rc.find(ipyvuetify.Select, label="Claim").widget.v_model = A_METRIC
    rc.find(ipyvuetify.Select, label="Metric").widget.v_model = "Legitimacy of N"
    threshold = median_threshold(tmp_path / "swept")
    rc.find(ipyvuetify.TextField, label="Threshold").widget.v_model = str(threshold)
    rc.find(ipyvuetify.Select, label="Scenario").widget.v_model = "adversary_walks"
    _, sides = rc.find(ipyvuetify.BtnToggle).widgets
    sides.v_model = 1  # above
    rc.find(ipyvuetify.Btn, children=["Find the boxes"]).widget.click()
    assert rc.find(ipyvuetify.Alert).widgets == []
    cards = [c for c in rc.find(ipyvuetify.Card).widgets if "discover-box" in (c.class_ or "")]
    assert cards
    (first,) = [
        b
        for b in rc.find(ipyvuetify.Btn).widgets
        if (b.attributes or {}).get("data-testid") == "open-box-1"
    ]
    first.click()
    (replay,) = opened
    assert replay.scenario == "adversary_walks" and replay.replicate == 0
    manifest = json.loads((tmp_path / "swept" / "manifest.json").read_text())
    assert replay.seed == int(manifest["seed_plan"]["0"])


def test_every_threshold_between_the_points_gives_boxes_or_one_line(root):
    """An integer parameter (the network degree) never breaks PRIM's pasting."""
    catalog = ResultsCatalog.under(root)
    frame = open_results(root / "swept").timeseries(["legitimacy_negotiator"], [("step", "==", 12)])
    for scenario in ("both_engage", "adversary_walks"):
        values = np.sort(
            frame[frame["scenario"] == scenario]
            .groupby("design_point")["legitimacy_negotiator"]
            .mean()
            .to_numpy()
        )
        for threshold in (values[1:] + values[:-1]) / 2:
            question = Question(
                claim=A_METRIC,
                metric="Legitimacy of N",
                side="below",
                threshold=float(threshold),
                scenario=scenario,
            )
            found = discovery_of(catalog, "swept", question)
            assert found.marked.count >= 1 and found.boxes
