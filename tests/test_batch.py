"""Batch experiments: designs, common random numbers, identical results however a batch runs
(one process, two processes, a real Dask cluster), the results folder and its reading API.

Faults (kill -9, Ctrl-C, failing runs, lost workers, full disks, bad inputs) are in
test_batch_faults.py. All batches here are small (50-100 observers, 10-30 steps).
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from batchkit import (
    assert_same_tables,
    batch_in_process,
    cli,
    planned_keys,
    run_keys,
    small_config,
    write_config,
)
from SALib.sample import sobol

from experiments.batch import BatchOutcome, config_hash, plan_runs
from experiments.batch.chunks import ChunkTask, make_chunks, run_chunk
from experiments.batch.dispatch import IN_FLIGHT_PER_WORKER, dispatch
from experiments.design import design_points, design_seed
from experiments.runner import simulate
from experiments.store import ResultsError, ResultsStore, open_results
from model.config import load_config
from model.model import BLOC_COLUMNS, OUTPUT_COLUMNS
from model.streams import replicate_seed
from model.version import MODEL_VERSION

# ------------------------------------------------------------------------------------------
# Designs
# ------------------------------------------------------------------------------------------


def test_grid_is_every_combination_first_parameter_slowest():
    values = {"negotiator.deterrence": [0.2, 0.5, 0.85], "dynamics.contrast": [0.1, 0.6]}
    config = load_config(small_config(sweep={"method": "grid", "parameters": values}))
    design = design_points(config)
    assert len(design) == 3 * 2
    assert design.points == tuple(
        {"negotiator.deterrence": a, "dynamics.contrast": b}
        for a, b in itertools.product(*values.values())
    )
    assert len(plan_runs(config, design)) == 2 * 6 * 3  # scenarios x points x replicates


def _ranges(**bounds):
    return {path.replace("__", "."): {"min": lo, "max": hi} for path, (lo, hi) in bounds.items()}


def test_lhs_puts_exactly_one_point_in_every_stratum_of_every_parameter():
    samples = 17
    parameters = _ranges(negotiator__deterrence=(0.2, 0.9), dynamics__contrast=(0.1, 0.8))
    config = load_config(
        small_config(sweep={"method": "lhs", "samples": samples, "parameters": parameters})
    )
    design = design_points(config)
    assert len(design) == samples
    for path, bounds in parameters.items():
        values = np.array([p[path] for p in design.points])
        assert ((values >= bounds["min"]) & (values <= bounds["max"])).all()
        strata = np.floor((values - bounds["min"]) / (bounds["max"] - bounds["min"]) * samples)
        assert sorted(strata.astype(int)) == list(range(samples)), path


def test_random_designs_are_deterministic_for_a_seed_and_change_with_it():
    parameters = _ranges(negotiator__deterrence=(0.2, 0.9), dynamics__contrast=(0.1, 0.8))
    for method in ("lhs", "sobol"):
        sweep = {"method": method, "samples": 8, "parameters": parameters}
        first = design_points(load_config(small_config(sweep=sweep)))
        again = design_points(load_config(small_config(sweep=sweep)))
        other = design_points(load_config(small_config(sweep=sweep, seed=1)))
        assert first.points == again.points
        assert first.points != other.points


def test_sobol_is_saltelli_sampling_from_salib_with_n_times_d_plus_2_points():
    samples, seed = 8, 20261125
    parameters = _ranges(
        negotiator__deterrence=(0.2, 0.9),
        dynamics__contrast=(0.1, 0.8),
        adversary__hawkishness=(0.0, 1.0),
    )
    config = load_config(
        small_config(sweep={"method": "sobol", "samples": samples, "parameters": parameters})
    )
    design = design_points(config)
    dims = len(parameters)
    assert len(design) == samples * (dims + 2)
    problem = design.problem()
    assert problem["names"] == list(parameters)
    expected = sobol.sample(problem, samples, calc_second_order=False, seed=design_seed(seed))
    got = np.array([[p[name] for name in parameters] for p in design.points])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    for path, bounds in parameters.items():
        assert all(bounds["min"] <= p[path] <= bounds["max"] for p in design.points)
    # Saltelli's layout: A, then A with column k taken from B (k = 1..D), then B.
    for block in got.reshape(samples, dims + 2, dims):
        a, b = block[0], block[-1]
        for k in range(dims):
            changed = np.flatnonzero(block[k + 1] != a)
            assert set(changed) <= {k} and block[k + 1][k] == b[k]


def test_integer_parameters_are_rounded_inside_their_range():
    sweep = {
        "method": "lhs",
        "samples": 9,
        "parameters": {"observers": {"min": 20, "max": 60}, "elite_share": {"min": 0, "max": 1}},
    }
    design = design_points(load_config(small_config(sweep=sweep)))
    observers = [p["observers"] for p in design.points]
    assert all(isinstance(v, int) and 20 <= v <= 60 for v in observers)
    assert len(set(observers)) > 5  # still spread over the range
    assert all(isinstance(p["elite_share"], float) for p in design.points)


def test_without_a_sweep_there_is_one_empty_design_point():
    design = design_points(load_config(small_config()))
    assert design.points == ({},) and design.method is None and design.parameters == ()


# ------------------------------------------------------------------------------------------
# Common random numbers, columns and values
# ------------------------------------------------------------------------------------------

SWEPT = {"method": "grid", "parameters": {"negotiator.deterrence": [0.3, 0.8]}}


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
    # Values are those of the boundary function for the same spec and seed.
    config_obj = load_config(config)
    spec = config_obj.design_spec("adversary_walks", {"negotiator.deterrence": 0.8})
    direct = simulate(spec, replicate_seed(20261125, 1), 12).timeseries
    got = ts[(ts.scenario == "adversary_walks") & (ts.design_point == 1) & (ts.replicate == 1)]
    for column in ("legitimacy_negotiator", "blame_adversary", "crisis_index", "polarization"):
        np.testing.assert_array_equal(got[column].to_numpy(), direct[column].to_numpy())


def test_one_process_and_two_processes_give_identical_rows_with_snapshots(tmp_path):
    config = small_config("same", sweep=SWEPT, replications=4, agents_every=5)
    serial = batch_in_process(config, tmp_path / "one", workers=1)
    parallel = batch_in_process(config, tmp_path / "two", workers=2)
    assert serial.executor == "this process" and parallel.executor.startswith("2 local")
    assert_same_tables(tmp_path / "one" / "same", tmp_path / "two" / "same")
    agents = open_results(tmp_path / "two" / "same").agents()
    run = agents[(agents.scenario == "both_engage") & (agents.design_point == 0)]
    assert sorted(run.step.unique()) == [0, 5, 10, 12]  # every 5 steps and the last one
    assert len(run[run.replicate == 0]) == 4 * 50
    # Snapshots leave the model's own outputs unchanged.
    spec = load_config(config).design_spec("both_engage", {"negotiator.deterrence": 0.3})
    plain = simulate(spec, 5, 12)
    with_agents = simulate(spec, 5, 12, agents_every=5)
    pd.testing.assert_frame_equal(plain.timeseries, with_agents.timeseries)
    last = with_agents.agents[with_agents.agents.step == 12]
    assert last["legitimacy_negotiator"].mean() == pytest.approx(
        plain.timeseries["legitimacy_negotiator"].iloc[-1], abs=1e-12
    )


# ------------------------------------------------------------------------------------------
# The results folder and its reading API
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


def test_reading_api_reads_only_what_is_asked(tmp_path):
    config = small_config("read", sweep=SWEPT, replications=2)
    batch_in_process(config, tmp_path, workers=1)
    results = open_results(tmp_path / "read")
    assert results.scenarios == ["both_engage", "adversary_walks"]
    assert results.parameters == ["negotiator.deterrence"] and results.method == "grid"
    assert results.runs_done == results.runs_planned == 8
    final = results.timeseries(columns=["legitimacy_gap"], filters=[("step", "==", 12)])
    assert list(final.columns) == [
        "scenario",
        "design_point",
        "replicate",
        "seed",
        "step",
        "legitimacy_gap",
    ]
    assert len(final) == 8 and set(final.step) == {12}
    assert list(final.scenario[:4]) == ["both_engage"] * 4  # config order, not alphabetical
    picked = results.timeseries(
        columns=["crisis_index"], filters=[("negotiator.deterrence", "==", 0.8)]
    )
    assert set(picked.design_point) == {1}
    blocs = results.blocs(columns=["bloc", "vote_yes_share"], filters=[("step", "==", 0)])
    assert len(blocs) == 8 * 4 and list(blocs.bloc[:4]) == ["Bloc A", "Bloc B", "Bloc C", "Bloc D"]
    assert results.failures().empty
    assert list(results.design_points().columns) == ["design_point", "negotiator.deterrence"]
    with pytest.raises(ResultsError, match="no column 'nonsense'"):
        results.timeseries(columns=["nonsense"])


def test_opening_a_folder_that_is_not_a_results_folder_is_one_line_of_bad_input(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "file.txt").write_text("x")
    for path, words in [
        (tmp_path / "missing", "no such results folder"),
        (tmp_path / "file.txt", "expected a results folder, found a file"),
        (tmp_path / "plain", "not a results folder (no manifest.json"),
    ]:
        with pytest.raises(ResultsError) as error:
            open_results(path)
        assert isinstance(error.value, ValueError)
        assert words in str(error.value) and "\n" not in str(error.value)


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


# ------------------------------------------------------------------------------------------
# A real Dask cluster
# ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this test started (its own session), then make sure it is gone."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


def test_a_batch_on_a_dask_cluster_equals_the_local_run(tmp_path):
    from distributed import Client

    dask = str(Path(sys.executable).with_name("dask"))  # the dask of this environment
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "logs"
    logs.mkdir()
    started: list[subprocess.Popen] = []
    opened: list = []

    def launch(name, *args):
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed after the process stops
        opened.append(log)
        started.append(
            subprocess.Popen(
                [dask, *args],
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    config = small_config("cluster", sweep=SWEPT, replications=3)
    path = write_config(tmp_path, config)
    try:
        launch(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"
        )
        for i in range(2):
            launch(
                f"worker{i}",
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=2) as client:
                    client.wait_for_workers(2, timeout=60)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        done = cli("batch", str(path), "--out", "dask", "--scheduler", address, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "cluster: 12 runs succeeded, 0 failed" in done.stdout
    finally:
        for process in started:
            _stop(process)
        for log in opened:
            log.close()
    assert all(p.poll() is not None for p in started)
    local = cli("batch", str(path), "--out", "local", "--workers", "2", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert_same_tables(tmp_path / "dask" / "cluster", tmp_path / "local" / "cluster")
    assert sorted(run_keys(tmp_path / "dask" / "cluster")) == sorted(planned_keys(config, 2))
    manifest = json.loads((tmp_path / "dask" / "cluster" / "manifest.json").read_text())
    assert address in manifest["sessions"][-1]["executor"]
