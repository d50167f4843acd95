"""Batch experiments: every scenario x design point x replicate of a config, safely on disk.

`run_batch` plans the runs of a validated config, skips those already in its results folder,
groups the rest into chunks (each about a second or two of work, and at least four chunks per
worker) and runs the chunks on local worker processes, in this process (one worker), or on a
Dask distributed cluster. Every run goes through `experiments.runner.simulate`. Each finished
chunk is written to the results folder (`experiments.store`) before more work is awaited, and
at most two chunks per worker are in flight, so the driver's memory does not grow with the
number of runs.

Runs are numbered in plan order: scenario (config order), then design point, then replicate.
Replicate r has the seed ``model.streams.replicate_seed(config.seed, r)`` in every scenario
and design point (common random numbers), so results do not depend on how the batch ran.

A run that raises is recorded in failures.jsonl and the others go on. Ctrl-C (or SIGTERM)
stops at once, keeping every chunk already written; a lost worker or a write error (a full
disk) stops the batch the same way. Running the same command again runs only the missing
runs, including those that failed.

One batch at a time writes a results folder: the batch holds its lock (`experiments.lock`)
from before it reads the folder until its last write. Every part is checked before it counts
as done (`experiments.verify`): a damaged chunk is set aside in ``damaged/`` and rerun, and a
foreign or duplicated part stops the batch before it runs anything.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import hashlib
import math
import multiprocessing
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from experiments.design import Design, design_points
from experiments.errors import UsageError
from experiments.io import ensure_writable_dir
from experiments.lock import LOCK_FILE, folder_lock
from experiments.runner import simulate
from experiments.store import (
    BLOCS,
    KEY_COLUMNS,
    MANIFEST_FORMAT,
    TIMESERIES,
    ChunkOutput,
    ResultsError,
    ResultsStore,
    ResultsWarning,
    canonical_json,
    committed_parts,
    encode_parquet,
)
from experiments.verify import AGENTS, DAMAGED, part_metadata, set_aside
from model.config import ExperimentConfig, ModelSpec
from model.streams import replicate_seed
from model.version import MODEL_VERSION

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler before giving up."""
TARGET_CHUNK_SECONDS = 1.5
"""About how long one chunk of runs should take on one worker."""
CHUNKS_PER_WORKER = 4
"""At least this many chunks per worker, so that the workers finish together."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks submitted but not yet written, per worker: bounds the driver's memory."""
ELASTIC_SLOTS = 8
"""Workers to size chunks for on a Dask cluster, which may start small and scale up."""
PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "dask", "distributed", "SALib")
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class BatchError(RuntimeError):
    """The batch stopped before its end (a lost worker, a write error); finished runs are kept."""


class NotConfirmedError(RuntimeError):
    """The user did not confirm deleting earlier results (``--fresh``); nothing was deleted."""


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunPlan:
    """Every run of a batch, numbered scenario-major: index = (s * P + d) * R + r.

    Attributes:
        scenarios: scenario names in config order.
        design: the design points.
        replications: replicates per scenario and design point.
        base_seed: the config's seed, from which each replicate's seed derives.
    """

    scenarios: tuple[str, ...]
    design: Design
    replications: int
    base_seed: int

    def __len__(self) -> int:
        return len(self.scenarios) * len(self.design) * self.replications

    def key(self, index: int) -> tuple[str, int, int]:
        """(scenario, design point, replicate) of run `index`."""
        per_scenario = len(self.design) * self.replications
        scenario, rest = divmod(int(index), per_scenario)
        point, replicate = divmod(rest, self.replications)
        return self.scenarios[scenario], point, replicate

    def index_of(self, scenarios: Any, points: Any, replicates: Any) -> np.ndarray:
        """Plan indices of runs given as key arrays; -1 for a key outside the plan."""
        order = {name: i for i, name in enumerate(self.scenarios)}
        s = np.array([order.get(str(name), -1) for name in scenarios], dtype=np.int64)
        d = np.asarray(points, dtype=np.int64)
        r = np.asarray(replicates, dtype=np.int64)
        inside = (s >= 0) & (d >= 0) & (d < len(self.design)) & (r >= 0)
        inside &= r < self.replications
        index = (s * len(self.design) + d) * self.replications + r
        return np.where(inside, index, -1)

    def seed(self, replicate: int) -> int:
        """The seed of `replicate`: the same in every scenario and design point."""
        return replicate_seed(self.base_seed, replicate)


def plan_runs(config: ExperimentConfig, design: Design | None = None) -> RunPlan:
    """The runs of a validated config (its design points computed unless given)."""
    return RunPlan(
        config.scenarios,
        design if design is not None else design_points(config),
        config.replications,
        config.seed,
    )


def check_design(config: ExperimentConfig, design: Design) -> None:
    """Resolve every scenario at every design point, so that a bad point fails before any run.

    Raises:
        ConfigError: naming the first design point that does not resolve.
    """
    if design.method is None:
        return
    for point in design.points:
        for scenario in config.scenarios:
            config.design_spec(scenario, point)


def spec_for(config: ExperimentConfig, design: Design) -> Callable[[str, int], ModelSpec]:
    """A cached function (scenario, design point) -> the resolved model of that run."""

    @functools.lru_cache(maxsize=1024)
    def resolve(scenario: str, point: int) -> ModelSpec:
        if design.method is None:
            return config.scenario_spec(scenario)
        return config.design_spec(scenario, design.points[point])

    return resolve


# --------------------------------------------------------------------------------------------
# Chunks: what a worker runs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTask:
    """One run: its plan index, keys and seed."""

    index: int
    scenario: str
    design_point: int
    replicate: int
    seed: int


@dataclass(frozen=True)
class ChunkTask:
    """A group of runs for one worker, with everything they need besides the code.

    Attributes:
        chunk: the chunk's number in this session.
        runs: the runs, in plan order.
        specs: the resolved model of each (scenario, design point) in the chunk.
        points: the swept parameters' values of each design point in the chunk.
        parameters: the swept parameters (column names) and their value types.
        steps: steps per run.
        agents_every: observer snapshots every k steps (0: none).
        config_hash: the config's hash, written into every part's metadata.
    """

    chunk: int
    runs: tuple[RunTask, ...]
    specs: dict[tuple[str, int], ModelSpec]
    points: dict[int, dict[str, Any]]
    parameters: dict[str, str]
    steps: int
    agents_every: int = 0
    config_hash: str = ""


ARROW_KINDS = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}


def run_chunk(task: ChunkTask) -> ChunkOutput:
    """Run every run of a chunk; return their tables as Parquet bytes and their failures.

    A run that raises is recorded as a failure (keys, seed, error, traceback) and the chunk
    goes on with the next run. Each table carries the config hash, its dataset and the keys of
    its runs in its Parquet metadata.
    """
    finished: list[tuple[RunTask, Any]] = []
    failures: list[dict[str, Any]] = []
    for run in task.runs:
        try:
            spec = task.specs[(run.scenario, run.design_point)]
            result = simulate(spec, run.seed, task.steps, agents_every=task.agents_every)
        except Exception as error:
            failures.append(
                {
                    "scenario": run.scenario,
                    "design_point": run.design_point,
                    "replicate": run.replicate,
                    "seed": run.seed,
                    "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            )
            continue
        finished.append((run, result))
    output = ChunkOutput(
        chunk=task.chunk,
        runs=[run.index for run in task.runs],
        done=[run.index for run, _ in finished],
        failures=failures,
    )
    if finished:
        runs = [run for run, _ in finished]
        output.timeseries = _encoded(task, runs, [r.timeseries for _, r in finished], TIMESERIES)
        output.blocs = _encoded(task, runs, [r.blocs for _, r in finished], BLOCS)
        if task.agents_every > 0:
            output.agents = _encoded(task, runs, [r.agents for _, r in finished], AGENTS)
    return output


def _encoded(
    task: ChunkTask, runs: list[RunTask], frames: list[pd.DataFrame], dataset: str
) -> bytes:
    """The Parquet bytes of one dataset's part, with its metadata."""
    keys = [(r.scenario, r.design_point, r.replicate) for r in runs]
    table = _keyed_table(task, runs, frames)
    return encode_parquet(
        table.replace_schema_metadata(part_metadata(task.config_hash, dataset, keys))
    )


def _keyed_table(task: ChunkTask, runs: list[RunTask], frames: list[pd.DataFrame]) -> pa.Table:
    """The runs' frames stacked, after key and parameter columns, with model_version last."""
    lengths = [len(frame) for frame in frames]
    body = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
    body = body.replace_schema_metadata(None)

    def repeat(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pa.array(np.repeat(np.array(values, dtype=object), lengths).tolist(), type=kind)

    columns: dict[str, pa.Array] = {
        "scenario": repeat([r.scenario for r in runs], pa.string()),
        "design_point": repeat([r.design_point for r in runs], pa.int64()),
        "replicate": repeat([r.replicate for r in runs], pa.int64()),
        "seed": repeat([r.seed for r in runs], pa.int64()),
    }
    for path, kind in task.parameters.items():
        values = [task.points[r.design_point][path] for r in runs]
        columns[path] = repeat(values, ARROW_KINDS[kind])
    for name in body.column_names:
        columns[name] = body.column(name)
    columns["model_version"] = pa.array([MODEL_VERSION] * sum(lengths), type=pa.string())
    return pa.table(columns)


def chunk_size(
    config: ExperimentConfig, design: Design, missing: int, workers: int, agents: bool
) -> int:
    """Runs per chunk: about `TARGET_CHUNK_SECONDS` of work, and enough chunks for balance.

    The cost of a run is estimated from its observers and steps (measured here: about 10 ms
    of set-up and 0.6 us per observer-step).
    """
    observers = max(config.scenario_spec(s).observers for s in config.scenarios)
    if "observers" in design.parameters:
        observers = max(observers, *(int(p["observers"]) for p in design.points))
    seconds = 0.01 + 0.6e-6 * observers * config.steps * (1.3 if agents else 1.0)
    by_time = max(1, int(TARGET_CHUNK_SECONDS / seconds))
    by_balance = max(1, math.ceil(missing / (CHUNKS_PER_WORKER * workers)))
    return min(by_time, by_balance)


def make_chunks(
    config: ExperimentConfig,
    plan: RunPlan,
    missing: np.ndarray,
    size: int,
) -> Iterator[ChunkTask]:
    """The chunk tasks for the `missing` plan indices, `size` runs each, made lazily."""
    digest = config_hash(config)
    resolve = spec_for(config, plan.design)
    parameters = {p: plan.design.kinds[p] for p in plan.design.parameters}
    for number, start in enumerate(range(0, len(missing), size)):
        runs = []
        for index in missing[start : start + size]:
            scenario, point, replicate = plan.key(int(index))
            runs.append(RunTask(int(index), scenario, point, replicate, plan.seed(replicate)))
        groups = {(r.scenario, r.design_point) for r in runs}
        yield ChunkTask(
            chunk=number,
            runs=tuple(runs),
            specs={group: resolve(*group) for group in sorted(groups)},
            points={p: dict(plan.design.points[p]) for _, p in groups},
            parameters=parameters,
            steps=config.steps,
            agents_every=config.outputs.agents_every,
            config_hash=digest,
        )


# --------------------------------------------------------------------------------------------
# Where chunks run
# --------------------------------------------------------------------------------------------


class Pool(Protocol):
    """Where chunks run: in this process, on local worker processes, or on a Dask cluster."""

    slots: int
    label: str

    def submit(self, task: ChunkTask) -> Any:
        """Start a chunk; return its future."""

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        """Block until at least one future is done: (done, still pending)."""

    def cancel(self, pending: set[Any]) -> None:
        """Drop chunks not yet finished."""

    def close(self, now: bool = False) -> None:
        """Release the workers; `now` stops running chunks instead of waiting for them."""


class SerialPool:
    """Runs each chunk in this process when it is submitted (one worker)."""

    slots = 1
    label = "this process"

    def submit(self, task: ChunkTask) -> cf.Future:  # noqa: D102
        future: cf.Future = cf.Future()
        try:
            future.set_result(run_chunk(task))
        except Exception as error:
            future.set_exception(error)
        return future

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:  # noqa: D102
        return set(pending), set()

    def cancel(self, pending: set[Any]) -> None:  # noqa: D102
        pass

    def close(self, now: bool = False) -> None:  # noqa: D102
        pass


def _init_worker(driver: int) -> None:
    """Worker set-up: Ctrl-C is the driver's business; exit as soon as the driver is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_driver, args=(driver,), daemon=True).start()


def _watch_driver(driver: int) -> None:
    while True:
        if os.getppid() != driver:  # the driver died (kill -9): its work is orphaned
            os._exit(1)
        time.sleep(0.5)


class LocalPool:
    """Worker processes on this machine: a ProcessPoolExecutor with the 'spawn' start method.

    The start method is always given explicitly ('spawn': each worker is a child of this
    process, so it can tell when this process dies), never the global default, which
    `mesa.batch_run` changes on import.
    """

    def __init__(self, workers: int) -> None:
        self.slots = workers
        self.label = f"{workers} local worker process{'es' * (workers != 1)}"
        self.closed = False
        self.executor = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, task: ChunkTask) -> cf.Future:  # noqa: D102
        return self.executor.submit(run_chunk, task)

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:  # noqa: D102
        done, not_done = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        return set(done), set(not_done)

    def cancel(self, pending: set[Any]) -> None:  # noqa: D102
        for future in pending:
            future.cancel()

    def close(self, now: bool = False) -> None:  # noqa: D102
        if self.closed:  # closing twice (after an error) is a no-op
            return
        self.closed = True
        if now:
            # Running chunks are not finished runs: stop their processes rather than wait.
            for process in list((getattr(self.executor, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """The workers of a Dask distributed cluster, reached through its scheduler's address.

    Raises:
        UsageError: when the scheduler cannot be reached within `CONNECT_TIMEOUT` seconds.
    """

    def __init__(self, address: str) -> None:
        import logging

        from distributed import Client, as_completed

        quiet = [logging.getLogger(name) for name in ("distributed", "tornado")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.CRITICAL)
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise UsageError(
                f"--scheduler: cannot reach a Dask scheduler at {address} within "
                f"{CONNECT_TIMEOUT:g} s ({reason[:160]})"
            ) from None
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
        threads = sum(self.client.nthreads().values())
        self._slots, self._checked = max(1, threads), time.monotonic()
        self.label = f"the Dask cluster at {address} ({threads} worker threads at the start)"
        self.completed = as_completed(loop=self.client.loop)

    @property
    def slots(self) -> int:
        """Worker threads of the cluster, checked every few seconds (a cluster may scale)."""
        if time.monotonic() - self._checked > 5:
            with contextlib.suppress(Exception):
                self._slots = max(1, sum(self.client.nthreads().values()))
            self._checked = time.monotonic()
        return self._slots

    def submit(self, task: ChunkTask) -> Any:  # noqa: D102
        future = self.client.submit(run_chunk, task, pure=False)
        self.completed.add(future)
        return future

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:  # noqa: D102
        done = {next(self.completed)}
        while self.completed.has_ready():
            done.add(next(self.completed))
        return done, set(pending) - done

    def cancel(self, pending: set[Any]) -> None:  # noqa: D102
        if pending:
            with contextlib.suppress(Exception):
                self.client.cancel(list(pending))

    def close(self, now: bool = False) -> None:  # noqa: D102
        with contextlib.suppress(Exception):
            self.client.close(timeout=CONNECT_TIMEOUT)


def open_pool(workers: int | None, scheduler: str | None, chunks: int) -> Pool:
    """The pool for a batch: Dask with a scheduler, else local processes (one: this process)."""
    if scheduler:
        return DaskPool(scheduler)
    count = min(workers or available_cores(), max(chunks, 1))
    return SerialPool() if count == 1 else LocalPool(count)


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


def config_hash(config: ExperimentConfig) -> str:
    """sha256 of the canonical JSON of the config as given."""
    return "sha256:" + hashlib.sha256(canonical_json(config.to_dict()).encode()).hexdigest()


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that results depend on."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The commit of the code that runs, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_manifest(
    config: ExperimentConfig,
    plan: RunPlan,
    previous: Mapping[str, Any] | None,
    source: str | None,
) -> dict[str, Any]:
    """The manifest of a batch at its start (runs and times are updated as it goes)."""
    design = plan.design
    return {
        "format": MANIFEST_FORMAT,
        "name": config.name,
        "description": config.description,
        "config_path": source,
        "config_hash": config_hash(config),
        "config": config.to_dict(),
        "config_resolved": config.resolved_dict(),
        "model_version": MODEL_VERSION,
        "scenarios": list(config.scenarios),
        "steps": config.steps,
        "replications": config.replications,
        "seed": config.seed,
        "seed_rule": "model.streams.replicate_seed(seed, replicate): the same replicate has "
        "the same seed in every scenario and design point",
        "seed_plan": {str(r): plan.seed(r) for r in range(config.replications)},
        "method": design.method,
        "parameters": list(design.parameters),
        "parameter_kinds": dict(design.kinds),
        "samples": design.samples,
        "design_seed": design.seed,
        "problem": design.problem(),
        "calc_second_order": False if design.method == "sobol" else None,
        "design_points": [dict(p) for p in design.points],
        "outputs": {"agents_every": config.outputs.agents_every},
        "key_columns": list(KEY_COLUMNS),
        "versions": package_versions(),
        "python": platform.python_version(),
        "git_commit": git_commit(),
        "host": socket.gethostname(),
        "started": (previous or {}).get("started") or _now(),
        "finished": None,
        "status": "running",
        "runs_planned": len(plan),
        "runs_done": 0,
        "runs_failed": 0,
        "sessions": list((previous or {}).get("sessions", [])),
        "parts": {},
    }


# --------------------------------------------------------------------------------------------
# Running a batch
# --------------------------------------------------------------------------------------------


@dataclass
class BatchOutcome:
    """How a batch session ended.

    Attributes:
        root: the results folder.
        planned: runs in the plan.
        done_before: runs already done when the session started.
        done: runs done now.
        succeeded: runs that finished in this session.
        failed: runs that failed and have no result.
        status: complete, incomplete (some runs failed), interrupted or stopped.
        executor: where the session ran its chunks.
        message: why the session stopped early (empty otherwise).
    """

    root: Path
    planned: int
    done_before: int = 0
    done: int = 0
    succeeded: int = 0
    failed: int = 0
    status: str = "complete"
    executor: str = ""
    message: str = ""

    def summary(self) -> str:
        """The final line: runs succeeded and failed, and where the results are."""
        text = (
            f"{self.root.name}: {self.done} runs succeeded, {self.failed} failed, of "
            f"{self.planned} planned ({self.succeeded} in this session); results in {self.root}"
        )
        if self.failed:
            text += f"; failures in {self.root / 'failures.jsonl'}"
        return text


def _on_terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _warn(message: str) -> None:
    warnings.warn(message, ResultsWarning, stacklevel=4)


def run_batch(
    config: ExperimentConfig,
    out: Path = Path("results"),
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    fresh: bool = False,
    confirm: Callable[[str], bool] | None = None,
    progress: bool | None = None,
    source: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> BatchOutcome:
    """Run every missing run of `config` into ``out/<name>/`` and return how it ended.

    Args:
        config: the validated experiment.
        out: the folder that holds the results folder.
        workers: local worker processes (default: every core; 1 runs in this process).
        scheduler: a Dask scheduler address (``tcp://host:port``) to run on instead.
        fresh: delete earlier results of this folder and start over (after `confirm`).
        confirm: asked before deleting earlier results; returns whether to go ahead.
        progress: show a progress bar (default: when stderr is a terminal).
        source: the config's path, for the manifest.
        warn: called with each warning (a damaged chunk set aside and rerun, an unreadable
            line of failures.jsonl); default: `warnings.warn` with a `ResultsWarning`.

    Raises:
        UsageError: bad arguments, an unreachable scheduler, a results folder of another
            config (without `fresh`), a folder that another batch is writing
            (`experiments.lock.FolderLockedError`), or a foreign or duplicated part in it.
        OutputError: an output folder that cannot be written.
        ConfigError: a design point that does not resolve.
        NotConfirmedError: `fresh` was not confirmed; nothing was deleted.
        BatchError: a lost worker or a write error stopped the batch; finished runs are kept.
    """
    if workers is not None and workers < 1:
        raise UsageError(f"--workers: expected an integer >= 1, found {workers}")
    if workers is not None and scheduler:
        raise UsageError(
            "--workers: applies to local processes; with --scheduler the cluster's workers run "
            "the batch"
        )
    design = design_points(config)
    check_design(config, design)
    plan = plan_runs(config, design)
    root = Path(out) / config.name
    created = [root, *root.parents]
    created = created[: next(i for i, p in enumerate(created) if p.exists())]
    ensure_writable_dir(root, "--out")
    try:
        with folder_lock(root, "batch"):
            try:
                return _run_in(
                    root,
                    config,
                    plan,
                    workers,
                    scheduler,
                    fresh,
                    confirm,
                    progress,
                    source,
                    warn or _warn,
                )
            except (UsageError, NotConfirmedError):
                if created:  # still held: no other process has taken this new folder's lock
                    (root / LOCK_FILE).unlink(missing_ok=True)
                raise
    except (UsageError, NotConfirmedError):
        for folder in created:  # refused before writing anything: leave no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _run_in(
    root: Path,
    config: ExperimentConfig,
    plan: RunPlan,
    workers: int | None,
    scheduler: str | None,
    fresh: bool,
    confirm: Callable[[str], bool] | None,
    progress: bool | None,
    source: str | None,
    warn: Callable[[str], None],
) -> BatchOutcome:
    """`run_batch` once the results folder exists and this process holds its lock."""
    design = plan.design
    store = ResultsStore(root)
    agents = config.outputs.agents_every > 0
    previous = _earlier_batch(store, config, fresh, confirm)

    done = np.zeros(len(plan), dtype=bool)
    listing: dict[str, Any] = {}
    if not fresh:
        done, listing = _verified_runs(store, plan, config_hash(config), agents, warn)
    missing = np.flatnonzero(~done)
    outcome = BatchOutcome(root, len(plan), int(done.sum()), int(done.sum()))

    if not fresh and not len(missing):  # nothing to run: settle the records and stop
        if previous is not None and previous.get("status") != "complete":
            manifest = dict(previous, parts=listing)
            is_done = _done_check(plan, done)
            _finish_manifest(store, manifest, outcome, "complete", is_done, warn, fold=False)
        return outcome

    cores = 1 if scheduler else (workers or available_cores())
    size = chunk_size(config, design, len(missing), cores, agents)
    pool = open_pool(workers, scheduler, math.ceil(len(missing) / size))
    if pool.slots != cores:
        # A cluster may still be scaling up: size chunks for at least a few workers.
        sizing = max(pool.slots, ELASTIC_SLOTS) if scheduler else pool.slots
        size = chunk_size(config, design, len(missing), sizing, agents)
    outcome.executor = pool.label
    session = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    previous_handler = None
    if threading.current_thread() is threading.main_thread():
        previous_handler = signal.signal(signal.SIGTERM, _on_terminate)
    manifest: dict[str, Any] | None = None
    try:
        if fresh:
            store.clear()
        store.create(agents)
        manifest = build_manifest(config, plan, previous, source)
        manifest["parts"] = listing
        manifest["sessions"].append(
            {"started": _now(), "finished": None, "executor": pool.label, "runs": 0, "status": None}
        )
        manifest["runs_done"] = outcome.done
        store.commit_manifest(manifest, fold=False)
        store.write_config(config.to_dict())
        chunks = make_chunks(config, plan, missing, size)
        status, message, now = _execute(pool, chunks, store, session, done, outcome, progress)
        pool.close(now=now)
        outcome.status, outcome.message = status, message
        _finish_manifest(store, manifest, outcome, status, _done_check(plan, done), warn)
    except BaseException as error:
        with contextlib.suppress(Exception):  # the first error is the one to report
            pool.close(now=True)
        if manifest is not None:
            ended = "interrupted" if isinstance(error, KeyboardInterrupt) else "stopped"
            with contextlib.suppress(Exception):
                _finish_manifest(store, manifest, outcome, ended, None, warn)
        raise
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
    if outcome.status == "stopped":
        raise BatchError(outcome.message)
    return outcome


def _earlier_batch(
    store: ResultsStore,
    config: ExperimentConfig,
    fresh: bool,
    confirm: Callable[[str], bool] | None,
) -> dict[str, Any] | None:
    """The manifest of the batch already in the folder (None if none, or with `fresh`).

    Raises:
        NotConfirmedError: `fresh` was not confirmed.
        ResultsError: the folder holds another config's or model version's results, or batch
            files without a usable manifest.
    """
    root = store.root
    if not store.holds_batch():
        return None
    if fresh:
        parts = len(committed_parts(root, TIMESERIES))
        question = (
            f"{root} holds batch results ({parts} finished chunk{'s' * (parts != 1)}); "
            "delete them and start over?"
        )
        if confirm is None or not confirm(question):
            raise NotConfirmedError(f"not confirmed; nothing in {root} was deleted")
        return None
    instead = "use another --out, or --fresh to delete them and start over"
    previous = store.read_manifest()
    if previous is None:
        raise ResultsError(
            f"{root}: holds batch files but no manifest.json; rebuild it with "
            f"`python run.py repair {root}`, or {instead}"
        )
    if previous.get("config_hash") != config_hash(config):
        raise ResultsError(
            f"{root}: holds results of a different config ({previous.get('config_path')}"
            f", {str(previous.get('config_hash'))[:19]}...); {instead}"
        )
    if previous.get("model_version") != MODEL_VERSION:
        raise ResultsError(
            f"{root}: holds results of model version {previous.get('model_version')}, "
            f"this is {MODEL_VERSION}; {instead}"
        )
    if previous.get("format", 1) < MANIFEST_FORMAT:
        raise ResultsError(
            f"{store.manifest_path}: written before parts carried checksums; check its parts "
            f"and record them with `python run.py repair {root}`, or {instead}"
        )
    return previous


def _verified_runs(
    store: ResultsStore,
    plan: RunPlan,
    digest: str,
    agents: bool,
    warn: Callable[[str], None],
) -> tuple[np.ndarray, dict[str, Any]]:
    """The runs of the folder's verified chunks, and their listing.

    Once the folder is accepted, what interrupted chunks left is removed and damaged chunks
    are set aside.

    Raises:
        ResultsError: naming a foreign or duplicated part (nothing is changed).
    """
    check = store.check(digest, agents)
    refusal = check.refusal(rerun=True)
    if refusal is not None:
        raise ResultsError(refusal)
    store.remove_unfinished()
    for name, problems in sorted(check.damaged.items()):
        runs = check.listing[name]["runs"]
        set_aside(store.root, name)
        warn(f"{problems[0]}; set aside in {store.root / DAMAGED}, its {runs} runs run again")
    done = np.zeros(len(plan), dtype=bool)
    for name in check.chunks:
        scenarios, points, replicates = zip(*check.runs[name], strict=True)
        index = plan.index_of(scenarios, points, replicates)
        done[index[index >= 0]] = True
    return done, {name: check.listing[name] for name in check.chunks}


def _done_check(plan: RunPlan, done: np.ndarray) -> Callable[[Mapping[str, Any]], bool]:
    def is_done(record: Mapping[str, Any]) -> bool:
        index = plan.index_of(
            [record.get("scenario")],
            [record.get("design_point", -1)],
            [record.get("replicate", -1)],
        )[0]
        return index < 0 or bool(done[index])

    return is_done


def _finish_manifest(
    store: ResultsStore,
    manifest: dict[str, Any],
    outcome: BatchOutcome,
    status: str,
    is_done: Callable[[Mapping[str, Any]], bool] | None,
    warn: Callable[[str], None],
    fold: bool = True,
) -> None:
    """Settle failures.jsonl and write the manifest's end state (best effort on a full disk).

    With `fold`, the chunks of this session's journal join the manifest's parts.
    """
    try:
        if is_done is not None:
            outcome.failed = store.settle_failures(is_done, warn)
    except OSError as error:
        outcome.message = outcome.message or f"cannot update failures.jsonl ({error})"
    if status == "complete" and (outcome.failed or outcome.done < outcome.planned):
        status = "incomplete"
    outcome.status = status
    manifest["status"] = outcome.status
    manifest["finished"] = _now()
    manifest["runs_planned"] = outcome.planned
    manifest["runs_done"] = outcome.done
    manifest["runs_failed"] = outcome.failed
    if manifest.get("sessions"):
        manifest["sessions"][-1].update(
            {"finished": manifest["finished"], "runs": outcome.succeeded, "status": outcome.status}
        )
    with contextlib.suppress(OSError):
        store.commit_manifest(manifest, fold=fold)


def _execute(
    pool: Pool,
    chunks: Iterator[ChunkTask],
    store: ResultsStore,
    session: str,
    done: np.ndarray,
    outcome: BatchOutcome,
    progress: bool | None,
) -> tuple[str, str, bool]:
    """Submit chunks, writing each finished one before waiting for more: (status, why, now)."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(
        total=outcome.planned,
        initial=outcome.done,
        unit="run",
        desc=store.root.name,
        disable=not show,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    failed = 0
    pending: set[Any] = set()
    exhausted = False
    try:
        while True:
            window = IN_FLIGHT_PER_WORKER * pool.slots
            while not exhausted and len(pending) < window:
                task = next(chunks, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    pending.add(pool.submit(task))
                except Exception as error:  # a pool broken by a lost worker refuses work
                    pool.cancel(pending)
                    return "stopped", _lost_worker_message(error, outcome), True
            if not pending:
                return "complete", "", False
            finished, pending = pool.wait(pending)
            for future in finished:
                try:
                    output: ChunkOutput = future.result()
                except Exception as error:
                    pool.cancel(pending)
                    return "stopped", _lost_worker_message(error, outcome), True
                try:
                    store.write_chunk(output, session)
                    done[output.done] = True
                    outcome.done += len(output.done)
                    outcome.succeeded += len(output.done)
                    store.append_failures(output.failures)
                except OSError as error:
                    pool.cancel(pending)
                    return "stopped", _write_error_message(error, outcome), True
                failed += len(output.failures)
                bar.update(len(output.runs))
                if failed:
                    bar.set_postfix_str(f"failed {failed}", refresh=False)
    except KeyboardInterrupt:
        pool.cancel(pending)
        return "interrupted", "interrupted", True
    finally:
        bar.close()


LOST_WORKER_ERRORS = frozenset(
    {
        "BrokenProcessPool",
        "KilledWorker",
        "CommClosedError",
        "CancelledError",
        "FutureCancelledError",
    }
)
"""Errors by which a process pool or a Dask cluster says that a worker went away."""


def _lost_worker_message(error: BaseException, outcome: BatchOutcome) -> str:
    reason = str(error).splitlines()[0] if str(error) else ""
    what = f"{type(error).__name__}{': ' + reason[:200] if reason else ''}"
    lost = type(error).__name__ in LOST_WORKER_ERRORS or isinstance(error, OSError)
    head = f"a worker was lost ({what})" if lost else f"a chunk could not run ({what})"
    return (
        f"{head}; {outcome.done} finished runs are kept in {outcome.root}; run the same "
        "command to finish the missing runs"
    )


def _write_error_message(error: OSError, outcome: BatchOutcome) -> str:
    reason = error.strerror or str(error)
    return (
        f"cannot write results in {outcome.root} ({reason}); {outcome.done} finished runs are "
        "kept; free space or fix the folder, then run the same command to finish the missing runs"
    )
