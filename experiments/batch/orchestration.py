"""Running a batch: every scenario x design point x replicate of a config, safely on disk.

`run_batch` plans the runs of a validated config (`experiments.batch.plan`), takes the results
folder's lock (`experiments.store.lock`) from before it reads the folder until its last write,
keeps the runs already done (`experiments.batch.resume`), groups the rest into chunks
(`experiments.batch.chunks`) and runs them in this process, on local worker processes or on a
Dask cluster (`experiments.batch.pools`), writing each finished chunk before more work is
awaited (`experiments.batch.dispatch`). The manifest records the session at its start and end
(`experiments.batch.record`).

A run that raises is recorded in failures.jsonl and the others go on. Ctrl-C (or SIGTERM)
stops at once, keeping every chunk already written; a lost worker or a write error (a full
disk) stops the batch the same way. Running the same command again runs only the missing runs,
including those that failed.
"""

from __future__ import annotations

import contextlib
import functools
import math
import secrets
import signal
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from experiments.batch.chunks import chunk_size, make_chunks
from experiments.batch.dispatch import dispatch
from experiments.batch.outcome import BatchError, BatchOutcome, NotConfirmedError
from experiments.batch.plan import RunPlan, check_design, plan_runs
from experiments.batch.pools import Pool, available_cores, open_pool
from experiments.batch.record import config_hash, session_ended, session_started, start_manifest
from experiments.batch.resume import done_check, earlier_batch, verified_runs
from experiments.design import design_points
from experiments.errors import UsageError
from experiments.io import ensure_writable_dir
from experiments.store.layout import LOCK_FILE, ResultsWarning
from experiments.store.lock import folder_lock
from experiments.store.manifest import Manifest
from experiments.store.writer import ResultsStore
from model.config import ExperimentConfig

ELASTIC_SLOTS = 8
"""Workers to size chunks for on a Dask cluster, which may start small and scale up."""


def warn_of_results(message: str) -> None:
    """The default way a batch warns: a `ResultsWarning`."""
    warnings.warn(message, ResultsWarning, stacklevel=4)


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs and reports: the options of ``run.py batch``.

    Attributes:
        workers: local worker processes (default: every core; 1 runs in this process).
        scheduler: a Dask scheduler address (``tcp://host:port``) to run on instead.
        fresh: delete earlier results of the folder and start over (after `confirm`).
        confirm: asked before deleting earlier results; returns whether to go ahead.
        progress: show a progress bar (default: when stderr is a terminal).
        source: the config's path, for the manifest.
        warn: called with each warning (a damaged chunk set aside and rerun, an unreadable
            line of failures.jsonl).
    """

    workers: int | None = None
    scheduler: str | None = None
    fresh: bool = False
    confirm: Callable[[str], bool] | None = None
    progress: bool | None = None
    source: str | None = None
    warn: Callable[[str], None] = warn_of_results

    def check(self) -> None:
        """Raise `UsageError` for options that contradict each other or are out of range."""
        if self.workers is not None and self.workers < 1:
            raise UsageError(f"--workers: expected an integer >= 1, found {self.workers}")
        if self.workers is not None and self.scheduler:
            raise UsageError(
                "--workers: applies to local processes; with --scheduler the cluster's workers "
                "run the batch"
            )


@dataclass(frozen=True)
class Batch:
    """One batch session's fixed facts: the config, its plan and hash, the folder, the options."""

    config: ExperimentConfig
    plan: RunPlan
    store: ResultsStore
    options: BatchOptions

    @functools.cached_property
    def digest(self) -> str:
        """The config's hash, carried by every part and the manifest."""
        return config_hash(self.config)

    @property
    def agents(self) -> bool:
        """Whether the runs keep observer snapshots."""
        return self.config.outputs.agents_every > 0


def run_batch(
    config: ExperimentConfig, out: Path = Path("results"), options: BatchOptions | None = None
) -> BatchOutcome:
    """Run every missing run of `config` into ``out/<name>/`` and return how it ended.

    Args:
        config: the validated experiment.
        out: the folder that holds the results folder.
        options: how to run it (default: local processes on every core, resuming).

    Raises:
        UsageError: bad options, an unreachable scheduler, a results folder of another config
            (without `fresh`), a folder that another batch is writing
            (`experiments.store.lock.FolderLockedError`), or a foreign or duplicated part in it.
        OutputError: an output folder that cannot be written.
        ConfigError: a design point that does not resolve.
        NotConfirmedError: `fresh` was not confirmed; nothing was deleted.
        BatchError: a lost worker or a write error stopped the batch; finished runs are kept.
    """
    options = options or BatchOptions()
    options.check()
    design = design_points(config)
    check_design(config, design)
    root = Path(out) / config.name
    batch = Batch(config, plan_runs(config, design), ResultsStore(root), options)
    created = [root, *root.parents]
    created = created[: next(i for i, p in enumerate(created) if p.exists())]
    ensure_writable_dir(root, "--out")
    try:
        with folder_lock(root, "batch"):
            try:
                return _run_in(batch)
            except (UsageError, NotConfirmedError):
                if created:  # still held: no other process has taken this new folder's lock
                    (root / LOCK_FILE).unlink(missing_ok=True)
                raise
    except (UsageError, NotConfirmedError):
        for folder in created:  # refused before writing anything: leave no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _run_in(batch: Batch) -> BatchOutcome:
    """`run_batch` once the results folder exists and this process holds its lock."""
    config, plan, store, options = batch.config, batch.plan, batch.store, batch.options
    previous = earlier_batch(store, batch.digest, options.fresh, options.confirm)
    done = np.zeros(len(plan), dtype=bool)
    listing = {}
    if not options.fresh:
        done, listing = verified_runs(store, plan, batch.digest, batch.agents, options.warn)
    missing = np.flatnonzero(~done)
    outcome = BatchOutcome(store.root, len(plan), int(done.sum()), int(done.sum()))

    if not options.fresh and not len(missing):  # nothing to run: settle the records and stop
        if previous is not None and previous.status != "complete":
            settled = previous.model_copy(update={"parts": listing})
            _finish(batch, settled, outcome, "complete", done_check(plan, done), fold=False)
        return outcome

    pool, size = _open_pool(batch, len(missing))
    outcome.executor = pool.label
    session = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    previous_handler = None
    if threading.current_thread() is threading.main_thread():
        previous_handler = signal.signal(signal.SIGTERM, _on_terminate)
    manifest: Manifest | None = None
    try:
        if options.fresh:
            store.clear()
        store.create(batch.agents)
        manifest = start_manifest(config, plan, previous, options.source, listing)
        manifest = session_started(manifest, pool.label, outcome.done)
        store.commit_manifest(manifest, fold=False)
        store.write_config(config.to_dict())
        chunks = make_chunks(config, plan, missing, size, batch.digest)
        status, message, now = dispatch(
            pool, chunks, store, session, done, outcome, options.progress
        )
        pool.close(now=now)
        outcome.status, outcome.message = status, message
        _finish(batch, manifest, outcome, status, done_check(plan, done))
    except BaseException as error:
        with contextlib.suppress(Exception):  # the first error is the one to report
            pool.close(now=True)
        if manifest is not None:
            ended = "interrupted" if isinstance(error, KeyboardInterrupt) else "stopped"
            with contextlib.suppress(Exception):
                _finish(batch, manifest, outcome, ended, None)
        raise
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
    if outcome.status == "stopped":
        raise BatchError(outcome.message)
    return outcome


def _open_pool(batch: Batch, missing: int) -> tuple[Pool, int]:
    """The pool for the missing runs, and the chunk size for its workers."""
    config, design, options = batch.config, batch.plan.design, batch.options
    cores = 1 if options.scheduler else (options.workers or available_cores())
    size = chunk_size(config, design, missing, cores, batch.agents)
    pool = open_pool(options.workers, options.scheduler, math.ceil(missing / size))
    if pool.slots != cores:
        # A cluster may still be scaling up: size chunks for at least a few workers.
        sizing = max(pool.slots, ELASTIC_SLOTS) if options.scheduler else pool.slots
        size = chunk_size(config, design, missing, sizing, batch.agents)
    return pool, size


def _finish(
    batch: Batch,
    manifest: Manifest,
    outcome: BatchOutcome,
    status: str,
    is_done: Callable[[Mapping[str, Any]], bool] | None,
    fold: bool = True,
) -> None:
    """Settle failures.jsonl and write the manifest's end state (best effort on a full disk).

    With `fold`, the chunks of this session's journal join the manifest's parts.
    """
    store = batch.store
    try:
        if is_done is not None:
            outcome.failed = store.settle_failures(is_done, batch.options.warn)
    except OSError as error:
        outcome.message = outcome.message or f"cannot update failures.jsonl ({error})"
    if status == "complete" and (outcome.failed or outcome.done < outcome.planned):
        status = "incomplete"
    outcome.status = status
    counts = (outcome.planned, outcome.done, outcome.failed, outcome.succeeded)
    with contextlib.suppress(OSError):
        store.commit_manifest(session_ended(manifest, status, *counts), fold=fold)


def _on_terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
