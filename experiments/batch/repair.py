"""Rebuild a lost or unreadable manifest.json from the config and the parts (`run.py repair`).

The config comes from ``--config`` or from the copy a batch keeps beside its manifest
(``config.yaml``). Every timeseries part must carry that config's hash in its metadata: a part
of another config, or two parts holding the same run, stop the repair before anything is
changed. Each chunk's parts must agree on their runs and be readable to the last page (every
page carries a CRC); checksums of the batch's journal are compared where they survive. A chunk
that fails is set aside in ``damaged/``, and the batch command reruns its runs.

The rebuilt manifest lists the sha256 of every part as it is now, so the same batch command
then resumes (running only what is missing) and readers verify the folder as before.

A folder written before parts carried checksums (manifest format 1) is brought up to date the
same way: its config comes from its manifest, each part's runs from its key columns, and each
part is rewritten with its metadata (the same rows) before its checksum is recorded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from experiments.batch.plan import RunPlan, plan_runs
from experiments.batch.record import config_hash, start_manifest
from experiments.design import design_points
from experiments.io import write_atomic
from experiments.store.failures import read_failures, run_key
from experiments.store.layout import (
    CONFIG_COPY,
    DAMAGED,
    KEY_COLUMNS,
    MANIFEST,
    TIMESERIES,
    UNREADABLE_MANIFEST,
    ResultsError,
    RunKey,
    part_files,
    required_datasets,
)
from experiments.store.lock import folder_lock
from experiments.store.manifest import (
    MANIFEST_FORMAT,
    Manifest,
    PartEntry,
    Repaired,
    read_journal,
)
from experiments.store.parts import encode_part, read_part_info, sha256_file
from experiments.store.verify import Problem, set_aside
from experiments.store.writer import ResultsStore
from model.config import ExperimentConfig, load_config


@dataclass
class RepairOutcome:
    """What a repair found and wrote.

    Attributes:
        manifest: the manifest written.
        planned: runs in the plan.
        done: runs held by the chunks kept.
        chunks: chunks kept.
        set_aside: chunks moved to ``damaged/``.
    """

    manifest: Path
    planned: int
    done: int = 0
    chunks: int = 0
    set_aside: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what the manifest now records, and what to do next."""
        text = (
            f"repaired {self.manifest}: {self.done} of {self.planned} runs in {self.chunks} chunks"
        )
        if self.set_aside:
            text += f"; {len(self.set_aside)} damaged chunks set aside in {DAMAGED}/"
        if self.done < self.planned:
            text += "; run the same batch command to finish the missing runs"
        return text


@dataclass
class _Survey:
    """The chunks found on disk.

    Kept chunks with their files and runs, damaged ones with their first problem, and those
    whose parts have no metadata yet (format 1).
    """

    kept: dict[str, tuple[dict[str, Path], tuple[RunKey, ...]]] = field(default_factory=dict)
    damaged: dict[str, Problem] = field(default_factory=dict)
    unstamped: set[str] = field(default_factory=set)


def repair(
    root: Path, config_path: Path | None = None, warn: Callable[[str], None] = print
) -> RepairOutcome:
    """Rebuild the manifest of results folder `root` (see the module docstring).

    Args:
        root: the results folder.
        config_path: the batch's config (default: ``root/config.yaml``).
        warn: called with one line per chunk set aside.

    Raises:
        ResultsError: no such folder, an intact manifest (nothing to repair), no config, a
            part of another config, or duplicated runs; nothing is changed then.
        FolderLockedError: a batch is writing the folder.
        ConfigError: the config does not validate.
    """
    root = Path(root)
    if not root.is_dir():
        raise ResultsError(f"{root}: no such results folder")
    with folder_lock(root, "repair"):
        store = ResultsStore(root)
        older, unreadable = _lost_manifest(store)
        config, source = _config(root, config_path, older)
        plan = plan_runs(config, design_points(config))
        agents = config.outputs.agents_every > 0
        survey = _survey(root, config, source, agents, legacy=older is not None)
        _check_plan(plan, survey)
        outcome = RepairOutcome(store.manifest_path, len(plan))
        store.remove_unfinished()
        for name, problem in sorted(survey.damaged.items()):
            set_aside(root, name)
            outcome.set_aside.append(name)
            warn(f"{problem}; set aside in {root / DAMAGED}, its runs run again")
        if unreadable:
            shutil.move(store.manifest_path, root / UNREADABLE_MANIFEST)
        digest = config_hash(config)
        for name in sorted(survey.unstamped & set(survey.kept)):
            _stamp(*survey.kept[name], digest)
        manifest = _manifest(config, plan, survey, source, root, older)
        outcome.done, outcome.chunks = manifest.runs_done, len(survey.kept)
        store.commit_manifest(manifest, fold=False)
        if not (root / CONFIG_COPY).exists():
            store.write_config(config.to_dict())
    return outcome


def _lost_manifest(store: ResultsStore) -> tuple[Manifest | None, bool]:
    """(a manifest of format 1 to bring up to date or None, whether it is unreadable).

    Raises:
        ResultsError: the manifest is intact: nothing to repair.
    """
    if not store.manifest_path.exists():
        return None, False
    try:
        manifest = store.read_manifest()
    except ResultsError:
        return None, True
    if manifest is not None and manifest.format < MANIFEST_FORMAT and manifest.config:
        return manifest, False
    raise ResultsError(
        f"{store.manifest_path}: readable; nothing to repair (the batch command reruns "
        "damaged parts)"
    )


def _config(root: Path, given: Path | None, older: Manifest | None) -> tuple[ExperimentConfig, str]:
    """The batch's config and where it came from: --config, config.yaml, or a format-1 manifest.

    Raises:
        ResultsError: none of them is there.
    """
    if given is not None:
        return load_config(given), str(given)
    if (root / CONFIG_COPY).exists():
        return load_config(root / CONFIG_COPY), str(root / CONFIG_COPY)
    if older is not None:
        source = str(root / MANIFEST)
        return load_config(older.config, source=source), source
    raise ResultsError(
        f"{root}: no {CONFIG_COPY} to rebuild the manifest from; give the batch's config "
        "with --config CONFIG"
    )


def _survey(
    root: Path, config: ExperimentConfig, source: str, agents: bool, legacy: bool
) -> _Survey:
    """Check every chunk on disk against the config (nothing is changed).

    Raises:
        ResultsError: a part of another config, or two parts holding the same run.
    """
    digest = config_hash(config)
    journal = read_journal(root)
    required = required_datasets(agents)[1:]  # besides the timeseries part
    survey = _Survey()
    seen: dict[RunKey, Path] = {}
    for name, path in part_files(root, TIMESERIES).items():
        info = read_part_info(path)
        if info is not None and info.config_hash != digest:
            raise ResultsError(
                f"{path}: written by another config ({info.config_hash[:19]}..., {source} is "
                f"{digest[:19]}...); give the batch's own config with --config CONFIG"
            )
        runs = _part_runs(path, TIMESERIES, digest, legacy)
        if runs is None:
            survey.damaged[name] = Problem(path, "damaged (no readable part metadata)")
            continue
        if info is None:
            survey.unstamped.add(name)
        files = {TIMESERIES: path}
        problem = _companions(root, name, runs, digest, required, files, legacy)
        journaled = journal[name].sha256 if name in journal else {}
        problem = problem or _readable(files, journaled)
        if problem is not None:
            survey.damaged[name] = problem
            continue
        for key in runs:
            if key in seen:
                raise ResultsError(
                    f"{path}: holds the same runs as {seen[key].name} (e.g. "
                    f"{'/'.join(map(str, key))}); move one of them out of the folder"
                )
            seen[key] = path
        survey.kept[name] = (files, runs)
    return survey


def _part_runs(path: Path, dataset: str, digest: str, legacy: bool) -> tuple[RunKey, ...] | None:
    """A part's runs: from its metadata, or (format 1) from its key columns; None if neither."""
    info = read_part_info(path)
    if info is not None:
        return info.runs if (info.config_hash, info.dataset) == (digest, dataset) else None
    if not legacy:
        return None
    try:
        keys = pq.read_table(path, columns=list(KEY_COLUMNS)).to_pydict()
    except (OSError, pa.ArrowException, KeyError):
        return None
    rows = zip(*(keys[k] for k in KEY_COLUMNS), strict=True)
    return tuple(dict.fromkeys((str(s), int(d), int(r)) for s, d, r in rows))


def _companions(
    root: Path,
    name: str,
    runs: tuple[RunKey, ...],
    digest: str,
    required: tuple[str, ...],
    files: dict[str, Path],
    legacy: bool,
) -> Problem | None:
    """The first problem with a chunk's blocs (and agents) parts; adds them to `files`."""
    for dataset in required:
        path = root / dataset / name
        if not path.exists():
            return Problem(path, "missing")
        theirs = _part_runs(path, dataset, digest, legacy)
        if theirs is None:
            return Problem(path, "damaged (no readable part metadata)")
        if set(theirs) != set(runs):
            return Problem(path, "damaged (its runs differ from its timeseries part's)")
        files[dataset] = path
    return None


def _readable(files: Mapping[str, Path], journal: Mapping[str, str]) -> Problem | None:
    """The first part that differs from its journal checksum or cannot be read to the end."""
    for dataset, path in files.items():
        if dataset in journal and sha256_file(path) != journal[dataset]:
            return Problem(path, "damaged (its sha256 differs from the journal's)")
        try:
            pq.read_table(path, page_checksum_verification=True)
        except (OSError, pa.ArrowException) as error:
            reason = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
            return Problem(path, f"damaged (cannot be read: {reason})")
    return None


def _check_plan(plan: RunPlan, survey: _Survey) -> None:
    """Raise `ResultsError` naming a kept part that holds a run outside the plan."""
    for files, runs in survey.kept.values():
        if (plan.index_of(*zip(*runs, strict=True)) < 0).any():
            raise ResultsError(f"{files[TIMESERIES]}: holds runs outside the config's plan")


def _stamp(files: Mapping[str, Path], runs: tuple[RunKey, ...], digest: str) -> None:
    """Rewrite a chunk's parts that lack metadata with it (the same rows), atomically."""
    for dataset, path in files.items():
        if read_part_info(path) is None:
            data = encode_part(pq.read_table(path), digest, dataset, runs)
            write_atomic(path, lambda temp, data=data: temp.write_bytes(data))


def _manifest(
    config: ExperimentConfig,
    plan: RunPlan,
    survey: _Survey,
    source: str,
    root: Path,
    older: Manifest | None,
) -> Manifest:
    """The rebuilt manifest: the batch's record, with the kept chunks and their checksums."""
    parts = {
        name: PartEntry(runs=len(runs), sha256={d: sha256_file(p) for d, p in files.items()})
        for name, (files, runs) in sorted(survey.kept.items())
    }
    manifest = start_manifest(config, plan, older, source, parts)
    done = {key for _, runs in survey.kept.values() for key in runs}
    failed = {run_key(r) for r in read_failures(root).records} - done
    repaired = Repaired(source=source, chunks=len(survey.kept), set_aside=sorted(survey.damaged))
    return manifest.model_copy(
        update={
            "status": "complete" if len(done) == len(plan) and not failed else "incomplete",
            "finished": manifest.started,
            "runs_done": len(done),
            "runs_failed": len(failed),
            "repaired": repaired,
        }
    )
