"""Dispatching chunks to a pool, and writing each finished chunk before waiting for more.

At most `IN_FLIGHT_PER_WORKER` chunks per worker are submitted and not yet written, so the
driver's memory does not grow with the number of runs. A lost worker, a chunk that cannot run
or a write error (a full disk) stops the dispatch at once, and so does Ctrl-C; what was written
stays written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from experiments.batch.chunks import ChunkTask
from experiments.batch.outcome import BatchOutcome, lost_worker_message, write_error_message
from experiments.batch.pools import Pool
from experiments.store.writer import ChunkOutput, ResultsStore

IN_FLIGHT_PER_WORKER = 2
"""Chunks submitted but not yet written, per worker: bounds the driver's memory."""


def dispatch(
    pool: Pool,
    chunks: Iterator[ChunkTask],
    store: ResultsStore,
    session: str,
    done: np.ndarray,
    outcome: BatchOutcome,
    progress: bool | None,
) -> tuple[str, str, bool]:
    """Run `chunks` on `pool`, writing each into `store` as it finishes.

    Marks the runs written in `done` and counts them in `outcome`.

    Returns:
        (status, why, now): complete, stopped or interrupted; why it stopped (empty when
        complete); whether the pool must stop its running chunks rather than wait for them.
    """
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
                    return "stopped", lost_worker_message(error, outcome), True
            if not pending:
                return "complete", "", False
            finished, pending = pool.wait(pending)
            for future in finished:
                try:
                    output: ChunkOutput = future.result()
                except Exception as error:
                    pool.cancel(pending)
                    return "stopped", lost_worker_message(error, outcome), True
                try:
                    store.write_chunk(output, session)
                    done[output.done] = True
                    outcome.done += len(output.done)
                    outcome.succeeded += len(output.done)
                    store.append_failures(output.failures)
                except OSError as error:
                    pool.cancel(pending)
                    return "stopped", write_error_message(error, outcome), True
                failed += len(output.failures)
                bar.update(len(output.runs))
                if failed:
                    bar.set_postfix_str(f"failed {failed}", refresh=False)
    except KeyboardInterrupt:
        pool.cancel(pending)
        return "interrupted", "interrupted", True
    finally:
        bar.close()
