"""What makes a results folder trustworthy: every part compared with the listing.

The manifest lists every committed chunk with its run count and the sha256 of each of its
parts, and the journal lists those committed since the manifest was last written
(`experiments.store.manifest`); so a part on disk is always listed, and a part that is not
listed was not written by this batch. Each part carries its config hash and runs
(`experiments.store.parts`).

`check_folder` compares the folder with its listing: a part whose bytes differ from its
checksum, or that the manifest lists but is missing, is damaged (a batch started again sets
its chunk aside in ``damaged/`` and reruns it); a part not listed, or made by another config,
is foreign; two parts holding the same run are duplicates. Readers refuse all three, naming
the file.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from experiments.store.layout import (
    AGENTS,
    BLOCS,
    DAMAGED,
    DATASETS,
    TIMESERIES,
    RunKey,
    part_files,
)
from experiments.store.manifest import PartEntry, read_listing
from experiments.store.parts import read_part_info, sha256_file

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
    listing: dict[str, PartEntry] = field(default_factory=dict)
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
            listed = listing[name].sha256 if name in listing else {}
            if name in on_disk[TIMESERIES] and name in listing and dataset not in listed:
                check.foreign.append(_unlisted(path, config_hash))
    for name, entry in sorted(listing.items()):
        if name in on_disk[TIMESERIES]:
            _check_chunk(check, name, entry, on_disk, config_hash, required)
        elif name not in journal:  # journal entries without a part are landing, or never did
            check.listing[name] = entry
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
    entry: PartEntry,
    on_disk: Mapping[str, Mapping[str, Path]],
    config_hash: str,
    required: Sequence[str],
) -> None:
    checksums = entry.sha256
    check.listing[name] = entry
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
