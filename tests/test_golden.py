"""Golden outputs: a fresh simulation reproduces the stored known-good outputs.

When a test here fails because results changed on purpose: bump MODEL_VERSION in
model/version.py, add a CHANGELOG.md entry, and run `python -m tools.golden --write`.
"""

from __future__ import annotations

import io
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from model.version import MODEL_VERSION
from tools import golden


@pytest.fixture(scope="module")
def stored():
    return golden.load_golden()


def test_golden_outputs_carry_the_current_model_version(stored):
    index, _ = stored
    assert index["model_version"] == MODEL_VERSION, (
        f"tests/golden was made by model version {index['model_version']}, but MODEL_VERSION is "
        f"{MODEL_VERSION}. {golden.HOW_TO_UPDATE}"
    )


def test_golden_outputs_are_unchanged():
    problems = golden.check()
    assert not problems, "golden outputs changed:\n" + "\n".join(problems)


def test_index_names_every_run_and_the_tables_hold_exactly_those_runs(stored):
    index, tables = stored
    assert index["steps"] == golden.STEPS and index["observers"] == golden.OBSERVERS
    expected = {(case.name, case.config, case.scenario) for case in golden.CASES}
    assert {(r["case"], r["config"], r["scenario"]) for r in index["runs"]} == expected
    for run in index["runs"]:
        assert {"config", "scenario", "seed", "steps", "observers", "overrides"} <= set(run)
    runs = {(r["case"], r["seed"]) for r in index["runs"]}
    series = tables["timeseries"]
    assert set(zip(series["case"], series["seed"], strict=True)) == runs
    assert (series.groupby(["case", "seed"])["step"].max() == golden.STEPS).all()
    assert len(series) == len(runs) * (golden.STEPS + 1)
    assert set(tables["blocs"]["step"]) == set(range(0, golden.STEPS + 1, golden.TABLE_EVERY))
    # Every case does something within the short run (the walkouts at week 50 included).
    walks = series[series["case"] == "adversary_walks"]
    assert (walks.loc[walks["step"] >= 50, "action_adversary"] == "walk_away").all()


def test_csv_round_trips_floats_exactly():
    values = np.random.default_rng(5).random(2000) * 10.0 ** np.arange(-10, 10).repeat(100)
    frame = pd.DataFrame({"x": values, "label": ["a"] * values.size})
    back = golden._read_csv(io.StringIO(golden._to_csv(frame)))
    assert np.array_equal(back["x"].to_numpy(), values)


def test_comparison_names_the_changed_column_case_seed_and_step(stored):
    _, tables = stored
    changed = {name: table.copy() for name, table in tables.items()}
    series = changed["timeseries"]
    seed = series.loc[series["case"] == "adversary_walks", "seed"].iloc[0]
    later = (
        (series["case"] == "adversary_walks") & (series["seed"] == seed) & (series["step"] >= 51)
    )
    series.loc[later, "legitimacy_adversary"] += 1e-6
    first = series.index[(series["case"] == "tit_for_tat") & (series["step"] == 52)][0]
    series.loc[first, "action_negotiator"] = "engage"
    problems = golden.compare_tables(tables, changed)
    assert len(problems) == 2, problems
    legitimacy = next(p for p in problems if "legitimacy_adversary" in p)
    assert "case adversary_walks" in legitimacy and f"seed {seed}" in legitimacy
    assert "'legitimacy_adversary' first differs at step 51" in legitimacy
    assert "(10 rows differ)" in legitimacy
    action = next(p for p in problems if "action_negotiator" in p)
    assert "case tit_for_tat" in action and "step 52" in action and "(1 row differs)" in action
    # Last-bit differences between machines are not changes.
    noise = {name: table.copy() for name, table in tables.items()}
    noise["timeseries"]["legitimacy_negotiator"] *= 1.0 + 1e-14
    assert golden.compare_tables(tables, noise) == []


def test_write_refuses_changed_outputs_under_the_same_model_version(tmp_path):
    for path in golden.GOLDEN_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    series = golden._read_csv(tmp_path / "timeseries.csv")
    series.loc[5, "salience"] += 0.01
    (tmp_path / "timeseries.csv").write_text(golden._to_csv(series))
    with pytest.raises(golden.GoldenError, match=r"bump it in model/version\.py"):
        golden.write(tmp_path)
    # Under a new version the same rewrite is allowed (the index then names the new version).
    index = json.loads((tmp_path / "index.json").read_text())
    index["model_version"] = "0.0.0"
    (tmp_path / "index.json").write_text(json.dumps(index))
    differences = golden.write(tmp_path)
    assert any("'salience'" in line for line in differences)
    assert json.loads((tmp_path / "index.json").read_text())["model_version"] == MODEL_VERSION
    assert golden.compare_tables(golden.load_golden(tmp_path)[1], golden.load_golden()[1]) == []
