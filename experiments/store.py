"""The results folder of a batch: writing it chunk by chunk, safely, and reading it back.

Layout (INTERFACE.md, ``results/<name>/``)::

    manifest.json      what was run: the config as given and resolved, its hash, the model
                       version, base seed and seed plan, design points, package versions, git
                       commit, host, start and end times, runs planned, done and failed
    timeseries/        Parquet dataset, one row per run and step: scenario, design_point,
                       replicate, seed, the swept parameters (dotted paths as column names),
                       the MODEL_SPEC output columns, model_version
    blocs/             Parquet dataset, one row per run, step and bloc: the same key and
                       parameter columns, then the per-bloc columns (model.model.BLOC_COLUMNS)
    agents/            only when outputs.agents_every > 0: one row per run, snapshot step and
                       observer (observer, bloc, elite, legitimacy of each side, blame)
    failures.jsonl     one JSON line per failed run: its keys, seed, error and traceback

Each finished chunk of runs is one file ``part-<session>-<n>.parquet`` in each dataset. Every
file is written to a temporary name (starting with a dot) and renamed into place, and the
timeseries part is renamed last: it is the commit. A run is done when a committed timeseries
part holds it; blocs and agents parts without their timeseries part are leftovers of an
interrupted chunk and are never read. A failed run has no rows, only a line in
``failures.jsonl``; running the batch again retries it.

Reading (the comparison and the report use only this)::

    from experiments.store import open_results

    results = open_results("results/walkout")      # ResultsError if it is not a results folder
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
(one entry per invocation: started, finished, executor, runs, status). A manifest is rewritten
at the start and the end of every session; after a crash it may say ``running``: the files
are the truth, which `Results.runs_done` reads.

Tables come back sorted by scenario (config order), design point, replicate and then in each
run's own order (step, then bloc or observer), whichever way and in whatever chunks the batch
ran. Only the requested columns are read from disk.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from experiments.errors import UsageError
from experiments.io import write_atomic, write_text

MANIFEST = "manifest.json"
FAILURES = "failures.jsonl"
TIMESERIES, BLOCS, AGENTS = "timeseries", "blocs", "agents"
DATASETS = (TIMESERIES, BLOCS, AGENTS)
KEY_COLUMNS = ("scenario", "design_point", "replicate")
"""The columns that identify a run."""
RUN_COLUMNS = (*KEY_COLUMNS, "seed")
"""The columns that every row of every dataset starts with."""
PART_PREFIX, PART_SUFFIX = "part-", ".parquet"


class ResultsError(UsageError):
    """A folder that is not (or not usable as) a batch results folder: bad input, exit 2."""


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
    """A table as the bytes of a Parquet file."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
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

    def clear(self) -> None:
        """Delete everything a batch wrote (for ``--fresh``); other files are left alone."""
        for name in DATASETS:
            shutil.rmtree(self.root / name, ignore_errors=True)
        self.failures_path.unlink(missing_ok=True)
        self.manifest_path.unlink(missing_ok=True)

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
                orphan = name != TIMESERIES and _is_part(path.name) and path.name not in committed
                if unfinished or orphan:
                    path.unlink(missing_ok=True)

    def done_runs(self, index_of: Any, planned: int) -> tuple[np.ndarray, int]:
        """Which planned runs are done: (a boolean mask over plan indices, duplicate count).

        `index_of(scenarios, design_points, replicates)` maps key arrays to plan indices (-1
        for a key outside the plan).
        """
        done = np.zeros(planned, dtype=bool)
        duplicates = 0
        for path in committed_parts(self.root, TIMESERIES):
            try:
                table = pq.read_table(path, columns=list(KEY_COLUMNS))
            except (OSError, pa.ArrowException) as error:
                raise ResultsError(
                    f"{path}: cannot read this finished part ({error}); move it away to rerun "
                    "its runs"
                ) from None
            frame = table.to_pandas()
            first = frame.drop_duplicates(list(KEY_COLUMNS))
            index = index_of(
                first["scenario"].to_numpy(dtype=object),
                first["design_point"].to_numpy(),
                first["replicate"].to_numpy(),
            )
            index = index[index >= 0]
            duplicates += int(done[index].sum())
            done[index] = True
        return done, duplicates

    def write_chunk(self, output: ChunkOutput, session: str) -> None:
        """Write a finished chunk: blocs and agents parts first, the timeseries part last.

        Each file is written to a temporary name and renamed, so that a chunk is either
        complete on disk or absent.
        """
        if output.timeseries is None:
            return
        name = f"{PART_PREFIX}{session}-{output.chunk:06d}{PART_SUFFIX}"
        for dataset, data in ((BLOCS, output.blocs), (AGENTS, output.agents)):
            if data is not None:
                _write_bytes(data, self.root / dataset / name)
        _write_bytes(output.timeseries, self.root / TIMESERIES / name)

    def append_failures(self, failures: Sequence[Mapping[str, Any]]) -> None:
        """Append failure records to failures.jsonl, one line each, flushed to disk."""
        if not failures:
            return
        text = "".join(json.dumps(f, default=str) + "\n" for f in failures)
        with open(self.failures_path, "a", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())

    def settle_failures(self, is_done: Any) -> int:
        """Rewrite failures.jsonl atomically with the latest record of each run not done.

        `is_done(record)` says whether the record's run has since finished. Returns the number
        of failed runs left. The file is removed when none is left.
        """
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in read_failure_records(self.root):
            if not is_done(record):
                latest[tuple(record.get(k) for k in KEY_COLUMNS)] = record
        if latest:
            text = "".join(json.dumps(r, default=str) + "\n" for r in latest.values())
            write_text(text, self.failures_path)
        else:
            self.failures_path.unlink(missing_ok=True)
        return len(latest)


def _write_bytes(data: bytes, path: Path) -> None:
    write_atomic(path, lambda temp: temp.write_bytes(data))


def _is_part(name: str) -> bool:
    return name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX)


def committed_parts(root: Path, dataset: str) -> list[Path]:
    """The finished parts of `dataset`: those whose timeseries part exists, sorted by name."""
    folder = Path(root) / dataset
    if not folder.is_dir():
        return []
    parts = sorted(p for p in folder.iterdir() if _is_part(p.name) and p.is_file())
    if dataset == TIMESERIES:
        return parts
    committed = {p.name for p in committed_parts(root, TIMESERIES)}
    return [p for p in parts if p.name in committed]


def read_failure_records(root: Path) -> Iterator[dict[str, Any]]:
    """The records of failures.jsonl in file order; a line cut short by a crash is skipped."""
    path = Path(root) / FAILURES
    if not path.exists():
        return
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                yield record


def _read_manifest(root: Path) -> dict[str, Any]:
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"{path}: cannot read the manifest ({error})") from None
    if not isinstance(manifest, dict) or "config_hash" not in manifest:
        raise ResultsError(f"{path}: not a batch manifest (no config_hash)")
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
        return bool(committed_parts(self.path, BLOCS))

    @property
    def has_agents(self) -> bool:
        """Whether observer snapshots are on disk."""
        return bool(committed_parts(self.path, AGENTS))

    def _columns(self, dataset: str) -> list[str]:
        parts = committed_parts(self.path, dataset)
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
        records = list(read_failure_records(self.path))
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
        parts = committed_parts(self.path, dataset)
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
        table = data.to_table(columns=wanted, filter=expression)
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
    """Open a batch results folder for reading.

    Raises:
        ResultsError: when `path` is missing, or is not a folder written by `run.py batch`.
    """
    root = Path(path)
    if not root.exists():
        raise ResultsError(f"{root}: no such results folder")
    if not root.is_dir():
        raise ResultsError(f"{root}: expected a results folder, found a file")
    if not (root / MANIFEST).exists():
        raise ResultsError(
            f"{root}: not a results folder (no {MANIFEST}; expected the folder that "
            "`python run.py batch` writes, e.g. results/<name>)"
        )
    return Results(root, _read_manifest(root))
