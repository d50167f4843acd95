"""Batch faults: kill -9 and Ctrl-C part-way, failing runs, a lost worker, a full disk.

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
import time
from pathlib import Path

import pytest
from batchkit import (
    SHORT,
    alive,
    assert_same_tables,
    cli,
    descendants,
    finished_batch,
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
from experiments.batch import pools
from experiments.store import ResultsStore, open_results
from experiments.store import writer as store_writer

# Enough runs (120 x 100 observers x 30 steps) that a batch can be caught part-way.
LONG = small_config("long", replications=60, steps=30, observers=100)


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory):
    """The results folder of an uninterrupted batch of LONG, run in this process."""
    return finished_batch(tmp_path_factory.mktemp("reference"), LONG) / "long"


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


# ------------------------------------------------------------------------------------------
# kill -9 and Ctrl-C part-way
# ------------------------------------------------------------------------------------------


def _start_and_catch(folder: Path):
    """Start a batch of LONG with two workers in `folder`; return it once a chunk is on disk."""
    config = write_config(folder, LONG)
    args = (str(config), "--out", "out", "--workers", "2")
    batch = start_batch(*args, cwd=folder)
    wait_for_parts(folder / "out" / "long", 1, batch)
    return batch, args


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A batch of LONG killed with kill -9 part-way: its folder, command and worker pids."""
    folder = tmp_path_factory.mktemp("killed")
    batch, args = _start_and_catch(folder)
    try:
        workers = descendants(batch.pid)
        os.kill(batch.pid, signal.SIGKILL)
        assert batch.wait(timeout=10) == -signal.SIGKILL
    finally:
        _stop_group(batch)
    kept = run_keys(folder / "out" / "long")
    assert 0 < len(kept) < 120, "the kill must land part-way"
    return folder, args, workers, kept


def test_workers_exit_when_their_driver_is_killed(killed):
    _, _, workers, _ = killed
    assert workers, "the batch ran worker processes"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "workers outlived their driver"


def test_after_kill_9_the_same_command_finishes_exactly_the_plan(killed, long_reference, tmp_path):
    folder, args, _, kept = killed
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    results = tmp_path / "out" / "long"
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
    assert_same_tables(results, long_reference)
    _no_leftovers(results)
    manifest = _manifest(results)
    assert manifest["status"] == "complete" and manifest["runs_done"] == 120
    assert len(manifest["sessions"]) == 2


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A batch of LONG stopped with Ctrl-C (SIGINT) part-way: folder, command, exit, stderr."""
    folder = tmp_path_factory.mktemp("interrupted")
    batch, args = _start_and_catch(folder)
    try:
        batch.send_signal(signal.SIGINT)
        _, stderr = batch.communicate(timeout=30)
    finally:
        _stop_group(batch)
    return folder, args, batch.returncode, stderr


def test_ctrl_c_stops_at_once_with_one_line_naming_the_runs_kept(interrupted):
    folder, _, status, stderr = interrupted
    assert status == 130
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), stderr
    kept = run_keys(folder / "out" / "long")
    assert 0 < len(kept) < 120
    assert f"{len(kept)} of 120 runs are done" in lines[0]


def test_ctrl_c_leaves_a_finished_record_and_no_unfinished_file(interrupted):
    folder, _, _, _ = interrupted
    results = folder / "out" / "long"
    manifest = _manifest(results)
    assert manifest["status"] == "interrupted" and manifest["runs_done"] == len(run_keys(results))
    _no_leftovers(results)


def test_after_ctrl_c_the_same_command_finishes_the_batch(interrupted, long_reference, tmp_path):
    folder, args, _, _ = interrupted
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    again = cli("batch", *args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    keys = run_keys(tmp_path / "out" / "long")
    assert len(keys) == len(set(keys)) == 120
    assert_same_tables(tmp_path / "out" / "long", long_reference)


# ------------------------------------------------------------------------------------------
# A failing run, a lost worker, a full disk
# ------------------------------------------------------------------------------------------

FAILING = ("adversary_walks", 1, 2)


@pytest.fixture(scope="module")
def failed_once(tmp_path_factory):
    """A batch of SHORT in which one run raised: its folder, command, exit status and stdout."""
    folder = tmp_path_factory.mktemp("failed")
    config = str(write_config(folder, SHORT))
    command = ["batch", config, "--out", str(folder), "--workers", "2"]
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        sabotage(patch, {FAILING: "raise"})
        status = run.main(command)
    return folder, command, status, out.getvalue()


def test_a_failing_run_is_recorded_with_its_keys_seed_error_and_traceback(failed_once):
    folder, _, _, _ = failed_once
    lines = (folder / "short" / "failures.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 1
    record = records[0]
    assert (record["scenario"], record["design_point"], record["replicate"]) == FAILING
    assert record["error"] == "RuntimeError: injected failure"
    assert record["traceback"].startswith("Traceback") and "run_chunk" in record["traceback"]
    assert isinstance(record["seed"], int)


def test_the_other_runs_complete_and_the_batch_exits_1_as_incomplete(failed_once):
    folder, _, status, stdout = failed_once
    results = folder / "short"
    assert status == 1
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("short: 11 runs succeeded, 1 failed, of 12 planned")
    assert "failures.jsonl" in last
    assert sorted(run_keys(results)) == sorted(planned_keys(SHORT, 2) - {FAILING})
    manifest = _manifest(results)
    assert (manifest["status"], manifest["runs_done"], manifest["runs_failed"]) == (
        "incomplete",
        11,
        1,
    )


def test_started_again_the_batch_retries_only_the_failed_run(
    failed_once, short_reference, tmp_path, capsys
):
    folder, command, _, _ = failed_once
    shutil.copytree(folder / "short", tmp_path / "short")
    assert run.main([*command[:3], str(tmp_path), *command[4:]]) == 0
    assert (
        "12 runs succeeded, 0 failed, of 12 planned (1 in this session)" in capsys.readouterr().out
    )
    assert not (tmp_path / "short" / "failures.jsonl").exists()
    assert_same_tables(tmp_path / "short", short_reference)


def test_a_lost_worker_stops_the_batch_and_the_same_command_finishes_it(
    tmp_path, short_reference, monkeypatch, capsys
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
    assert_same_tables(results, short_reference)


def test_a_full_disk_stops_the_batch_and_the_same_command_finishes_it(
    tmp_path, short_reference, monkeypatch, capsys
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
    assert_same_tables(results, short_reference)


def test_a_disk_full_at_the_commit_leaves_a_readable_folder_that_resumes(
    tmp_path, short_reference, monkeypatch, capsys
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
    assert_same_tables(results, short_reference)


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
    tmp_path, short_reference, monkeypatch, capsys
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
    assert_same_tables(results, short_reference)


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
