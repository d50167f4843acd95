"""Where chunks run: in this process, on local worker processes, or on a Dask cluster.

Each pool takes chunk tasks (`experiments.batch.chunks.run_chunk` runs them) and hands back
futures; the batch waits for the first to finish, writes it, and submits more
(`experiments.batch.dispatch`). A local worker exits as soon as its driver is gone, so a
batch killed with ``kill -9`` leaves no worker behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from typing import Any, Protocol

from experiments.batch.chunks import ChunkTask, run_chunk
from experiments.errors import UsageError

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler before giving up."""


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
