"""How a batch ends: its outcome, the errors that stop it, and what they say.

A batch session ends complete, incomplete (some runs failed), interrupted (Ctrl-C or SIGTERM)
or stopped (a lost worker, a write error). Whatever the end, every chunk already written is
kept, and the message says so and how to finish: run the same command again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BatchError(RuntimeError):
    """The batch stopped before its end (a lost worker, a write error); finished runs are kept."""


class NotConfirmedError(RuntimeError):
    """The user did not confirm deleting earlier results (``--fresh``); nothing was deleted."""


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


def lost_worker_message(error: BaseException, outcome: BatchOutcome) -> str:
    """Why the batch stopped when a chunk's future raised: a lost worker, or a chunk that failed."""
    reason = str(error).splitlines()[0] if str(error) else ""
    what = f"{type(error).__name__}{': ' + reason[:200] if reason else ''}"
    lost = type(error).__name__ in LOST_WORKER_ERRORS or isinstance(error, OSError)
    head = f"a worker was lost ({what})" if lost else f"a chunk could not run ({what})"
    return (
        f"{head}; {outcome.done} finished runs are kept in {outcome.root}; run the same "
        "command to finish the missing runs"
    )


def write_error_message(error: OSError, outcome: BatchOutcome) -> str:
    """Why the batch stopped when a finished chunk could not be written (a full disk)."""
    reason = error.strerror or str(error)
    return (
        f"cannot write results in {outcome.root} ({reason}); {outcome.done} finished runs are "
        "kept; free space or fix the folder, then run the same command to finish the missing runs"
    )
