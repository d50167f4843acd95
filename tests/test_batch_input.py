"""Bad input to a batch: one line on stderr, exit status 2, and nothing already written lost.

Bad arguments, an unreachable scheduler, an unwritable output folder, a folder of another
config, ``--fresh`` without confirmation, an invalid config; and the same command on a
finished batch runs nothing.
"""

from __future__ import annotations

import io
import json
import os
import socket
import time

import pytest
from batchkit import (
    SHORT,
    fingerprint,
    run_keys,
    write_config,
)

import run
from experiments import cli_batch


@pytest.fixture
def finished(short_copy):
    """SHORT's config file, and the folder that holds a copy of its finished batch."""
    config, results = short_copy
    return config, results.parent


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


def _changed_config(config):
    """Overwrite the config file with another config of the same name (one more step)."""
    write_config(config.parent, dict(SHORT, steps=13), config.name)


def test_a_results_folder_of_another_config_is_refused(finished, capsys):
    config, out = finished
    before = fingerprint(out)
    _changed_config(config)
    line = _bad(capsys, str(config), "--out", str(out))
    assert "short: holds results of a different config" in line
    assert "--fresh" in line
    assert fingerprint(out) == before


def test_fresh_without_a_terminal_to_ask_on_or_yes_deletes_nothing(finished, capsys):
    config, out = finished
    before = fingerprint(out)
    _changed_config(config)
    line = _bad(capsys, str(config), "--out", str(out), "--fresh")
    assert "--fresh" in line and "--yes" in line
    assert fingerprint(out) == before


def test_fresh_yes_starts_over_with_the_new_config(finished):
    config, out = finished
    _changed_config(config)
    assert run.main(["batch", str(config), "--out", str(out), "--fresh", "--yes"]) == 0
    manifest = json.loads((out / "short" / "manifest.json").read_text())
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
