"""The boundary function: a resolved model, a seed and a length in; tables out.

Single runs, batches, the dashboard's replays and the tests all go through `simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from model.config import ModelSpec
from model.model import OUTPUT_COLUMNS, DiplomacyModel


@dataclass(frozen=True)
class RunResult:
    """The tables of one run: model-level time series, per-bloc and per-outlet series."""

    timeseries: pd.DataFrame
    blocs: pd.DataFrame
    media: pd.DataFrame
    seed: int
    agents: pd.DataFrame | None = None
    """Observer snapshots (`DiplomacyModel.observer_frame`) when asked for, else None."""


def model_tables(model: DiplomacyModel) -> RunResult:
    """The collected tables of a model that has run."""
    collector = model.datacollector
    timeseries = collector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries = timeseries.loc[:, list(OUTPUT_COLUMNS)]
    for column in ("action_negotiator", "action_adversary"):
        timeseries[column] = timeseries[column].astype("string")
    timeseries["talks"] = timeseries["talks"].astype(bool)
    timeseries["step"] = timeseries["step"].astype("int64")
    timeseries["redline_crossings"] = timeseries["redline_crossings"].astype("int64")
    return RunResult(
        timeseries=timeseries,
        blocs=collector.get_table_dataframe("blocs"),
        media=collector.get_table_dataframe("media"),
        seed=model.seed,
    )


def simulate(spec: ModelSpec, seed: int, steps: int, agents_every: int = 0) -> RunResult:
    """Run `spec` with `seed` for `steps` steps and return its tables.

    With `agents_every` = k > 0 the result also holds a snapshot of every observer at step 0,
    every k-th step and the last step (`RunResult.agents`); the other tables are unchanged.
    """
    model = DiplomacyModel(spec, rng=seed, horizon=steps)
    if agents_every <= 0:
        model.run_for(steps)
        return model_tables(model)
    snapshots = [observer_snapshot(model)]
    while model.steps < steps:
        model.run_for(min(agents_every - model.steps % agents_every, steps - model.steps))
        snapshots.append(observer_snapshot(model))
    tables = model_tables(model)
    return replace(tables, agents=pd.concat(snapshots, ignore_index=True))


def observer_snapshot(model: DiplomacyModel) -> pd.DataFrame:
    """Every observer's state at the model's current step, bloc names included."""
    frame = pd.DataFrame(model.observer_frame())
    frame["bloc"] = np.asarray(model.bloc_names, dtype=object)[frame["bloc"].to_numpy()]
    frame["bloc"] = frame["bloc"].astype("string")
    frame.insert(0, "step", np.int64(model.steps))
    return frame
