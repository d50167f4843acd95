"""Reading a results folder back, after checking every part of it.

::

    from experiments.store import open_results

    results = open_results("results/walkout")      # ResultsError if it is not a results
                                                   # folder or a part does not check out
    results.manifest                               # the batch's record (a `Manifest`)
    results.scenarios, results.parameters          # scenario names, swept dotted paths
    results.method, results.seed_plan              # sweep method or None; {replicate: seed}
    results.runs_done, results.runs_planned        # runs on disk (from the files), in the plan
    results.columns, results.bloc_columns          # column names of the two datasets
    results.design_points()                        # DataFrame: design_point, <parameters>
    ts = results.timeseries(
        columns=["legitimacy_gap"],                # plus the run columns and step, always
        filters=[("step", "==", 200)],             # pyarrow DNF filters or an Expression
    )
    results.blocs(columns=["bloc", "legitimacy_gap"], filters=[("scenario", "==", "both")])
    results.agents()                               # the snapshots (empty without them)
    results.failures()                             # DataFrame of the failed runs
    results.runs()                                 # DataFrame of the runs done

Opening a folder verifies it (`experiments.store.verify.check_folder`): every listed part's
sha256 is compared with the manifest's, and a part that is damaged, missing, not listed, made
by another config, or holding runs that another part holds raises `ResultsError` naming the
file. Parts are never merged twice.

Tables come back sorted by scenario (config order), design point, replicate and then in each
run's own order (step, then bloc or observer), whichever way and in whatever chunks the batch
ran. Only the requested columns are read from disk.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from experiments.store import failures as failure_log
from experiments.store.layout import (
    AGENTS,
    BLOCS,
    KEY_COLUMNS,
    MANIFEST,
    RUN_COLUMNS,
    TIMESERIES,
    ResultsError,
    ResultsWarning,
    holds_batch,
)
from experiments.store.manifest import MANIFEST_FORMAT, Manifest, read_manifest
from experiments.store.verify import FolderCheck, check_folder

Filters = ds.Expression | Sequence[Any] | None


class Results:
    """A batch results folder opened for reading (see the module docstring).

    Args:
        path: the results folder, e.g. ``results/walkout``.
        manifest: its manifest.
    """

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = Path(path)
        self.manifest = manifest

    @functools.cached_property
    def check(self) -> FolderCheck:
        """The folder's parts, verified against the manifest (see the module docstring).

        Raises:
            ResultsError: naming a part that is damaged, missing, not listed, made by another
                config, or holding runs that another part holds.
        """
        check = check_folder(self.path, self.manifest.config_hash)
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
        return self.manifest.runs_planned

    @property
    def seed_plan(self) -> dict[int, int]:
        """Replicate -> seed (the same in every scenario and design point)."""
        return self.manifest.replicate_seeds

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
        return list(self.manifest.scenarios)

    @property
    def parameters(self) -> list[str]:
        """The swept parameters (dotted paths; they are also column names)."""
        return list(self.manifest.parameters)

    @property
    def method(self) -> str | None:
        """The sweep method (grid, lhs, sobol), or None without a sweep."""
        return self.manifest.method

    def design_points(self) -> pd.DataFrame:
        """One row per design point: design_point, then the value of each swept parameter."""
        rows = [{"design_point": i, **point} for i, point in enumerate(self.manifest.design_points)]
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
        columns = [*RUN_COLUMNS, "error", "traceback"]
        latest = {failure_log.run_key(r): r for r in log.records}
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
    scenario, *numbered = KEY_COLUMNS
    keys = {scenario: frame[scenario].map(order).fillna(len(order)).astype("int64").to_numpy()}
    keys.update({column: frame[column].to_numpy() for column in numbered})
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
        if holds_batch(root):
            raise ResultsError(
                f"{root}: holds batch files but no manifest.json; rebuild it with "
                f"`python run.py repair {root}`"
            )
        raise ResultsError(
            f"{root}: not a results folder (no {MANIFEST}; expected the folder that "
            "`python run.py batch` writes, e.g. results/<name>)"
        )
    manifest = read_manifest(root)
    if manifest.format < MANIFEST_FORMAT:
        raise ResultsError(
            f"{root / MANIFEST}: written before parts carried checksums (format "
            f"{manifest.format}); check its parts and record them with "
            f"`python run.py repair {root}`"
        )
    results = Results(root, manifest)
    _ = results.check
    return results
