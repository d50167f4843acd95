"""Writing results safely: atomic files (temporary file, then rename) and writable folders."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class OutputError(ValueError):
    """An output location that cannot be used (bad input: exit status 2)."""


def ensure_writable_dir(path: Path, label: str = "--out") -> Path:
    """Create `path` if needed and check that files can be written there."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{label}: {path} exists and is not a folder") from None
    except OSError as error:
        raise OutputError(f"{label}: cannot create {path} ({error.strerror or error})") from None
    if not path.is_dir():
        raise OutputError(f"{label}: {path} exists and is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{label}: cannot write to {path} (permission denied)")
    return path


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write `path` via a temporary file in the same folder, then rename it into place.

    A reader never sees a half-written file, and an existing file is replaced only by a
    complete new one.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temp = Path(temporary)
    try:
        write(temp)
        with open(temp, "rb") as stream:
            os.fsync(stream.fileno())
        os.chmod(temp, _new_file_mode())  # mkstemp makes 0600
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """The mode that open() gives a new file: 0666 less the process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame to Parquet atomically, without the pandas index."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    write_atomic(path, lambda temp: pq.write_table(table, temp))


def write_text(text: str, path: Path) -> None:
    """Write a text file atomically."""
    write_atomic(path, lambda temp: temp.write_text(text, encoding="utf-8"))
