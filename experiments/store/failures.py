"""failures.jsonl: one JSON line per failed run, appended as runs fail, read line by line.

A record holds the run's keys (scenario, design_point, replicate), its seed, the error and the
traceback. Reading is tolerant: a line that is not UTF-8, not JSON, not an object, or whose
fields have the wrong types is reported (one message naming the file and the line number) and
skipped. When a batch rewrites the file at the end of a session, such lines are moved verbatim
to ``failures.unreadable`` beside it, so nothing written is lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.io import write_text
from experiments.store.layout import FAILURES, KEY_COLUMNS, UNREADABLE_FAILURES


class FailureRecord(BaseModel):
    """The fields of a failure record that the batch relies on, with strict types."""

    model_config = ConfigDict(strict=True, extra="allow")

    scenario: str
    design_point: int = Field(ge=0)
    replicate: int = Field(ge=0)
    seed: int | None = None
    error: str = ""
    traceback: str = ""


@dataclass
class FailureLog:
    """The readable records of failures.jsonl and its unreadable lines.

    Attributes:
        path: the file.
        records: the valid records, in file order.
        bad: (line number, the line's bytes, why) of each line skipped.
    """

    path: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    bad: list[tuple[int, bytes, str]] = field(default_factory=list)

    def messages(self, suffix: str = "skipped") -> list[str]:
        """One line per skipped line: the file, the line number, why, and `suffix`."""
        return [f"{self.path} line {number}: {why}; {suffix}" for number, _, why in self.bad]


def read_failures(root: Path) -> FailureLog:
    """Read failures.jsonl of results folder `root` (an empty log when there is none)."""
    log = FailureLog(Path(root) / FAILURES)
    try:
        data = log.path.read_bytes()
    except FileNotFoundError:
        return log
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        if not line.strip():
            continue
        record, why = _parse(line)
        if record is None:
            log.bad.append((number, line, why))
        else:
            log.records.append(record)
    return log


def _parse(line: bytes) -> tuple[dict[str, Any] | None, str]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text (byte {error.start + 1})"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not JSON ({error.msg} at column {error.colno})"
    if not isinstance(record, dict):
        return None, f"expected a JSON object, found {type(record).__name__}"
    try:
        FailureRecord.model_validate(record)
    except ValidationError as error:
        return None, "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg'].lower()}, found {e.get('input')!r}"[:200]
            for e in error.errors()
        )
    return record, ""


def run_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """(scenario, design_point, replicate) of a record."""
    return tuple(record.get(k) for k in KEY_COLUMNS)


def append_failures(root: Path, failures: Sequence[Mapping[str, Any]]) -> None:
    """Append failure records to failures.jsonl, one line each, flushed to disk."""
    if not failures:
        return
    text = "".join(json.dumps(f, default=str) + "\n" for f in failures)
    with open(Path(root) / FAILURES, "a", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def settle_failures(
    root: Path, is_done: Callable[[Mapping[str, Any]], bool], warn: Callable[[str], None]
) -> int:
    """Rewrite failures.jsonl with the latest record of each run not done; return their count.

    Unreadable lines are reported through `warn` and moved to failures.unreadable first. The
    file is removed when no failed run is left.
    """
    root = Path(root)
    log = read_failures(root)
    if log.bad:
        lines = [line if line.endswith(b"\n") else line + b"\n" for _, line, _ in log.bad]
        with open(root / UNREADABLE_FAILURES, "ab") as stream:
            stream.write(b"".join(lines))
            stream.flush()
            os.fsync(stream.fileno())
        for message in log.messages(f"skipped, kept in {root / UNREADABLE_FAILURES}"):
            warn(message)
    latest = {run_key(r): r for r in log.records if not is_done(r)}
    if latest:
        text = "".join(json.dumps(r, default=str) + "\n" for r in latest.values())
        write_text(text, root / FAILURES)
    else:
        (root / FAILURES).unlink(missing_ok=True)
    return len(latest)
