"""`run.py discover`: PRIM and CART recover planted boxes; replays are exact; bad input is one line.

The planted folders are synthetic (tests/batchkit.py `write_checked_folder`): a claim's paired
difference is set by known parameter ranges, so the box that PRIM must find is known.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from batchkit import batch_in_process, small_config, swept_config, write_checked_folder

import run
from experiments.design import lhs_unit
from experiments.discover_boxes import choose
from experiments.errors import UsageError
from experiments.store import open_results
from model.model import OUTPUT_COLUMNS

FIRST, SECOND, FREE = (
    "dynamics.strength_orientation_mean",
    "dynamics.evidence.walk_away.faith",
    "dynamics.event_rate",
)
BOUNDS = {FIRST: (0.25, 0.75), SECOND: (-1.0, 0.0), FREE: (0.25, 0.75)}
PLANTED = {FIRST: (0.25, 0.45), SECOND: (-0.5, 0.0)}
"""The claim fails where both parameters lie in these ranges, and only there."""
SCENARIOS = {
    "both_engage": None,
    "adversary_walks": {"adversary": {"strategy": "walk_away_at", "at": 2}},
}


def _planted_folder(folder: Path, samples: int = 300, replicates: int = 2) -> pd.DataFrame:
    """A swept folder in which burden_shift fails inside `PLANTED` (difference -0.02).

    Outside it the claim holds (+0.03); burden_shift_blame holds everywhere (+0.1), and
    legitimacy_adversary is the first parameter itself.
    """
    unit = lhs_unit(samples, 3, seed=11)
    points = [
        {p: lo + u * (hi - lo) for p, u, (lo, hi) in zip(BOUNDS, row, BOUNDS.values(), strict=True)}
        for row in unit
    ]
    seeds = {r: 1000 + r for r in range(replicates)}
    rows = []
    for scenario in SCENARIOS:
        for d, point in enumerate(points):
            inside = all(lo <= point[p] <= hi for p, (lo, hi) in PLANTED.items())
            for r, seed in seeds.items():
                gain = (-0.02 if inside else 0.03) + 0.001 * (r - 0.5)
                level = 0.4 + (gain if scenario == "adversary_walks" else 0.0)
                for step in (0, 4):
                    value = 0.4 if step == 0 else level
                    rows.append(
                        {
                            "scenario": scenario,
                            "design_point": d,
                            "replicate": r,
                            "seed": seed,
                            **point,
                            "step": step,
                            **{c: 0.0 for c in OUTPUT_COLUMNS if c not in ("step",)},
                            "legitimacy_negotiator": value,
                            "legitimacy_adversary": point[FIRST],
                            "blame_adversary": 0.6 if level != 0.4 and step else 0.5,
                        }
                    )
    frame = pd.DataFrame(rows)
    for column in ("action_negotiator", "action_adversary"):
        frame[column] = "engage"
    config = small_config(
        "planted",
        replications=replicates,
        steps=4,
        scenarios=SCENARIOS,
        sweep={
            "method": "lhs",
            "samples": samples,
            "parameters": {p: {"min": lo, "max": hi} for p, (lo, hi) in BOUNDS.items()},
        },
    )
    manifest = {
        "name": "planted",
        "config": config,
        "scenarios": list(SCENARIOS),
        "steps": 4,
        "method": "lhs",
        "parameters": list(BOUNDS),
        "design_points": points,
        "seed_plan": {str(r): s for r, s in seeds.items()},
    }
    write_checked_folder(folder, manifest, {"timeseries": frame})
    return pd.DataFrame(points)


def _discover(*args: str, capsys) -> tuple[int, str, str]:
    status = run.main(["discover", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _limits(out: Path, box: int = 1) -> pd.DataFrame:
    table = pd.read_csv(out / "box_limits.csv")
    return table[table["box"] == box].set_index("parameter")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("planted")
    _planted_folder(folder)
    return folder


@pytest.mark.parametrize("method", ["prim", "cart"])
def test_discover_recovers_a_planted_box(planted, tmp_path, capsys, method):
    out = tmp_path / method
    args = ["--claim", "burden_shift", "--method", method, "--out", str(out)]
    status, text, err = _discover(str(planted), *args, capsys=capsys)
    assert status == 0, err
    boxes = pd.read_csv(out / "boxes.csv")
    first = boxes.iloc[0]
    assert first["coverage"] >= 0.9 and first["density"] >= 0.9
    limits = _limits(out)
    assert bool(limits.loc[FIRST, "restricted"]) and bool(limits.loc[SECOND, "restricted"])
    assert not bool(limits.loc[FREE, "restricted"])
    span = {p: hi - lo for p, (lo, hi) in BOUNDS.items()}
    for parameter, (low, high) in PLANTED.items():
        assert abs(limits.loc[parameter, "low"] - low) <= 0.05 * span[parameter]
        assert abs(limits.loc[parameter, "high"] - high) <= 0.05 * span[parameter]
    scores = pd.read_csv(out / "feature_scores.csv").set_index("parameter")["marked"]
    assert scores[FREE] < min(scores[FIRST], scores[SECOND])
    assert f"box 1 ({method.upper()}" in text and "coverage" in text
    for name in ("points", "representatives", "feature_scores", "box_limits"):
        assert (out / f"{name}.csv").exists()
    assert (out / "box_limits.png").exists() and (out / "replay_box1.yaml").exists()
    assert (out / "peeling_trajectory.png").exists() == (method == "prim")


def test_prim_trajectory_and_representatives_agree_with_the_marks(planted, tmp_path, capsys):
    out = tmp_path / "d"
    status, _, err = _discover(
        str(planted), "--claim", "burden_shift", "--out", str(out), capsys=capsys
    )
    assert status == 0, err
    trajectory = pd.read_csv(out / "peeling_trajectory.csv")
    first = trajectory[trajectory["box"] == 1]
    assert first["chosen"].sum() == 1 and first["res_dim"].iloc[0] == 0
    assert first["coverage"].iloc[0] == 1.0  # the whole sweep holds every marked point
    points = pd.read_csv(out / "points.csv").set_index("design_point")
    inside = np.ones(len(points), dtype=bool)
    for p, (lo, hi) in PLANTED.items():
        inside &= (points[p] >= lo) & (points[p] <= hi)
    assert (points["marked"] == inside).all()
    runs = pd.read_csv(out / "representatives.csv")
    box = runs[runs["box"] == 1]
    assert set(box["seed"]) == {1000, 1001} and (box.groupby("design_point").size() == 2).all()
    assert box["marked"].mean() >= 0.9
    assert box["replayed"].sum() == 2  # both seeds of the replayed design point


def test_metric_threshold_paired_or_in_one_scenario(planted, tmp_path, capsys):
    out = tmp_path / "m"
    status, _, err = _discover(
        str(planted), "--metric", "legitimacy_adversary", "--scenario", "adversary_walks",
        "--above", "0.6", "--out", str(out), capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    limits = _limits(out)
    assert limits.loc[FIRST, "low"] == pytest.approx(0.6, abs=0.03)
    assert not limits.loc[[SECOND, FREE], "restricted"].any()
    out = tmp_path / "p"
    status, _, err = _discover(
        str(planted), "--metric", "legitimacy_negotiator", "--scenario", "adversary_walks",
        "--baseline", "both_engage", "--below", "0", "--out", str(out), capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    marked = pd.read_csv(out / "points.csv")["marked"]
    claim = pd.read_csv(tmp_path / "m" / "points.csv")  # same design points
    assert len(marked) == len(claim) and 0 < marked.sum() < len(marked)


class _FakeBox:
    """The part of an EMA PrimBox that dropping restrictions uses."""

    def __init__(self, qp: dict[str, list[float]]) -> None:
        self.p_values = [qp]
        self.peeling_trajectory = [0]

    def drop_restriction(self, name: str, i: int) -> None:
        self.p_values.append({k: v for k, v in self.p_values[i].items() if k != name})
        self.peeling_trajectory.append(len(self.peeling_trajectory))


def test_restrictions_that_could_be_chance_are_dropped_least_likely_first():
    from experiments.discover_boxes import drop_chance_restrictions

    box = _FakeBox({"a": [0.001, -1.0], "b": [0.4, -1.0], "c": [-1.0, 0.2], "d": [0.03, 0.04]})
    assert drop_chance_restrictions(box, 0, 0.05) == (2, ["b", "c"])
    lone = _FakeBox({"a": [0.3, -1.0]})
    assert drop_chance_restrictions(lone, 0, 0.05) == (0, [])  # one restriction stays
    assert drop_chance_restrictions(_FakeBox({"a": [0.3], "b": [0.2]}), 0, 1.0) == (0, [])


def test_choose_takes_the_most_covering_dense_box_or_else_the_densest():
    trajectory = pd.DataFrame(
        {
            "coverage": [1.0, 1.0, 0.9, 0.6],
            "density": [0.3, 0.7, 0.85, 0.95],
            "res_dim": [0, 1, 2, 2],
        }
    )
    assert choose(trajectory, 0.8) == (2, True)
    assert choose(trajectory, 0.9) == (3, True)
    assert choose(trajectory, 0.99) == (3, False)


@pytest.fixture(scope="module")
def real_batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("real")
    config = swept_config(
        {
            FIRST: {"min": 0.25, "max": 0.75},
            "dynamics.network_degree": {"min": 3, "max": 8},
        }
    )
    batch_in_process(config, folder, workers=1)
    return folder / "swept"


def test_a_box_offers_any_of_its_runs_to_replay(real_batch):
    from experiments.discover import discover, metric_target
    from experiments.runner import simulate
    from model.config import load_config

    results = open_results(real_batch)
    target = metric_target(results, "legitimacy_negotiator", above=0.0, scenario="adversary_walks")
    found = discover(results, target)  # nothing written
    box = found.boxes[0]
    other = box.members[-1]
    replay = found.replay(box.number, design_point=other, replicate=1)
    assert replay.seed == results.seed_plan[1] and replay.scenario == "adversary_walks"
    spec = load_config(replay.config).scenario_spec(replay.scenario)
    rows = simulate(spec, replay.seed, replay.config["steps"]).timeseries
    original = results.timeseries(["legitimacy_negotiator"])
    original = original[
        (original["scenario"] == "adversary_walks")
        & (original["design_point"] == other)
        & (original["replicate"] == 1)
    ]
    np.testing.assert_array_equal(rows["legitimacy_negotiator"], original["legitimacy_negotiator"])
    with pytest.raises(UsageError, match="box: expected one of"):
        found.replay(99)


def test_replay_config_gives_the_same_rows_with_batch_and_run(real_batch, tmp_path, capsys):
    results = open_results(real_batch)
    points = results.timeseries(["legitimacy_negotiator"], filters=[("step", "==", 12)])
    walks = points[points["scenario"] == "adversary_walks"]
    threshold = float(walks.groupby("design_point")["legitimacy_negotiator"].mean().median())
    out = tmp_path / "d"
    status, _, err = _discover(
        str(real_batch), "--metric", "legitimacy_negotiator", "--scenario", "adversary_walks",
        "--below", f"{threshold}", "--out", str(out), capsys=capsys,
    )  # fmt: skip
    assert status == 0, err
    replay = out / "replay_box1.yaml"
    config = yaml.safe_load(replay.read_text())
    point = int(pd.read_csv(out / "boxes.csv")["replay_point"].iloc[0])
    assert "sweep" not in config and list(config["scenarios"]) == ["adversary_walks"]
    columns = ["scenario", "replicate", "seed", *OUTPUT_COLUMNS]
    original = results.timeseries()
    original = original[
        (original["design_point"] == point) & (original["scenario"] == "adversary_walks")
    ][columns].reset_index(drop=True)
    assert run.main(["batch", str(replay), "--out", str(tmp_path / "b"), "--workers", "1"]) == 0
    replayed = open_results(tmp_path / "b" / config["name"]).timeseries()[columns]
    pd.testing.assert_frame_equal(original, replayed, check_exact=True)
    single = tmp_path / "single"
    assert run.main(["run", str(replay), "--out", str(single)]) == 0  # replicate 0's seed
    capsys.readouterr()
    first = pd.read_parquet(single / "run.parquet")[list(OUTPUT_COLUMNS)]
    zero = original[original["replicate"] == 0][list(OUTPUT_COLUMNS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(_plain(zero), _plain(first), check_exact=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Action columns as plain objects, a missing action as None (Parquet readers differ)."""
    out = frame.copy()
    for column in ("action_negotiator", "action_adversary"):
        out[column] = [None if pd.isna(v) else str(v) for v in out[column]]
    return out


def _no_sweep_folder(folder: Path) -> Path:
    keys = {"scenario": "both_engage", "design_point": 0, "replicate": 0, "seed": 1}
    frame = pd.DataFrame({**keys, "step": [0, 1], "legitimacy_negotiator": 0.4})
    manifest = {"name": "flat", "scenarios": ["both_engage"], "method": None, "parameters": []}
    write_checked_folder(folder, manifest, {"timeseries": frame})
    return folder


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--claim", "no_such_claim"], "--claim: expected one of burden_shift"),
        (["--claim", "talks_inform"], "--claim talks_inform: compares scenarios talks"),
        (["--metric", "popularity", "--below", "0.1"], "--metric: expected one of"),
        (["--metric", "legitimacy_negotiator"], "expected one threshold"),
        (["--metric", "legitimacy_adversary", "--below", "-5"], "no design point crosses it"),
        (["--metric", "legitimacy_adversary", "--above", "0.1", "--scenario", "x"], "--scenario"),
        (["--claim", "burden_shift", "--at", "99"], "--at: expected a step from 0 to 4"),
        (["--claim", "burden_shift", "--below", "0"], "--below/--above: go with --metric"),
        (["--claim", "burden_shift", "--min-density", "2"], "--min-density"),
        (["--claim", "burden_shift", "--max-qp", "0"], "--max-qp: expected a number in (0, 1]"),
        (["--metric", "legitimacy_negotiator", "--above", "0", "--holds"], "--holds: goes with"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(planted, tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    status, text, err = _discover(str(planted), *args, "--out", str(out), capsys=capsys)
    assert status == 2 and text == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_a_claim_that_holds_everywhere_and_a_folder_without_a_sweep_are_refused(tmp_path, capsys):
    folder = tmp_path / "planted"
    points = _planted_folder(folder, samples=40)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(points) == 40 and manifest["method"] == "lhs"
    status, _, err = _discover(str(folder), "--claim", "burden_shift_blame", capsys=capsys)
    assert status == 2 and "holds at every one of the 40 design points" in err
    assert err.count("\n") == 1
    flat = _no_sweep_folder(tmp_path / "flat")
    status, _, err = _discover(str(flat), "--claim", "burden_shift", capsys=capsys)
    assert status == 2 and "the batch has no sweep" in err and err.count("\n") == 1


def test_report_and_model_card_show_the_boxes_of_the_claims(planted, real_batch, tmp_path, capsys):
    from experiments.discover_report import card_markdown, report_html

    section = report_html(planted, tmp_path)
    assert "Where the claims fail" in section and "<h3>burden_shift</h3>" in section
    assert "burden_shift_blame at step 4: the claim holds at every one" in section
    assert "data:image/png;base64," in section
    choices = (("burden_shift", None, False), ("burden_shift_blame", 4, False))
    card = card_markdown(planted, choices)
    rows = [line for line in card.splitlines() if line.startswith("| burden_shift at step 4")]
    assert len(rows) == 1 and FREE not in rows[0]
    points = json.loads((planted / "manifest.json").read_text())["design_points"]
    inside = sum(all(lo <= p[k] <= hi for k, (lo, hi) in PLANTED.items()) for p in points)
    assert f"`{FIRST}`" in rows[0] and f"`{SECOND}`" in rows[0]
    assert f"| {inside} of {len(points)} (fails) |" in rows[0]
    holds = card_markdown(planted, (("burden_shift", 4, True),))
    assert f"| {len(points) - inside} of {len(points)} (holds) |" in holds
    assert "burden_shift_blame at step 4: the claim holds at every one of the 300" in card
    target = tmp_path / "report.html"
    assert run.main(["report", str(real_batch), "--out", str(target)]) == 0
    assert "Where the claims fail (scenario discovery)" in target.read_text()
    capsys.readouterr()


def test_model_card_shows_the_boxes_of_its_chosen_claims():
    from experiments.discover_report import CARD_CLAIMS
    from tools.model_card import sections as model_card

    card = model_card.MODEL_CARD.read_text(encoding="utf-8")
    block = card.split(model_card.begin_marker("discover"), 1)[1]
    block = block.split(model_card.end_marker("discover"), 1)[0]
    for name, step, holds in CARD_CLAIMS:
        verb = "holds" if holds else "fails"
        row = f"| {name} at step {step} |"
        note = f"{name} at step {step}: the claim {'fails' if holds else 'holds'} at every one"
        assert row in block or note in block, name
        if row in block:
            line = next(line for line in block.splitlines() if line.startswith(row))
            assert f"({verb}) |" in line
