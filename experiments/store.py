"""The results folder of a batch: writing it chunk by chunk, safely, and reading it back.

Layout (INTERFACE.md, ``results/<name>/``)::

    manifest.json      what was run: the config as given and resolved, its hash, the model
                       version, base seed and seed plan, design points, package versions, git
                       commit, host, start and end times, runs planned, done and failed, and
                       the sha256 of every committed part
    config.yaml        the config as given, from which `run.py repair` rebuilds a lost manifest
    timeseries/        Parquet dataset, one row per run and step: scenario, design_point,
                       replicate, seed, the swept parameters (dotted paths as column names),
                       the MODEL_SPEC output columns, model_version
    blocs/             Parquet dataset, one row per run, step and bloc: the same key and
                       parameter columns, then the per-bloc columns (model.model.BLOC_COLUMNS)
    agents/            only when outputs.agents_every > 0: one row per run, snapshot step and
                       observer (observer, bloc, elite, legitimacy of each side, blame)
    failures.jsonl     one JSON line per failed run: its keys, seed, error and traceback
    parts.jsonl        while a batch runs: the chunks committed since the manifest was written
    damaged/           parts that failed their check, set aside when the batch reran them
    .batch.lock        held by the batch writing the folder (`experiments.lock`)

Each finished chunk of runs is one file ``part-<session>-<n>.parquet`` in each dataset,
carrying its config hash and runs in its Parquet metadata (`experiments.verify`). Every file is
written to a temporary name (starting with a dot) and renamed into place; the chunk is added to
the journal ``parts.jsonl`` with the sha256 of each part, and its timeseries part is renamed
last: it is the commit. A run is done when a committed, verified timeseries part holds it;
blocs and agents parts without their timeseries part are leftovers of an interrupted chunk and
are never read. A failed run has no rows, only a line in ``failures.jsonl``; running the batch
again retries it.

Reading (the comparison and the report use only this)::

    from experiments.store import open_results

    results = open_results("results/walkout")      # ResultsError if it is not a results
                                                   # folder or a part does not check out
    results.manifest                               # the manifest as a dict (keys below)
    results.scenarios, results.parameters          # scenario names, swept dotted paths
    results.method, results.seed_plan              # sweep method or None; {replicate: seed}
    results.runs_done, results.runs_planned        # runs on disk (from the files), in the plan
    results.columns, results.bloc_columns          # column names of the two datasets
    results.design_points()                        # DataFrame: design_point, <parameters>
    ts = results.timeseries(
        columns=["legitimacy_gap"],                # plus the key columns and step, always
        filters=[("step", "==", 200)],             # pyarrow DNF filters or an Expression
    )
    results.blocs(columns=["bloc", "legitimacy_gap"], filters=[("scenario", "==", "both")])
    results.agents()                               # the snapshots (empty without them)
    results.failures()                             # DataFrame of the failed runs
    results.runs()                                 # DataFrame of the runs done

Manifest keys: name, description, config_path, config (as given), config_resolved (each
scenario's resolved model), config_hash (``sha256:`` of the canonical JSON of the config as
given), model_version, scenarios, steps, replications, seed (the base seed), seed_plan
({replicate: seed}), method, parameters, parameter_kinds, samples, design_seed, problem (the
SALib problem of an lhs or sobol design: num_vars, names, bounds), calc_second_order,
design_points (one {path: value} per design point), outputs, key_columns, versions (package
versions), python, git_commit (None outside git), host, started, finished, status (running,
complete, incomplete, interrupted, stopped), runs_planned, runs_done, runs_failed, sessions
(one entry per invocation: started, finished, executor, runs, status), parts (each committed
chunk's run count and the sha256 of its parts), and repaired (when `run.py repair` rebuilt it).
A manifest is rewritten at the start and the end of every session; after a crash it may say
``running``: the verified files are the truth, which `Results.runs_done` reads.

Opening a folder verifies it (`experiments.verify.check_folder`): every listed part's sha256 is
compared with the manifest's, and a part that is damaged, missing, not listed, made by another
config, or holding runs that another part holds raises `ResultsError` naming the file. Parts
are never merged twice.

Tables come back sorted by scenario (config order), design point, replicate and then in each
run's own order (step, then bloc or observer), whichever way and in whatever chunks the batch
ran. Only the requested columns are read from disk.
"""

from __future__ import annotations

import functools
import json
import shutil
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml

from experiments import failures as failure_log
from experiments.errors import UsageError
from experiments.io import write_atomic, write_text
from experiments.verify import (
    AGENTS,
    BLOCS,
    DAMAGED,
    DATASETS,
    JOURNAL,
    MANIFEST,
    PART_PREFIX,
    PART_SUFFIX,
    TIMESERIES,
    FolderCheck,
    append_journal,
    check_folder,
    is_part,
    listing_entry,
    read_journal,
    sha256_bytes,
)

FAILURES = failure_log.FAILURES
CONFIG_COPY = "config.yaml"
KEY_COLUMNS = failure_log.KEY_COLUMNS
"""The columns that identify a run."""
RUN_COLUMNS = (*KEY_COLUMNS, "seed")
"""The columns that every row of every dataset starts with."""
MANIFEST_FORMAT = 2
"""Format 2: the manifest lists every part's sha256 (format 1 had no checksums)."""


class ResultsError(UsageError):
    """A folder that is not (or not usable as) a batch results folder: bad input, exit 2."""


class ResultsWarning(UserWarning):
    """Something in a results folder was skipped while reading it (e.g. a bad failure line)."""


@dataclass
class ChunkOutput:
    """What a worker returns for one chunk of runs: encoded Parquet tables and failures.

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


def encode_parquet(table: pa.Table) -> bytes:
    """A table as the bytes of a Parquet file, with a CRC checksum in every page header."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, write_page_checksum=True)
    return sink.getvalue().to_pybytes()


def canonical_json(data: Any) -> str:
    """JSON with sorted keys, no spaces, and every mapping key as text (for hashing)."""
    return json.dumps(_text_keys(data), sort_keys=True, separators=(",", ":"), default=str)


def _text_keys(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {str(k): _text_keys(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_text_keys(v) for v in data]
    return data


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


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

    @property
    def failures_path(self) -> Path:
        """Where the failed runs are listed."""
        return self.root / FAILURES

    def holds_batch(self) -> bool:
        """Whether the folder holds anything a batch wrote (empty dataset folders aside)."""
        return (
            self.manifest_path.exists()
            or self.failures_path.exists()
            or (self.root / JOURNAL).exists()
            or any(
                any((self.root / name).iterdir())
                for name in DATASETS
                if (self.root / name).is_dir()
            )
        )

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when there is none.

        Raises:
            ResultsError: when the manifest cannot be read as JSON.
        """
        return _read_manifest(self.root) if self.manifest_path.exists() else None

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Write the manifest atomically."""
        write_text(json.dumps(manifest, indent=2, default=str) + "\n", self.manifest_path)

    def commit_manifest(self, manifest: dict[str, Any], fold: bool = True) -> None:
        """Write the manifest, then drop the journal.

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
            manifest["parts"] = {**manifest.get("parts", {}), **landed}
        self.write_manifest(manifest)
        (self.root / JOURNAL).unlink(missing_ok=True)

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
        for name in (FAILURES, failure_log.UNREADABLE, JOURNAL, CONFIG_COPY, MANIFEST):
            (self.root / name).unlink(missing_ok=True)

    def create(self, agents: bool) -> None:
        """Create the dataset folders (agents/ only with snapshots)."""
        for name in (TIMESERIES, BLOCS, AGENTS) if agents else (TIMESERIES, BLOCS):
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
        """Check every part against the listing (`experiments.verify.check_folder`).

        Every chunk needs its timeseries and blocs parts, and agents parts with snapshots.
        """
        required = (TIMESERIES, BLOCS, AGENTS) if agents else (TIMESERIES, BLOCS)
        return check_folder(self.root, config_hash, required)

    def write_chunk(self, output: ChunkOutput, session: str) -> None:
        """Write a finished chunk: blocs and agents parts, its journal line, timeseries last.

        Each file is written to a temporary name and renamed, so that a chunk is either
        complete on disk (and listed with its checksums) or absent.
        """
        if output.timeseries is None:
            return
        name = f"{PART_PREFIX}{session}-{output.chunk:06d}{PART_SUFFIX}"
        data = {TIMESERIES: output.timeseries, BLOCS: output.blocs, AGENTS: output.agents}
        for dataset in (BLOCS, AGENTS):
            if data[dataset] is not None:
                _write_bytes(data[dataset], self.root / dataset / name)
        checksums = {d: sha256_bytes(b) for d, b in data.items() if b is not None}
        append_journal(self.root, name, listing_entry(len(output.done), checksums))
        _write_bytes(output.timeseries, self.root / TIMESERIES / name)

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


def _write_bytes(data: bytes, path: Path) -> None:
    write_atomic(path, lambda temp: temp.write_bytes(data))


def committed_parts(root: Path, dataset: str) -> list[Path]:
    """The parts of `dataset` whose timeseries part exists, sorted by name (unverified)."""
    folder = Path(root) / dataset
    if not folder.is_dir():
        return []
    parts = sorted(p for p in folder.iterdir() if is_part(p.name) and p.is_file())
    if dataset == TIMESERIES:
        return parts
    committed = {p.name for p in committed_parts(root, TIMESERIES)}
    return [p for p in parts if p.name in committed]


def _read_manifest(root: Path) -> dict[str, Any]:
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(
            f"{path}: cannot read the manifest ({error}); rebuild it with "
            f"`python run.py repair {root}`"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("config_hash"), str):
        raise ResultsError(
            f"{path}: not a batch manifest (no config_hash); rebuild it with "
            f"`python run.py repair {root}`"
        )
    return manifest


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

Filters = ds.Expression | Sequence[Any] | None


class Results:
    """A batch results folder opened for reading (see the module docstring).

    Args:
        path: the results folder, e.g. ``results/walkout``.
        manifest: its manifest.
    """

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = Path(path)
        self.manifest = manifest

    @functools.cached_property
    def check(self) -> FolderCheck:
        """The folder's parts, verified against the manifest (see the module docstring).

        Raises:
            ResultsError: naming a part that is damaged, missing, not listed, made by another
                config, or holding runs that another part holds.
        """
        check = check_folder(self.path, str(self.manifest["config_hash"]))
        refusal = check.refusal(rerun=False)
        if refusal is not None:
            raise ResultsError(refusal)
        return check

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r}, {self.runs_done} of {self.runs_planned} runs done)"

    @functools.cached_property
    def runs_done(self) -> int:
        """Runs with results on disk (read from the files, not the manifest)."""
        return len(self.runs())

    @property
    def runs_planned(self) -> int:
        """Runs in the batch's plan."""
        return int(self.manifest.get("runs_planned", 0))

    @property
    def seed_plan(self) -> dict[int, int]:
        """Replicate -> seed (the same in every scenario and design point)."""
        return {int(r): int(seed) for r, seed in self.manifest.get("seed_plan", {}).items()}

    @property
    def columns(self) -> list[str]:
        """The columns of the time series (empty before the first run is done)."""
        return self._columns(TIMESERIES)

    @property
    def bloc_columns(self) -> list[str]:
        """The columns of the per-bloc table (empty before the first run is done)."""
        return self._columns(BLOCS)

    @property
    def has_blocs(self) -> bool:
        """Whether per-bloc tables are on disk."""
        return bool(self.check.parts(BLOCS))

    @property
    def has_agents(self) -> bool:
        """Whether observer snapshots are on disk."""
        return bool(self.check.parts(AGENTS))

    def _columns(self, dataset: str) -> list[str]:
        parts = self.check.parts(dataset)
        return list(pq.read_schema(parts[0]).names) if parts else []

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in config order."""
        return list(self.manifest.get("scenarios", []))

    @property
    def parameters(self) -> list[str]:
        """The swept parameters (dotted paths; they are also column names)."""
        return list(self.manifest.get("parameters", []))

    @property
    def method(self) -> str | None:
        """The sweep method (grid, lhs, sobol), or None without a sweep."""
        return self.manifest.get("method")

    def design_points(self) -> pd.DataFrame:
        """One row per design point: design_point, then the value of each swept parameter."""
        rows = [
            {"design_point": i, **point}
            for i, point in enumerate(self.manifest.get("design_points", [{}]))
        ]
        return pd.DataFrame(rows, columns=["design_point", *self.parameters])

    def timeseries(
        self, columns: Sequence[str] | None = None, filters: Filters = None
    ) -> pd.DataFrame:
        """The model-level time series: one row per run and step.

        Args:
            columns: columns to read besides the key columns and step (default: all).
            filters: rows to keep, as pyarrow DNF tuples (``[("step", "==", 200)]``) or a
                `pyarrow.dataset.Expression`.
        """
        return self._read(TIMESERIES, columns, filters, ("step",))

    def blocs(self, columns: Sequence[str] | None = None, filters: Filters = None) -> pd.DataFrame:
        """The per-bloc tables: one row per run, step and bloc (arguments as `timeseries`)."""
        return self._read(BLOCS, columns, filters, ("step", "bloc"))

    def agents(self, columns: Sequence[str] | None = None, filters: Filters = None) -> pd.DataFrame:
        """The observer snapshots: one row per run, snapshot step and observer (may be empty)."""
        return self._read(AGENTS, columns, filters, ("step", "observer"))

    def runs(self) -> pd.DataFrame:
        """One row per run done: scenario, design_point, replicate, seed."""
        frame = self._read(TIMESERIES, [], [("step", "==", 0)], ())
        return frame.loc[:, list(RUN_COLUMNS)].reset_index(drop=True) if len(frame) else frame

    def failures(self) -> pd.DataFrame:
        """The runs that failed and have no results: keys, seed, error, traceback."""
        log = failure_log.read_failures(self.path)
        for message in log.messages():
            warnings.warn(message, ResultsWarning, stacklevel=2)
        records = log.records
        columns = [*RUN_COLUMNS, "error", "traceback"]
        latest = {tuple(r.get(k) for k in KEY_COLUMNS): r for r in records}
        return pd.DataFrame(list(latest.values()), columns=columns)

    def _read(
        self,
        dataset: str,
        columns: Sequence[str] | None,
        filters: Filters,
        always: tuple[str, ...],
    ) -> pd.DataFrame:
        parts = self.check.parts(dataset)
        if not parts:
            return pd.DataFrame(columns=list(RUN_COLUMNS) + list(columns or []))
        data = ds.dataset([str(p) for p in parts], format="parquet")
        names = data.schema.names
        wanted = None
        if columns is not None:
            unknown = [c for c in columns if c not in names]
            if unknown:
                raise ResultsError(
                    f"{self.path / dataset}: no column {', '.join(map(repr, unknown))} "
                    f"(it has {', '.join(names)})"
                )
            wanted = list(dict.fromkeys([*RUN_COLUMNS, *always, *columns]))
            wanted = [c for c in wanted if c in names]
        expression = _expression(filters)
        try:
            table = data.to_table(columns=wanted, filter=expression)
        except (OSError, pa.ArrowException) as error:  # changed on disk since it was checked
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ResultsError(f"{self.path / dataset}: cannot read ({reason[:200]})") from None
        return _sorted(table.to_pandas(), self.scenarios, always)


def _expression(filters: Filters) -> ds.Expression | None:
    if filters is None or isinstance(filters, ds.Expression):
        return filters
    filters = list(filters)
    if not filters:
        return None
    return pq.filters_to_expression(filters)


def _sorted(frame: pd.DataFrame, scenarios: Iterable[str], within: Sequence[str]) -> pd.DataFrame:
    """Rows in key order, then by the numeric `within` columns; ties keep the order written."""
    if frame.empty:
        return frame.reset_index(drop=True)
    order = {name: i for i, name in enumerate(scenarios)}
    keys = {
        "scenario": frame["scenario"].map(order).fillna(len(order)).astype("int64").to_numpy(),
        "design_point": frame["design_point"].to_numpy(),
        "replicate": frame["replicate"].to_numpy(),
    }
    for column in within:
        if column in frame and pd.api.types.is_numeric_dtype(frame[column]):
            keys[column] = frame[column].to_numpy()
    position = pd.DataFrame(keys).sort_values(list(keys), kind="stable").index.to_numpy()
    return frame.iloc[position].reset_index(drop=True)


def open_results(path: str | Path) -> Results:
    """Open a batch results folder for reading, after checking every part of it.

    Raises:
        ResultsError: when `path` is missing, is not a folder written by `run.py batch`, has
            lost its manifest, or holds a part that does not check out (one line naming it).
    """
    root = Path(path)
    if not root.exists():
        raise ResultsError(f"{root}: no such results folder")
    if not root.is_dir():
        raise ResultsError(f"{root}: expected a results folder, found a file")
    if not (root / MANIFEST).exists():
        if ResultsStore(root).holds_batch():
            raise ResultsError(
                f"{root}: holds batch files but no manifest.json; rebuild it with "
                f"`python run.py repair {root}`"
            )
        raise ResultsError(
            f"{root}: not a results folder (no {MANIFEST}; expected the folder that "
            "`python run.py batch` writes, e.g. results/<name>)"
        )
    manifest = _read_manifest(root)
    if manifest.get("format", 1) < MANIFEST_FORMAT:
        raise ResultsError(
            f"{root / MANIFEST}: written before parts carried checksums (format "
            f"{manifest.get('format', 1)}); check its parts and record them with "
            f"`python run.py repair {root}`"
        )
    results = Results(root, manifest)
    _ = results.check
    return results
