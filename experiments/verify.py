"""What makes a results folder trustworthy: part metadata, checksums and the check of a folder.

Each finished chunk of runs is one part per dataset (``<dataset>/part-<session>-<n>.parquet``).
Every part carries, in its Parquet key-value metadata, the hash of the config that made it
(``diplomacy.config_hash``), its dataset (``diplomacy.dataset``) and its runs' keys
(``diplomacy.runs``, a JSON list of ``[scenario, design_point, replicate]``); nothing that
depends on time or place, so the same config and seed give the same bytes.

The manifest lists every committed chunk with its run count and the sha256 of each of its
parts (``"parts": {name: {"runs": n, "sha256": {dataset: hex}}}``). During a batch each chunk
is first added to the journal ``parts.jsonl`` (one line per chunk, appended and flushed
before its timeseries part is renamed into place); at the start and the end of every session
the chunks whose timeseries part landed are folded into the manifest and the journal is
dropped. So a part on disk is always listed, and a part that is not listed was not written by
this batch.

`check_folder` compares the folder with its listing: a part whose bytes differ from its
checksum, or that the manifest lists but is missing, is damaged (a batch started again sets
its chunk aside in ``damaged/`` and reruns it); a part not listed, or made by another config,
is foreign; two parts holding the same run are duplicates. Readers refuse all three, naming
the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
JOURNAL = "parts.jsonl"
DAMAGED = "damaged"
TIMESERIES, BLOCS, AGENTS = "timeseries", "blocs", "agents"
DATASETS = (TIMESERIES, BLOCS, AGENTS)
PART_PREFIX, PART_SUFFIX = "part-", ".parquet"
META_HASH, META_DATASET, META_RUNS = (
    b"diplomacy.config_hash",
    b"diplomacy.dataset",
    b"diplomacy.runs",
)

RunKey = tuple[str, int, int]


def part_metadata(config_hash: str, dataset: str, runs: Iterable[RunKey]) -> dict[bytes, bytes]:
    """The key-value metadata of a part: its config hash, dataset and runs' keys."""
    keys = [[str(s), int(d), int(r)] for s, d, r in runs]
    return {
        META_HASH: config_hash.encode(),
        META_DATASET: dataset.encode(),
        META_RUNS: json.dumps(keys, separators=(",", ":")).encode(),
    }


@dataclass(frozen=True)
class PartInfo:
    """What a part's metadata says about it."""

    config_hash: str
    dataset: str
    runs: tuple[RunKey, ...]


def read_part_info(path: Path) -> PartInfo | None:
    """The metadata of a part, or None when the file has no readable part metadata."""
    try:
        meta = pq.read_metadata(path).metadata or {}
        runs = tuple((str(s), int(d), int(r)) for s, d, r in json.loads(meta[META_RUNS]))
        return PartInfo(meta[META_HASH].decode(), meta[META_DATASET].decode(), runs)
    except (OSError, pa.ArrowException, KeyError, ValueError, TypeError):
        return None


def sha256_bytes(data: bytes) -> str:
    """The sha256 of bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, in hex, read in blocks."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def is_part(name: str) -> bool:
    """Whether a file name is that of a part."""
    return name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX)


def part_files(root: Path, dataset: str) -> dict[str, Path]:
    """Name -> path of every part file of `dataset` on disk."""
    folder = Path(root) / dataset
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if is_part(p.name) and p.is_file()}


# --------------------------------------------------------------------------------------------
# The listing: the manifest's parts and the journal
# --------------------------------------------------------------------------------------------


def listing_entry(runs: int, checksums: Mapping[str, str]) -> dict[str, Any]:
    """One chunk's entry in the listing: its run count and each dataset's sha256."""
    return {"runs": int(runs), "sha256": dict(checksums)}


def append_journal(root: Path, name: str, entry: Mapping[str, Any]) -> None:
    """Add a committed chunk to the journal, flushed to disk before its part is renamed."""
    line = json.dumps({"part": name, **entry}, separators=(",", ":")) + "\n"
    with open(Path(root) / JOURNAL, "a", encoding="utf-8") as stream:
        stream.write(line)
        stream.flush()
        os.fsync(stream.fileno())


def read_journal(root: Path) -> dict[str, dict[str, Any]]:
    """The chunks in the journal; a line cut short by a crash (its part never landed) is skipped."""
    path = Path(root) / JOURNAL
    if not path.exists():
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for line in path.read_bytes().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        entry = _entry(record)
        if entry is not None:
            entries[record["part"]] = entry
    return entries


def _entry(record: Any) -> dict[str, Any] | None:
    if not isinstance(record, dict) or not isinstance(record.get("part"), str):
        return None
    checksums = record.get("sha256")
    if not isinstance(checksums, dict) or not isinstance(record.get("runs"), int):
        return None
    return listing_entry(record["runs"], {str(k): str(v) for k, v in checksums.items()})


def read_listing(root: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The chunks listed by the manifest, and those in the journal (empty when absent).

    The journal is read before the manifest, so that a chunk folded into the manifest meanwhile
    is still found.
    """
    journal = read_journal(root)
    try:
        manifest = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, journal
    listed = manifest.get("parts") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return {}, journal
    entries = {
        name: entry
        for name, value in listed.items()
        if (entry := _entry({"part": name, **value} if isinstance(value, dict) else None))
    }
    return entries, journal


# --------------------------------------------------------------------------------------------
# Checking a folder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One file that does not check out, and why."""

    path: Path
    why: str

    def __str__(self) -> str:
        return f"{self.path}: {self.why}"


@dataclass
class FolderCheck:
    """A results folder compared with its listing.

    Attributes:
        root: the results folder.
        chunks: verified chunks, name -> {dataset: path}.
        runs: the runs of each verified chunk.
        listing: the listing entry of each listed chunk checked.
        damaged: chunks whose parts are damaged or missing, name -> problems (rerunnable).
        foreign: parts that this batch did not write (not listed, or of another config).
        duplicates: verified parts holding runs that another verified part holds.
    """

    root: Path
    chunks: dict[str, dict[str, Path]] = field(default_factory=dict)
    runs: dict[str, tuple[RunKey, ...]] = field(default_factory=dict)
    listing: dict[str, dict[str, Any]] = field(default_factory=dict)
    damaged: dict[str, list[Problem]] = field(default_factory=dict)
    foreign: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)

    def parts(self, dataset: str) -> list[Path]:
        """The verified parts of `dataset`, sorted by name."""
        return [files[dataset] for _, files in sorted(self.chunks.items()) if dataset in files]

    def refusal(self, rerun: bool) -> str | None:
        """The one-line reason to refuse the folder, or None.

        Args:
            rerun: whether damaged chunks will be rerun (a batch resuming) rather than refused.
        """
        problems = [
            *(f"{p}; move it out of the folder" for p in self.foreign),
            *(f"{p}; move one of them out of the folder" for p in self.duplicates),
        ]
        if not rerun:
            problems += [
                f"{chunk[0]}; run the batch again to rerun its runs"
                for chunk in self.damaged.values()
            ]
        if not problems:
            return None
        more = len(problems) - 1
        return problems[0] + (f" (and {more} more problem{'s' * (more != 1)})" if more else "")


def check_folder(
    root: Path, config_hash: str, required: Sequence[str] = (TIMESERIES,)
) -> FolderCheck:
    """Compare the parts of a results folder with its listing (see the module docstring).

    Args:
        root: the results folder.
        config_hash: the hash of the folder's config.
        required: the datasets every chunk must have (a chunk without one is damaged).
    """
    root = Path(root)
    on_disk = {dataset: part_files(root, dataset) for dataset in DATASETS}
    committed, journal = read_listing(root)
    listing = {**committed, **journal}
    check = FolderCheck(root)
    for name, path in on_disk[TIMESERIES].items():
        if name not in listing:
            check.foreign.append(_unlisted(path, config_hash))
    for dataset in (BLOCS, AGENTS):
        for name, path in on_disk[dataset].items():
            listed = listing.get(name, {}).get("sha256", {})
            if name in on_disk[TIMESERIES] and name in listing and dataset not in listed:
                check.foreign.append(_unlisted(path, config_hash))
    for name, entry in sorted(listing.items()):
        if name in on_disk[TIMESERIES]:
            _check_chunk(check, name, entry, on_disk, config_hash, required)
        elif name not in journal:  # journal entries without a part are landing, or never did
            check.listing[name] = dict(entry)
            check.damaged[name] = [Problem(root / TIMESERIES / name, "missing")]
    _find_duplicates(check)
    return check


def _unlisted(path: Path, config_hash: str) -> Problem:
    info = read_part_info(path)
    if info is not None and info.config_hash != config_hash:
        return Problem(
            path,
            f"written by another config ({info.config_hash[:19]}..., this folder's is "
            f"{config_hash[:19]}...)",
        )
    return Problem(path, "not listed in the manifest (a copied or foreign part)")


def _check_chunk(
    check: FolderCheck,
    name: str,
    entry: Mapping[str, Any],
    on_disk: Mapping[str, Mapping[str, Path]],
    config_hash: str,
    required: Sequence[str],
) -> None:
    checksums: Mapping[str, str] = entry["sha256"]
    check.listing[name] = dict(entry)
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    for dataset in DATASETS:
        if dataset not in checksums and dataset not in required:
            continue
        path = on_disk[dataset].get(name)
        if path is None or dataset not in checksums:
            problems.append(Problem(Path(check.root) / dataset / name, "missing"))
        elif sha256_file(path) != checksums[dataset]:
            problems.append(Problem(path, "damaged (its sha256 differs from the manifest's)"))
        else:
            files[dataset] = path
    if problems:
        check.damaged[name] = problems
        return
    info = read_part_info(files[TIMESERIES])
    if info is None or info.config_hash != config_hash or info.dataset != TIMESERIES:
        check.foreign.append(_unlisted(files[TIMESERIES], config_hash))
        return
    check.chunks[name], check.runs[name] = files, info.runs


def _find_duplicates(check: FolderCheck) -> None:
    seen: dict[RunKey, str] = {}
    for name in sorted(check.chunks):
        for key in check.runs[name]:
            if key in seen:
                first = check.chunks[seen[key]][TIMESERIES]
                check.duplicates.append(
                    Problem(
                        check.chunks[name][TIMESERIES],
                        f"holds the same runs as {first.name} (e.g. {'/'.join(map(str, key))})",
                    )
                )
                break
            seen[key] = name
    for problem in check.duplicates:
        check.chunks.pop(problem.path.name, None)


def set_aside(root: Path, name: str) -> list[Path]:
    """Move every file of chunk `name` to ``damaged/<dataset>/`` (kept, never read again)."""
    moved = []
    for dataset in DATASETS:
        path = Path(root) / dataset / name
        if not path.exists():
            continue
        target = Path(root) / DAMAGED / dataset / name
        target.parent.mkdir(parents=True, exist_ok=True)
        number = 1
        while target.exists():
            target = target.with_name(f"{name}.{number}")
            number += 1
        shutil.move(path, target)
        moved.append(target)
    return moved
