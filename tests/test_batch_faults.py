"""Batch faults: kill -9 and Ctrl-C part-way, failing runs, a lost worker, a full disk, bad input.

Each interrupted batch is started again with the same command and must end with exactly the
planned runs, none twice, equal value for value to an uninterrupted batch. Interruptions use
real subprocesses and real signals; they signal only the processes they started.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest
from batchkit import (
    alive,
    assert_same_tables,
    batch_in_process,
    cli,
    descendants,
    fingerprint,
    parts,
    planned_keys,
    run_keys,
    sabotage,
    small_config,
    start_batch,
    wait_for_parts,
    write_config,
)

import run
from experiments import cli_batch
from experiments.batch import pools
from experiments.store import ResultsStore, open_results
from experiments.store import writer as store_writer

# Enough runs (120 x 100 observers x 30 steps) that a batch can be caught part-way.
LONG = small_config("long", replications=60, steps=30, observers=100)
# Small runs with a sweep: 2 scenarios x 2 design points x 3 replicates.
SHORT = small_config(
    "short",
    replications=3,
    sweep={"method": "grid", "parameters": {"negotiator.deterrence": [0.3, 0.8]}},
)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Uninterrupted batches of LONG and SHORT, run in this process."""
    out = tmp_path_factory.mktemp("reference")
    for config in (LONG, SHORT):
        outcome = batch_in_process(config, out, workers=1)
        assert outcome.done == outcome.planned
    return out


def _stop_group(process) -> None:
    """Make sure nothing this test started is left running (its own session only)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _no_leftovers(results: Path) -> None:
    for dataset in ("timeseries", "blocs"):
        names = [p.name for p in (results / dataset).iterdir()]
        assert all(n.startswith("part-") and n.endswith(".parquet") for n in names), names
    assert {p.name for p in parts(results, "blocs")} == {p.name for p in parts(results)}


def _manifest(results: Path) -> dict:
    return json.loads((results / "manifest.json").read_text())


def test_kill_9_part_way_then_the_same_command_finishes_exactly_the_plan(tmp_path, reference):
    config = write_config(tmp_path, LONG)
    args = (str(config), "--out", "out", "--workers", "2")
    results = tmp_path / "out" / "long"
    batch = start_batch(*args, cwd=tmp_path)
    try:
        wait_for_parts(results, 1, batch)
        workers = descendants(batch.pid)
        os.kill(batch.pid, signal.SIGKILL)
        assert batch.wait(timeout=10) == -signal.SIGKILL
    finally:
        _stop_group(batch)
    kept = run_keys(results)
    assert 0 < len(kept) < 120, "the kill must land part-way"
    assert workers, "the batch ran worker processes"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "workers outlived their driver"

    # What a crash can leave: a half-written part, and a blocs part whose chunk never committed.
    first = parts(results)[0]
    (results / "timeseries" / f".{first.name}.x1y2z3.tmp").write_bytes(first.read_bytes()[:100])
    orphan = results / "blocs" / "part-00000000T000000-000000-000099.parquet"
    shutil.copy(parts(results, "blocs")[0], orphan)

    again = cli("batch", *args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    line = again.stdout.strip().splitlines()[-1]
    assert line.startswith(f"long: 120 runs succeeded, 0 failed, of 120 planned ({120 - len(kept)}")
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 120
    assert set(keys) == planned_keys(LONG)
    assert set(kept) <= set(keys)
    assert_same_tables(results, reference / "long")
    _no_leftovers(results)
    manifest = _manifest(results)
    assert manifest["status"] == "complete" and manifest["runs_done"] == 120
    assert len(manifest["sessions"]) == 2


def test_ctrl_c_stops_at_once_keeping_every_finished_run(tmp_path, reference):
    config = write_config(tmp_path, LONG)
    args = (str(config), "--out", "out", "--workers", "2")
    results = tmp_path / "out" / "long"
    batch = start_batch(*args, cwd=tmp_path)
    try:
        wait_for_parts(results, 1, batch)
        batch.send_signal(signal.SIGINT)
        _, stderr = batch.communicate(timeout=30)
    finally:
        _stop_group(batch)
    assert batch.returncode == 130
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), stderr
    kept = run_keys(results)
    assert 0 < len(kept) < 120
    assert f"{len(kept)} of 120 runs are done" in lines[0]
    manifest = _manifest(results)
    assert manifest["status"] == "interrupted" and manifest["runs_done"] == len(kept)
    _no_leftovers(results)

    again = cli("batch", *args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 120
    assert_same_tables(results, reference / "long")


def test_a_failing_run_is_recorded_and_the_others_complete(
    tmp_path, reference, monkeypatch, capsys
):
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "2"]
    results = tmp_path / "short"
    real = pools.run_chunk
    sabotage(monkeypatch, {("adversary_walks", 1, 2): "raise"})
    assert run.main(command) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("short: 11 runs succeeded, 1 failed, of 12 planned")
    assert "failures.jsonl" in out[-1]
    records = [json.loads(line) for line in (results / "failures.jsonl").read_text().splitlines()]
    assert len(records) == 1
    record = records[0]
    assert (record["scenario"], record["design_point"], record["replicate"]) == (
        "adversary_walks",
        1,
        2,
    )
    assert record["error"] == "RuntimeError: injected failure"
    assert record["traceback"].startswith("Traceback") and "run_chunk" in record["traceback"]
    assert isinstance(record["seed"], int)
    planned = planned_keys(SHORT, 2)
    assert sorted(run_keys(results)) == sorted(planned - {("adversary_walks", 1, 2)})
    manifest = _manifest(results)
    assert (manifest["status"], manifest["runs_done"], manifest["runs_failed"]) == (
        "incomplete",
        11,
        1,
    )

    # Started again, the batch retries only the failed run.
    monkeypatch.setattr(pools, "run_chunk", real)
    assert run.main(command) == 0
    assert (
        "12 runs succeeded, 0 failed, of 12 planned (1 in this session)" in capsys.readouterr().out
    )
    assert not (results / "failures.jsonl").exists()
    assert_same_tables(results, reference / "short")


def test_a_lost_worker_stops_the_batch_and_the_same_command_finishes_it(
    tmp_path, reference, monkeypatch, capsys
):
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "2"]
    results = tmp_path / "short"
    real = pools.run_chunk
    sabotage(monkeypatch, {("adversary_walks", 1, 1): "kill"})
    assert run.main(command) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: a worker was lost (BrokenProcessPool")
    assert f"{len(run_keys(results))} finished runs are kept" in err[0]
    assert _manifest(results)["status"] == "stopped"
    monkeypatch.setattr(pools, "run_chunk", real)
    assert run.main(command) == 0
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 12
    assert_same_tables(results, reference / "short")


def test_a_full_disk_stops_the_batch_and_the_same_command_finishes_it(
    tmp_path, reference, monkeypatch, capsys
):
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "1"]
    results = tmp_path / "short"
    write_chunk = ResultsStore.write_chunk
    calls = []

    def disk_fills_up(self, output, session):
        calls.append(output.chunk)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_chunk(self, output, session)

    monkeypatch.setattr(ResultsStore, "write_chunk", disk_fills_up)
    assert run.main(command) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0]
    assert err[0].startswith("error: cannot write results in")
    kept = run_keys(results)
    assert len(kept) == 3  # the first chunk (12 runs / 4 chunks)
    assert _manifest(results)["status"] == "stopped"
    monkeypatch.setattr(ResultsStore, "write_chunk", write_chunk)
    assert run.main(command) == 0
    assert "(9 in this session)" in capsys.readouterr().out
    assert_same_tables(results, reference / "short")


def test_a_disk_full_at_the_commit_leaves_a_readable_folder_that_resumes(
    tmp_path, reference, monkeypatch, capsys
):
    """The chunk is in the journal, its timeseries part never lands: it is not a result."""
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "1"]
    results = tmp_path / "short"
    write_bytes = store_writer.write_bytes
    landed = []

    def disk_fills_up(data, path):
        if path.parent.name == "timeseries":
            landed.append(path.name)
            if len(landed) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        write_bytes(data, path)

    monkeypatch.setattr(store_writer, "write_bytes", disk_fills_up)
    assert run.main(command) == 1
    assert "No space left on device" in capsys.readouterr().err
    manifest = _manifest(results)
    assert manifest["status"] == "stopped" and list(manifest["parts"]) == landed[:1]
    assert not (results / "parts.jsonl").exists()
    assert len(run_keys(results)) == 3  # readable: the first chunk only
    monkeypatch.setattr(store_writer, "write_bytes", write_bytes)
    assert run.main(command) == 0
    assert "(9 in this session)" in capsys.readouterr().out
    assert_same_tables(results, reference / "short")


# ------------------------------------------------------------------------------------------
# Bad input: one line, exit 2, nothing lost
# ------------------------------------------------------------------------------------------


@pytest.fixture
def finished(tmp_path):
    """A finished batch of SHORT in tmp_path/out, and its config file."""
    config = write_config(tmp_path, SHORT)
    assert batch_in_process(SHORT, tmp_path / "out", workers=1).done == 12
    return config, tmp_path / "out"


def _bad(capsys, *args: str, status: int = 2) -> str:
    assert run.main(["batch", *args]) == status
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("value", "found"), [("0", "found 0"), ("-3", "found -3"), ("two", "found 'two'")]
)
def test_workers_below_one_is_bad_input(finished, capsys, value, found):
    config, out = finished
    before = fingerprint(out)
    line = _bad(capsys, str(config), "--out", str(out), "--workers", value)
    assert "--workers" in line and "expected an integer >= 1" in line and found in line
    assert fingerprint(out) == before


def test_an_unreachable_scheduler_is_bad_input_within_seconds(tmp_path, capsys):
    config = write_config(tmp_path, SHORT)
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    line = _bad(capsys, str(config), "--out", str(tmp_path / "out"), "--scheduler", address)
    assert time.monotonic() - start < 15
    assert line.startswith(f"error: --scheduler: cannot reach a Dask scheduler at {address}")
    assert not (tmp_path / "out").exists()  # nothing written, not even an empty folder


def test_an_unwritable_output_folder_is_bad_input(finished, tmp_path, capsys):
    config, _ = finished
    (tmp_path / "a_file").write_text("not a folder")
    line = _bad(capsys, str(config), "--out", str(tmp_path / "a_file" / "results"))
    assert line.startswith("error: --out: cannot create") and "a_file" in line
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        line = _bad(capsys, str(config), "--out", str(locked))
        assert "--out" in line and "locked" in line


def test_a_results_folder_of_another_config_is_refused_unless_fresh(finished, capsys):
    config, out = finished
    before = fingerprint(out)
    changed = dict(SHORT, steps=13)
    write_config(config.parent, changed, config.name)
    line = _bad(capsys, str(config), "--out", str(out))
    assert "short: holds results of a different config" in line
    assert "--fresh" in line
    assert fingerprint(out) == before
    # --fresh without a terminal to ask on, and without --yes: refused, nothing deleted.
    line = _bad(capsys, str(config), "--out", str(out), "--fresh")
    assert "--fresh" in line and "--yes" in line
    assert fingerprint(out) == before
    # --fresh --yes starts over with the new config.
    assert run.main(["batch", str(config), "--out", str(out), "--fresh", "--yes"]) == 0
    manifest = _manifest(out / "short")
    assert manifest["steps"] == 13 and len(manifest["sessions"]) == 1
    assert manifest["runs_done"] == 12 and len(run_keys(out / "short")) == 12


@pytest.mark.parametrize(("answer", "status"), [("n\n", 1), ("yes\n", 0)])
def test_fresh_asks_on_a_terminal(finished, capsys, monkeypatch, answer, status):
    config, out = finished
    before = fingerprint(out)
    monkeypatch.setattr(cli_batch, "on_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    assert run.main(["batch", str(config), "--out", str(out), "--fresh"]) == status
    err = capsys.readouterr().err
    assert "delete them and start over? [y/N]" in err
    if status == 1:
        assert "nothing in" in err and fingerprint(out) == before
    else:
        assert fingerprint(out) != before and len(run_keys(out / "short")) == 12


def test_the_same_command_on_a_finished_batch_runs_nothing(finished, capsys):
    config, out = finished
    before = fingerprint(out / "short" / "timeseries")
    assert run.main(["batch", str(config), "--out", str(out)]) == 0
    assert "12 runs succeeded, 0 failed, of 12 planned (0 in this session)" in (
        capsys.readouterr().out
    )
    assert fingerprint(out / "short" / "timeseries") == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.yaml"], "missing.yaml: file not found"),
        (["{config}", "--resume", "--fresh"], "not allowed with argument"),
        (["{config}", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers: applies"),
    ],
)
def test_other_bad_arguments_are_one_line(finished, capsys, args, words):
    config, out = finished
    before = fingerprint(out)
    line = _bad(capsys, *[a.format(config=config) for a in args], "--out", str(out))
    assert words in line
    assert fingerprint(out) == before


def test_an_invalid_config_is_bad_input_before_anything_is_written(tmp_path, capsys):
    config = write_config(tmp_path, dict(SHORT, steps=0))
    line = _bad(capsys, str(config), "--out", str(tmp_path / "out"))
    assert "steps" in line and "expected a value >= 1" in line
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------
# A damaged failures.jsonl, and the first real error
# ------------------------------------------------------------------------------------------

BAD_LINES = [
    b"\xff\xfe\x00 not text\n",
    b'{"scenario": "both_engage", "design_point": 0\n',
    b'{"scenario": 3, "design_point": "zero", "replicate": 0, "error": "x"}\n',
    b"[1, 2, 3]\n",
]


def test_a_damaged_failures_file_is_read_line_by_line_and_its_bad_lines_kept(
    tmp_path, reference, monkeypatch, capsys
):
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "2"]
    results = tmp_path / "short"
    real = pools.run_chunk
    sabotage(monkeypatch, {("both_engage", 0, 1): "raise"})
    assert run.main(command) == 1
    capsys.readouterr()
    with open(results / "failures.jsonl", "ab") as stream:
        stream.write(b"".join(BAD_LINES))
    with pytest.warns(UserWarning) as warned:
        failed = open_results(results).failures()
    assert list(zip(failed.scenario, failed.replicate, strict=True)) == [("both_engage", 1)]
    assert [str(w.message).split(": ")[0] for w in warned] == [
        f"{results / 'failures.jsonl'} line {n}" for n in (2, 3, 4, 5)
    ]

    monkeypatch.setattr(pools, "run_chunk", real)
    assert run.main(command) == 0
    captured = capsys.readouterr()
    assert "12 runs succeeded, 0 failed, of 12 planned (1 in this session)" in captured.out
    warnings = captured.err.strip().splitlines()
    assert len(warnings) == 4, captured.err
    for number, line in zip((2, 3, 4, 5), warnings, strict=True):
        assert line.startswith(f"warning: {results / 'failures.jsonl'} line {number}: ")
        assert "failures.unreadable" in line
    assert "design_point" in warnings[2] and "JSON object" in warnings[3]
    assert (results / "failures.unreadable").read_bytes() == b"".join(BAD_LINES)
    assert not (results / "failures.jsonl").exists()
    assert _manifest(results)["status"] == "complete"
    assert_same_tables(results, reference / "short")


def test_the_first_real_error_is_reported_and_the_manifest_finished(tmp_path, monkeypatch, capsys):
    config = str(write_config(tmp_path, SHORT))
    command = ["batch", config, "--out", str(tmp_path), "--workers", "2"]

    def settle(self, *args):
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(ResultsStore, "settle_failures", settle)
    assert run.main(command) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "RuntimeError: the disk said no" in err[0], err
    assert _manifest(tmp_path / "short")["status"] == "stopped"
    monkeypatch.undo()
    assert run.main(command) == 0
    assert "(0 in this session)" in capsys.readouterr().out
    assert _manifest(tmp_path / "short")["status"] == "complete"
