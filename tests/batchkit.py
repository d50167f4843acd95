"""Helpers for the batch tests: small configs, the command line, reading and fingerprinting."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from experiments.batch import BatchOptions, run_batch
from experiments.batch.chunks import run_chunk
from experiments.store import open_results
from model.config import load_config

ROOT = Path(__file__).resolve().parents[1]
REAL_RUN_CHUNK = run_chunk
PYTHON = sys.executable


def small_config(
    name: str = "small",
    *,
    replications: int = 3,
    steps: int = 12,
    observers: int = 50,
    scenarios: dict[str, Any] | None = None,
    sweep: dict[str, Any] | None = None,
    agents_every: int = 0,
    seed: int = 20261125,
) -> dict[str, Any]:
    """A config dict for a small, fast batch (two scenarios unless given)."""
    data: dict[str, Any] = {
        "name": name,
        "steps": steps,
        "replications": replications,
        "seed": seed,
        "model": {"observers": observers},
        "scenarios": scenarios
        or {
            "both_engage": {"adversary": {"strategy": "always_engage"}},
            "adversary_walks": {"adversary": {"strategy": "walk_away_at", "at": steps // 2}},
        },
    }
    if sweep is not None:
        data["sweep"] = sweep
    if agents_every:
        data["outputs"] = {"agents_every": agents_every}
    return data


SWEPT = {"method": "grid", "parameters": {"negotiator.deterrence": [0.3, 0.8]}}
"""A grid of two design points."""
SHORT = small_config("short", replications=3, sweep=SWEPT)
"""Small runs with a sweep: 2 scenarios x 2 design points x 3 replicates (12 runs, 4 chunks)."""


def swept_config(parameters: dict[str, dict[str, float]]) -> dict[str, Any]:
    """A small batch named ``swept``: 8 LHS design points over `parameters` x 2 replicates."""
    return small_config(
        "swept",
        replications=2,
        steps=12,
        observers=40,
        sweep={"method": "lhs", "samples": 8, "parameters": parameters},
    )


def write_config(folder: Path, data: dict[str, Any], filename: str | None = None) -> Path:
    """Write a config dict as YAML; return its path."""
    path = folder / (filename or f"{data['name']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def batch_in_process(config: dict[str, Any] | Path, out: Path, **options: Any):
    """Run a batch in this process (no progress bar); return its outcome."""
    return run_batch(load_config(config), out, BatchOptions(progress=False, **options))


def finished_batch(folder: Path, *configs: dict[str, Any]) -> Path:
    """Run each config's batch to the end in this process into `folder`; return `folder`."""
    for config in configs:
        outcome = batch_in_process(config, folder, workers=1)
        assert outcome.done == outcome.planned, outcome
    return folder


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    """Run ``python run.py ARGS`` in a subprocess; return the CompletedProcess."""
    return subprocess.run(
        [PYTHON, str(ROOT / "run.py"), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _as_from_a_terminal() -> None:
    """In the child: Ctrl-C (SIGINT) does what it does in a terminal.

    A test run started in the background of a shell inherits SIGINT ignored (POSIX), and so
    would the batch, which could then not be interrupted as a user interrupts it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_batch(*args: str, cwd: Path) -> subprocess.Popen:
    """Start ``python run.py batch ARGS`` in its own session (so it can be signalled alone)."""
    return subprocess.Popen(
        [PYTHON, str(ROOT / "run.py"), "batch", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )


def parts(results: Path, dataset: str = "timeseries") -> list[Path]:
    """The committed part files of a dataset."""
    folder = results / dataset
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def wait_for_parts(results: Path, count: int, process: subprocess.Popen, limit: float = 60):
    """Poll until `count` timeseries parts exist (or the process ends); return the count."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = len(parts(results))
        if found >= count or process.poll() is not None:
            return found
        time.sleep(0.005)
    raise AssertionError(f"no {count} parts in {results} after {limit} s")


def tables(results: Path) -> dict[str, pd.DataFrame]:
    """The timeseries and blocs of a results folder, sorted (and agents when present)."""
    opened = open_results(results)
    out = {"timeseries": opened.timeseries(), "blocs": opened.blocs()}
    if opened.has_agents:
        out["agents"] = opened.agents()
    return out


def assert_same_tables(a: Path, b: Path) -> None:
    """Two results folders hold the same rows, value for value, in the same order."""
    first, second = tables(a), tables(b)
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)


def run_keys(results: Path) -> list[tuple[str, int, int]]:
    """The (scenario, design point, replicate) of every run on disk, one entry per run."""
    runs = open_results(results).runs()
    return list(zip(runs["scenario"], runs["design_point"], runs["replicate"], strict=True))


def planned_keys(config: dict[str, Any], points: int = 1) -> set[tuple[str, int, int]]:
    """Every (scenario, design point, replicate) that a config plans."""
    return {
        (scenario, point, replicate)
        for scenario in config["scenarios"]
        for point in range(points)
        for replicate in range(config["replications"])
    }


def fingerprint(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `folder` (to show nothing changed)."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc), found while `pid` is alive."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = {int(k) for k in children.read_text().split()}
            except OSError:
                continue
            frontier.extend(kids - found)
            found |= kids
    return found


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def flip_bit(path: Path, bit: int) -> None:
    """Flip one bit of a file in place (bit 0 is the lowest bit of the first byte)."""
    data = bytearray(path.read_bytes())
    data[bit // 8] ^= 1 << (bit % 8)
    path.write_bytes(bytes(data))


def faulty_chunk(task: Any, faults: dict[tuple[str, int, int], str]) -> Any:
    """Run a chunk with some runs sabotaged: {(scenario, point, replicate): 'raise' | 'kill'}.

    A 'raise' run fails inside the chunk runner as a model error would; a 'kill' run kills its
    worker process (a lost worker). Defined here so that worker processes can import it.
    """
    import signal

    from experiments.batch import chunks

    if any(faults.get(r.key) == "kill" for r in task.runs):
        os.kill(os.getpid(), signal.SIGKILL)
    order = iter(task.runs)
    simulate = chunks.simulate

    def sabotaged(*args: Any, **options: Any) -> Any:
        run = next(order)
        if faults.get(run.key) == "raise":
            raise RuntimeError("injected failure")
        return simulate(*args, **options)

    chunks.simulate = sabotaged
    try:
        return REAL_RUN_CHUNK(task)
    finally:
        chunks.simulate = simulate


def sabotage(monkeypatch: Any, faults: dict[tuple[str, int, int], str]) -> None:
    """Make the batch's chunk runner (in this process and in its workers) sabotage `faults`."""
    import functools

    from experiments.batch import pools

    monkeypatch.setattr(pools, "run_chunk", functools.partial(faulty_chunk, faults=faults))


def write_checked_folder(
    folder: Path, manifest: dict[str, Any], frames: dict[str, pd.DataFrame]
) -> None:
    """A results folder from frames by dataset, each a single part with metadata and checksums.

    For synthetic folders (statistics over planted values): the readers accept it as a folder
    that a batch wrote.
    """
    import pyarrow as pa

    from experiments.store.manifest import MANIFEST_FORMAT, PartEntry
    from experiments.store.parts import encode_part, sha256_file

    name = "part-0-0.parquet"
    config_hash = manifest.setdefault("config_hash", "sha256:synthetic")
    checksums, runs = {}, 0
    for dataset, frame in frames.items():
        keys = list(
            dict.fromkeys(zip(frame.scenario, frame.design_point, frame.replicate, strict=True))
        )
        runs = max(runs, len(keys))
        table = pa.Table.from_pandas(frame, preserve_index=False)
        path = folder / dataset / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode_part(table, config_hash, dataset, keys))
        checksums[dataset] = sha256_file(path)
    manifest["format"] = MANIFEST_FORMAT
    manifest["parts"] = {name: PartEntry(runs=runs, sha256=checksums).model_dump()}
    (folder / "manifest.json").write_text(json.dumps(manifest))
