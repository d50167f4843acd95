"""Writing a results folder chunk by chunk, so that it is whole after any interruption.

Every file is written to a temporary name (starting with a dot) and renamed into place. A
finished chunk's blocs and agents parts land first; then the chunk is added to the journal
with the sha256 of each part; its timeseries part is renamed last: that is the commit. A run is
done when a committed, verified timeseries part holds it; blocs and agents parts without their
timeseries part are leftovers of an interrupted chunk and are never read. A failed run has no
rows, only a line in ``failures.jsonl``; running the batch again retries it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from experiments.io import write_atomic, write_text
from experiments.store import failures as failure_log
from experiments.store.layout import (
    AGENTS,
    BLOCS,
    CONFIG_COPY,
    DAMAGED,
    DATASETS,
    FAILURES,
    JOURNAL,
    MANIFEST,
    TIMESERIES,
    UNREADABLE_FAILURES,
    committed_parts,
    is_part,
    part_name,
    required_datasets,
)
from experiments.store.manifest import (
    Manifest,
    PartEntry,
    append_journal,
    read_journal,
    read_manifest,
    write_manifest,
)
from experiments.store.parts import sha256_bytes
from experiments.store.verify import FolderCheck, check_folder


@dataclass
class ChunkOutput:
    """What a worker returns for one chunk of runs: encoded Parquet parts and failures.

    Attributes:
        chunk: the chunk's number within the batch session.
        runs: the plan index of every run in the chunk.
        done: the plan index of every run that finished.
        timeseries: Parquet bytes of the finished runs' time series (None if none finished).
        blocs: Parquet bytes of their per-bloc tables.
        agents: Parquet bytes of their observer snapshots (None without snapshots).
        failures: one record per failed run (keys, seed, error, traceback).
    """

    chunk: int
    runs: list[int]
    done: list[int] = field(default_factory=list)
    timeseries: bytes | None = None
    blocs: bytes | None = None
    agents: bytes | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)


class ResultsStore:
    """The writer of one results folder: parts, failures and the manifest, each written safely.

    Args:
        root: the results folder (``<out>/<config name>``); it must exist and be writable.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def read_manifest(self) -> Manifest | None:
        """The manifest, or None when there is none.

        Raises:
            ResultsError: when the manifest cannot be read or is not a batch manifest.
        """
        return read_manifest(self.root) if self.manifest_path.exists() else None

    def commit_manifest(self, manifest: Manifest, fold: bool = True) -> Manifest:
        """Write the manifest, then drop the journal; return the manifest written.

        Args:
            manifest: the manifest; its ``parts`` list the verified chunks.
            fold: add the journal's chunks (committed since the manifest was written) first.
        """
        if fold:  # the journal's chunks whose timeseries part landed
            landed = {
                name: entry
                for name, entry in read_journal(self.root).items()
                if (self.root / TIMESERIES / name).exists()
            }
            manifest = manifest.model_copy(update={"parts": {**manifest.parts, **landed}})
        write_manifest(self.root, manifest)
        (self.root / JOURNAL).unlink(missing_ok=True)
        return manifest

    def write_config(self, config: Mapping[str, Any]) -> None:
        """Keep the config as given beside the manifest (``config.yaml``), for `run.py repair`."""
        text = (
            "# The config of this batch, as given; `python run.py repair` rebuilds a lost\n"
            "# manifest.json from it.\n" + yaml.safe_dump(dict(config), sort_keys=False)
        )
        write_text(text, self.root / CONFIG_COPY)

    def clear(self) -> None:
        """Delete everything a batch wrote (for ``--fresh``); other files are left alone."""
        for name in (*DATASETS, DAMAGED):
            shutil.rmtree(self.root / name, ignore_errors=True)
        for name in (FAILURES, UNREADABLE_FAILURES, JOURNAL, CONFIG_COPY, MANIFEST):
            (self.root / name).unlink(missing_ok=True)

    def create(self, agents: bool) -> None:
        """Create the dataset folders (agents/ only with snapshots)."""
        for name in required_datasets(agents):
            (self.root / name).mkdir(exist_ok=True)

    def remove_unfinished(self) -> None:
        """Remove what an interrupted chunk left unfinished; finished parts are never touched.

        Temporary files are half-written parts; a blocs or agents part whose timeseries part is
        missing belongs to a chunk that never committed.
        """
        committed = {p.name for p in committed_parts(self.root, TIMESERIES)}
        for name in DATASETS:
            folder = self.root / name
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                unfinished = path.name.startswith(".") and path.name.endswith(".tmp")
                orphan = name != TIMESERIES and is_part(path.name) and path.name not in committed
                if unfinished or orphan:
                    path.unlink(missing_ok=True)

    def check(self, config_hash: str, agents: bool) -> FolderCheck:
        """Check every part against the listing (`experiments.store.verify.check_folder`).

        Every chunk needs its timeseries and blocs parts, and agents parts with snapshots.
        """
        return check_folder(self.root, config_hash, required_datasets(agents))

    def write_chunk(self, output: ChunkOutput, session: str) -> None:
        """Write a finished chunk: blocs and agents parts, its journal line, timeseries last.

        Each file is written to a temporary name and renamed, so that a chunk is either
        complete on disk (and listed with its checksums) or absent.
        """
        if output.timeseries is None:
            return
        name = part_name(session, output.chunk)
        data = {TIMESERIES: output.timeseries, BLOCS: output.blocs, AGENTS: output.agents}
        for dataset in (BLOCS, AGENTS):
            if data[dataset] is not None:
                write_bytes(data[dataset], self.root / dataset / name)
        checksums = {d: sha256_bytes(b) for d, b in data.items() if b is not None}
        append_journal(self.root, name, PartEntry(runs=len(output.done), sha256=checksums))
        write_bytes(output.timeseries, self.root / TIMESERIES / name)

    def append_failures(self, failures: Sequence[Mapping[str, Any]]) -> None:
        """Append failure records to failures.jsonl, one line each, flushed to disk."""
        failure_log.append_failures(self.root, failures)

    def settle_failures(
        self, is_done: Callable[[Mapping[str, Any]], bool], warn: Callable[[str], None]
    ) -> int:
        """Rewrite failures.jsonl with the latest record of each run not done; their count.

        `is_done(record)` says whether the record's run has since finished. Unreadable lines
        are reported through `warn` and kept in failures.unreadable.
        """
        return failure_log.settle_failures(self.root, is_done, warn)


def write_bytes(data: bytes, path: Path) -> None:
    """Write `data` to `path` atomically (a temporary file, then a rename)."""
    write_atomic(path, lambda temp: temp.write_bytes(data))
