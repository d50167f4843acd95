"""One writer at a time per results folder: an advisory lock held while a batch writes it.

The lock is `fcntl.flock` on the file ``.batch.lock`` inside the results folder, taken without
waiting and held for the whole command. The operating system releases it when the holder's
file is closed, so a holder that is killed (even by SIGKILL) releases it with its death. While
held, the file records the holder (command, pid, host, since when) for the message another
process gets; it is emptied on release and never deleted, since deleting a lock file lets two
processes lock two different files of the same name.

Readers (compare, report, the dashboard) take no lock: what they read is verified instead
(`experiments.store.verify`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from experiments.errors import UsageError
from experiments.store.layout import LOCK_FILE

HOLDER_WAIT = 1.0
"""Seconds to wait for a new holder to record itself before naming it unknown."""


class FolderLockedError(UsageError):
    """Another process is writing the results folder (bad input: exit status 2)."""


@contextlib.contextmanager
def folder_lock(root: Path, command: str) -> Iterator[Path]:
    """Hold the lock of results folder `root` (which must exist) for the `with` block.

    Args:
        root: the results folder.
        command: what holds it (``batch``, ``repair``), recorded for other processes.

    Yields:
        The lock file.

    Raises:
        FolderLockedError: another process holds the lock; the message names it.
        UsageError: the folder's file system cannot lock files.
    """
    path = Path(root) / LOCK_FILE
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise UsageError(f"{root}: cannot open {LOCK_FILE} ({error.strerror or error})") from None
    try:
        _lock(handle, Path(root))
        record = {
            "command": command,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _rewrite(handle, json.dumps(record) + "\n")
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                _rewrite(handle, "")
    finally:
        os.close(handle)  # releases the lock


def _lock(handle: int, root: Path) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise FolderLockedError(f"{root}: {_holder(handle)}") from None
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise FolderLockedError(f"{root}: {_holder(handle)}") from None
        raise UsageError(
            f"{root}: cannot lock {LOCK_FILE} ({error.strerror or error}); use a folder on a "
            "file system that supports locks"
        ) from None


def _rewrite(handle: int, text: str) -> None:
    os.ftruncate(handle, 0)
    os.pwrite(handle, text.encode(), 0)
    os.fsync(handle)


def _holder(handle: int) -> str:
    """Who holds the lock, in words, waiting briefly for a holder that has just taken it."""
    deadline = time.monotonic() + HOLDER_WAIT
    while True:
        try:
            record = json.loads(os.pread(handle, 4096, 0))
            who = f"pid {int(record['pid'])} on {record['host']} since {record['since']}"
            command = str(record.get("command", "batch"))
            return (
                f"another {command} is writing this folder ({who}); wait for it to end, or "
                "stop it and run the same command again"
            )
        except (ValueError, KeyError, TypeError, OSError):
            if time.monotonic() > deadline:
                return "another process is writing this folder (it did not say which)"
            time.sleep(0.05)
