"""Running a batch on this machine: common random numbers, the rows it writes, the same results
in one process or two, a bounded number of chunks in flight, and the manifest it records.

Designs are in test_batch_design.py, a real Dask cluster in test_batch_dask.py, interruptions
and failures in test_batch_faults.py, bad input in test_batch_input.py, the reading API in
test_results_store.py. All batches here are small (50-100 observers, 10-30 steps).
"""

from __future__ import annotations

import json
import socket
from concurrent.futures import Future

import numpy as np
import pandas as pd
import pytest
from batchkit import SWEPT, assert_same_tables, batch_in_process, cli, small_config, write_config

from experiments.batch import BatchOptions, BatchOutcome, config_hash, plan_runs
from experiments.batch.chunks import ChunkTask, make_chunks, run_chunk
from experiments.batch.dispatch import IN_FLIGHT_PER_WORKER, dispatch
from experiments.errors import UsageError
from experiments.runner import simulate
from experiments.store import ResultsStore, open_results
from model.config import load_config
from model.model import BLOC_COLUMNS, OUTPUT_COLUMNS
from model.streams import replicate_seed
from model.version import MODEL_VERSION

# ------------------------------------------------------------------------------------------
# Common random numbers, columns and values
# ------------------------------------------------------------------------------------------


def test_the_same_replicate_has_the_same_seed_in_every_scenario_and_design_point(tmp_path):
    twins = {"first": {}, "twin": {}}  # two identical scenarios
    config = small_config("crn", scenarios=twins, sweep=SWEPT, replications=3)
    outcome = batch_in_process(config, tmp_path, workers=1)
    assert outcome.done == outcome.planned == 2 * 2 * 3
    results = open_results(tmp_path / "crn")
    runs = results.runs()
    assert sorted(runs.groupby("replicate")["seed"].nunique()) == [1, 1, 1]
    for replicate, seed in runs.groupby("replicate")["seed"].first().items():
        assert seed == replicate_seed(20261125, replicate) == results.seed_plan[replicate]
    assert runs["seed"].nunique() == 3
    # Same seed, same model: the twin scenarios agree value for value; replicates differ.
    ts = results.timeseries(columns=["legitimacy_gap", "crisis_index"])
    first = ts[ts.scenario == "first"].drop(columns="scenario").reset_index(drop=True)
    twin = ts[ts.scenario == "twin"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, twin)
    last = ts[(ts.scenario == "first") & (ts.step == 12)]
    assert last.groupby("design_point")["legitimacy_gap"].nunique().min() == 3


def test_rows_carry_keys_parameters_outputs_and_the_model_version(tmp_path):
    config = small_config("columns", sweep=SWEPT, replications=2)
    batch_in_process(config, tmp_path, workers=1)
    results = open_results(tmp_path / "columns")
    keys = ["scenario", "design_point", "replicate", "seed"]
    assert results.columns == [*keys, "negotiator.deterrence", *OUTPUT_COLUMNS, "model_version"]
    assert results.bloc_columns == [*keys, "negotiator.deterrence", *BLOC_COLUMNS, "model_version"]
    ts = results.timeseries()
    assert len(ts) == 2 * 2 * 2 * 13
    assert set(ts["model_version"]) == {MODEL_VERSION}
    assert dict(zip(ts.design_point, ts["negotiator.deterrence"], strict=True)) == {0: 0.3, 1: 0.8}


def test_a_run_s_rows_are_those_of_the_boundary_function(tmp_path):
    config = small_config("direct", sweep=SWEPT, replications=2)
    batch_in_process(config, tmp_path, workers=1)
    ts = open_results(tmp_path / "direct").timeseries()
    spec = load_config(config).design_spec("adversary_walks", {"negotiator.deterrence": 0.8})
    direct = simulate(spec, replicate_seed(20261125, 1), 12).timeseries
    got = ts[(ts.scenario == "adversary_walks") & (ts.design_point == 1) & (ts.replicate == 1)]
    for column in ("legitimacy_negotiator", "blame_adversary", "crisis_index", "polarization"):
        np.testing.assert_array_equal(got[column].to_numpy(), direct[column].to_numpy())


# ------------------------------------------------------------------------------------------
# However it runs
# ------------------------------------------------------------------------------------------


def test_one_process_and_two_processes_give_identical_rows_with_snapshots(tmp_path):
    config = small_config("same", sweep=SWEPT, replications=4, agents_every=5)
    serial = batch_in_process(config, tmp_path / "one", workers=1)
    parallel = batch_in_process(config, tmp_path / "two", workers=2)
    assert serial.executor == "this process" and parallel.executor.startswith("2 local")
    assert_same_tables(tmp_path / "one" / "same", tmp_path / "two" / "same")


def test_snapshots_are_taken_every_k_steps_and_at_the_last_step(tmp_path):
    config = small_config("snapshots", replications=2, agents_every=5)
    batch_in_process(config, tmp_path, workers=1)
    agents = open_results(tmp_path / "snapshots").agents()
    run = agents[(agents.scenario == "both_engage") & (agents.replicate == 0)]
    assert sorted(run.step.unique()) == [0, 5, 10, 12]
    assert len(run) == 4 * 50  # every observer at each snapshot


def test_snapshots_leave_the_model_outputs_unchanged():
    spec = load_config(small_config()).scenario_spec("both_engage")
    plain = simulate(spec, 5, 12)
    with_agents = simulate(spec, 5, 12, agents_every=5)
    pd.testing.assert_frame_equal(plain.timeseries, with_agents.timeseries)
    last = with_agents.agents[with_agents.agents.step == 12]
    assert last["legitimacy_negotiator"].mean() == pytest.approx(
        plain.timeseries["legitimacy_negotiator"].iloc[-1], abs=1e-12
    )


def test_at_most_two_chunks_per_worker_are_in_flight(tmp_path):
    """The driver's memory is bounded: it never holds more than 2 chunks per worker."""
    config = load_config(small_config("window", replications=40))
    plan = plan_runs(config)

    class DeferredPool:
        """Chunks run only when waited for, oldest first: counts what is in flight."""

        slots, label = 3, "deferred"

        def __init__(self):
            self.queue, self.most = [], 0

        def submit(self, task: ChunkTask) -> Future:
            future = Future()
            self.queue.append((future, task))
            self.most = max(self.most, sum(not f.done() for f, _ in self.queue))
            return future

        def wait(self, pending):
            future, task = next((f, t) for f, t in self.queue if not f.done())
            future.set_result(run_chunk(task))
            return {future}, set(pending) - {future}

        def cancel(self, pending):
            pass

        def close(self, now=False):
            pass

    pool = DeferredPool()
    store = ResultsStore(tmp_path)
    store.create(agents=False)
    outcome = BatchOutcome(tmp_path, len(plan))
    done = np.zeros(len(plan), dtype=bool)
    chunks = make_chunks(config, plan, np.arange(len(plan)), 2, config_hash(config))
    status, _, _ = dispatch(pool, chunks, store, "s", done, outcome, False)
    assert status == "complete" and done.all() and len(pool.queue) == 40
    assert pool.most == IN_FLIGHT_PER_WORKER * pool.slots


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (BatchOptions(workers=0), "--workers: expected an integer >= 1, found 0"),
        (BatchOptions(workers=2, scheduler="tcp://127.0.0.1:1"), "--workers: applies to local"),
    ],
)
def test_contradictory_options_are_refused_before_anything_runs(options, words):
    with pytest.raises(UsageError, match=words):
        options.check()


# ------------------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------------------


def test_manifest_records_config_seeds_design_versions_and_counts(tmp_path):
    config = small_config("manifest", sweep=SWEPT, replications=2)
    path = write_config(tmp_path, config)
    done = cli("batch", str(path), "--out", str(tmp_path / "out"), "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("manifest: 8 runs succeeded, 0 failed")
    manifest = json.loads((tmp_path / "out" / "manifest" / "manifest.json").read_text())
    assert manifest["config"] == config
    assert manifest["config_hash"] == config_hash(load_config(config))
    assert set(manifest["config_resolved"]) == {"both_engage", "adversary_walks"}
    assert manifest["config_resolved"]["adversary_walks"]["adversary"]["at"] == 6
    assert manifest["model_version"] == MODEL_VERSION
    assert manifest["seed"] == 20261125
    assert manifest["seed_plan"] == {str(r): replicate_seed(20261125, r) for r in range(2)}
    assert manifest["method"] == "grid"
    assert manifest["parameters"] == ["negotiator.deterrence"]
    assert manifest["design_points"] == [
        {"negotiator.deterrence": 0.3},
        {"negotiator.deterrence": 0.8},
    ]
    assert {"mesa", "numpy", "pandas", "pyarrow", "pydantic", "dask", "SALib"} <= set(
        manifest["versions"]
    )
    assert all(manifest["versions"].values())
    assert manifest["git_commit"] is None or len(manifest["git_commit"]) == 40
    assert manifest["host"] == socket.gethostname()
    assert manifest["started"] <= manifest["finished"]
    assert (manifest["runs_planned"], manifest["runs_done"], manifest["runs_failed"]) == (8, 8, 0)
    assert manifest["status"] == "complete"
