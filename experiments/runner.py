"""The boundary function: a resolved model, a seed and a length in; tables out.

Single runs, batches and the tests all go through `simulate`, which drives the model's own
boundary, `model.live.LiveRun`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from model.config import ModelSpec
from model.live import LiveRun


@dataclass(frozen=True)
class RunResult:
    """The tables of one run: model-level time series, per-bloc and per-outlet series."""

    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame
    seed: int
    agents: pd.DataFrame | None = None
    """Observer snapshots (`LiveRun.observer_frame`) when asked for, else None."""


def simulate(spec: ModelSpec, seed: int, steps: int, agents_every: int = 0) -> RunResult:
    """Run `spec` with `seed` for `steps` steps and return its tables.

    With `agents_every` = k > 0 the result also holds a snapshot of every observer at step 0,
    every k-th step and the last step (`RunResult.agents`); the other tables are unchanged.
    """
    run = LiveRun(spec, seed, steps)
    snapshots = []
    if agents_every > 0:
        snapshots.append(run.observer_frame())
        while not run.finished:
            run.step(agents_every - run.step_count % agents_every)
            snapshots.append(run.observer_frame())
    run.step(steps)
    tables = run.tables()
    return RunResult(
        timeseries=tables.timeseries,
        blocs=tables.blocs,
        media=tables.media,
        seed=run.seed,
        agents=pd.concat(snapshots, ignore_index=True) if snapshots else None,
    )
