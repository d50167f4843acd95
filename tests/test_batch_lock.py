"""One batch at a time per results folder: real processes racing for the same folder.

The batch holds an advisory lock on a file in its results folder for as long as it runs; a
second batch (or `--fresh`, or `repair`) on that folder exits 2 naming the holder. A killed
holder releases the lock with its death (the kill -9 test in test_batch_faults.py resumes).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from batchkit import (
    PYTHON,
    ROOT,
    batch_in_process,
    fingerprint,
    planned_keys,
    run_keys,
    small_config,
    write_config,
)

import run
from experiments.store.layout import LOCK_FILE
from experiments.store.lock import folder_lock

# Long enough (240 runs in one process, several seconds) that the two batches overlap.
RACE = small_config("race", replications=120, steps=30, observers=100)


def _launch(config, out, cwd) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, str(ROOT / "run.py"), "batch", str(config), "--out", str(out), "--workers", "1"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_two_batch_processes_on_one_folder_one_runs_the_other_names_it(tmp_path):
    config = write_config(tmp_path, RACE)
    batches = [_launch(config, "out", tmp_path) for _ in range(2)]
    try:
        ended = [(b, *b.communicate(timeout=600)) for b in batches]
    finally:
        for batch in batches:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(batch.pid, signal.SIGKILL)
            batch.wait(timeout=10)
    statuses = sorted(b.returncode for b in batches)
    assert statuses == [0, 2], [(b.returncode, err) for b, _, err in ended]
    (winner, out, _), (_, _, err) = sorted(ended, key=lambda e: e[0].returncode)
    assert out.strip().splitlines()[-1].startswith("race: 240 runs succeeded, 0 failed")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    results = tmp_path / "out" / "race"
    assert lines[0].startswith("error: out/race: another batch is writing this folder")
    assert f"pid {winner.pid} on {socket.gethostname()} since " in lines[0]
    keys = run_keys(results)
    assert len(keys) == len(set(keys)) == 240 and set(keys) == planned_keys(RACE)
    manifest = json.loads((results / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["sessions"]) == 1


@pytest.fixture
def held(tmp_path):
    """A finished small batch whose folder another holder has locked (this test)."""
    config = small_config("held", replications=2)
    path = write_config(tmp_path, config)
    batch_in_process(config, tmp_path / "out", workers=1)
    results = tmp_path / "out" / "held"
    with folder_lock(results, "batch"):
        yield path, results


def test_the_lock_file_names_its_holder_and_is_emptied_on_release(tmp_path):
    with folder_lock(tmp_path, "batch"):
        record = json.loads((tmp_path / LOCK_FILE).read_text())
        assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
        since = datetime.fromisoformat(record["since"])
        assert record["command"] == "batch" and abs(datetime.now(UTC) - since) < timedelta(hours=1)
    assert (tmp_path / LOCK_FILE).read_text() == ""
    with folder_lock(tmp_path, "batch"):  # released: it can be taken again
        pass


@pytest.mark.parametrize(
    "argv",
    [
        ["batch", "{config}", "--out", "{out}"],
        ["batch", "{config}", "--out", "{out}", "--fresh", "--yes"],
        ["repair", "{results}"],
    ],
)
def test_a_locked_folder_is_refused_in_one_line_and_left_alone(held, capsys, argv):
    config, results = held
    if "repair" in argv:  # a folder that repair would otherwise rebuild
        (results / "manifest.json").rename(results / "manifest.json.away")
    before = fingerprint(results)
    values = {"config": str(config), "out": str(results.parent), "results": str(results)}
    assert run.main([a.format(**values) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {results}: another ")
    assert f"pid {os.getpid()} on {socket.gethostname()} since " in err[0]
    assert fingerprint(results) == before
    assert "repair" in argv or len(run_keys(results)) == 4
