"""The boundary function: a resolved model, a seed and a length in; tables out.

Single runs, batches, the dashboard's replays and the tests all go through `simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def simulate(spec: ModelSpec, seed: int, steps: int) -> RunResult:
    """Run `spec` with `seed` for `steps` steps and return its tables."""
    model = DiplomacyModel(spec, rng=seed, horizon=steps)
    model.run_for(steps)
    return model_tables(model)
