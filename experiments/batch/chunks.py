"""Chunks: groups of runs, each run by one worker into the Parquet parts of the results folder.

A chunk is about a second or two of work, and there are at least four chunks per worker, so
that the workers finish together and the per-task overhead of a pool stays small. Every run
goes through the boundary function `experiments.runner.simulate`; a run that raises is recorded
as a failure and the chunk goes on with the next run.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from experiments.batch.plan import RunPlan, spec_for
from experiments.design import Design
from experiments.runner import simulate
from experiments.store.layout import AGENTS, BLOCS, RUN_COLUMNS, TIMESERIES, RunKey
from experiments.store.parts import encode_part
from experiments.store.writer import ChunkOutput
from model.config import ExperimentConfig, ModelSpec
from model.version import MODEL_VERSION

TARGET_CHUNK_SECONDS = 1.5
"""About how long one chunk of runs should take on one worker."""
CHUNKS_PER_WORKER = 4
"""At least this many chunks per worker, so that the workers finish together."""
ARROW_KINDS = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}
"""The column type of a swept parameter of each kind."""


@dataclass(frozen=True)
class RunTask:
    """One run: its plan index, its keys and its seed (named as the run columns)."""

    index: int
    scenario: str
    design_point: int
    replicate: int
    seed: int

    @property
    def key(self) -> RunKey:
        """(scenario, design point, replicate)."""
        return self.scenario, self.design_point, self.replicate


@dataclass(frozen=True)
class ChunkTask:
    """A group of runs for one worker, with everything they need besides the code.

    Attributes:
        chunk: the chunk's number in this session.
        runs: the runs, in plan order.
        specs: the resolved model of each (scenario, design point) in the chunk.
        points: the swept parameters' values of each design point in the chunk.
        parameters: the swept parameters (column names) and their value types.
        steps: steps per run.
        agents_every: observer snapshots every k steps (0: none).
        config_hash: the config's hash, written into every part's metadata.
    """

    chunk: int
    runs: tuple[RunTask, ...]
    specs: dict[tuple[str, int], ModelSpec]
    points: dict[int, dict[str, Any]]
    parameters: dict[str, str]
    steps: int
    agents_every: int = 0
    config_hash: str = ""


def run_chunk(task: ChunkTask) -> ChunkOutput:
    """Run every run of a chunk; return their tables as Parquet bytes and their failures.

    A run that raises is recorded as a failure (keys, seed, error, traceback) and the chunk
    goes on with the next run. Each table carries the config hash, its dataset and the keys of
    its runs in its Parquet metadata.
    """
    finished: list[tuple[RunTask, Any]] = []
    failures: list[dict[str, Any]] = []
    for run in task.runs:
        try:
            spec = task.specs[(run.scenario, run.design_point)]
            result = simulate(spec, run.seed, task.steps, agents_every=task.agents_every)
        except Exception as error:
            failures.append(
                {
                    **{column: getattr(run, column) for column in RUN_COLUMNS},
                    "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            )
            continue
        finished.append((run, result))
    output = ChunkOutput(
        chunk=task.chunk,
        runs=[run.index for run in task.runs],
        done=[run.index for run, _ in finished],
        failures=failures,
    )
    if finished:
        runs = [run for run, _ in finished]
        output.timeseries = _part(task, runs, [r.timeseries for _, r in finished], TIMESERIES)
        output.blocs = _part(task, runs, [r.blocs for _, r in finished], BLOCS)
        if task.agents_every > 0:
            output.agents = _part(task, runs, [r.agents for _, r in finished], AGENTS)
    return output


def _part(task: ChunkTask, runs: list[RunTask], frames: list[pd.DataFrame], dataset: str) -> bytes:
    """The Parquet bytes of one dataset's part, with its metadata."""
    table = _keyed_table(task, runs, frames)
    return encode_part(table, task.config_hash, dataset, [run.key for run in runs])


def _keyed_table(task: ChunkTask, runs: list[RunTask], frames: list[pd.DataFrame]) -> pa.Table:
    """The runs' frames stacked, after the run and parameter columns, with model_version last."""
    lengths = [len(frame) for frame in frames]
    body = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
    body = body.replace_schema_metadata(None)

    def repeat(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pa.array(np.repeat(np.array(values, dtype=object), lengths).tolist(), type=kind)

    columns: dict[str, pa.Array] = {}
    for column in RUN_COLUMNS:  # the scenario is text, the design point, replicate, seed numbers
        kind = pa.string() if column == "scenario" else pa.int64()
        columns[column] = repeat([getattr(run, column) for run in runs], kind)
    for path, kind in task.parameters.items():
        values = [task.points[run.design_point][path] for run in runs]
        columns[path] = repeat(values, ARROW_KINDS[kind])
    for name in body.column_names:
        columns[name] = body.column(name)
    columns["model_version"] = pa.array([MODEL_VERSION] * sum(lengths), type=pa.string())
    return pa.table(columns)


def chunk_size(
    config: ExperimentConfig, design: Design, missing: int, workers: int, agents: bool
) -> int:
    """Runs per chunk: about `TARGET_CHUNK_SECONDS` of work, and enough chunks for balance.

    The cost of a run is estimated from its observers and steps (measured here: about 10 ms
    of set-up and 0.6 us per observer-step).
    """
    observers = max(config.scenario_spec(s).observers for s in config.scenarios)
    if "observers" in design.parameters:
        observers = max(observers, *(int(p["observers"]) for p in design.points))
    seconds = 0.01 + 0.6e-6 * observers * config.steps * (1.3 if agents else 1.0)
    by_time = max(1, int(TARGET_CHUNK_SECONDS / seconds))
    by_balance = max(1, math.ceil(missing / (CHUNKS_PER_WORKER * workers)))
    return min(by_time, by_balance)


def make_chunks(
    config: ExperimentConfig,
    plan: RunPlan,
    missing: np.ndarray,
    size: int,
    config_hash: str,
) -> Iterator[ChunkTask]:
    """The chunk tasks for the `missing` plan indices, `size` runs each, made lazily."""
    resolve = spec_for(config, plan.design)
    parameters = {p: plan.design.kinds[p] for p in plan.design.parameters}
    for number, start in enumerate(range(0, len(missing), size)):
        runs = []
        for index in missing[start : start + size]:
            scenario, point, replicate = plan.key(int(index))
            runs.append(RunTask(int(index), scenario, point, replicate, plan.seed(replicate)))
        groups = {(r.scenario, r.design_point) for r in runs}
        yield ChunkTask(
            chunk=number,
            runs=tuple(runs),
            specs={group: resolve(*group) for group in sorted(groups)},
            points={p: dict(plan.design.points[p]) for _, p in groups},
            parameters=parameters,
            steps=config.steps,
            agents_every=config.outputs.agents_every,
            config_hash=config_hash,
        )
