"""Seed ensembles for the statistical checks: cached runs and paired Monte Carlo intervals."""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np

from experiments.intervals import mean_interval, t_quantile
from experiments.runner import simulate
from model.config import ModelSpec, resolve_model
from model.streams import replicate_seed

REPLICATES = 30
BASE_SEED = 20261125

VERIFY = {
    "talk_fatigue": False,
    "justified_exit": False,
    "backfire": False,
    "deals": False,
    "weight_signal": False,
}
"""The switches of MODEL_SPEC's verification settings: rivals, deals and the weight signal off
(and `dependence` at its default 0), so that each check isolates one mechanism."""


def make_spec(**model: Any) -> ModelSpec:
    """A resolved model from a `model` mapping over the defaults (raises on a bad mapping)."""
    spec, problems = resolve_model([("model", model)])
    if spec is None:
        raise ValueError("; ".join(problems))
    return spec


@functools.lru_cache(maxsize=4096)
def _run(spec_json: str, seed: int, steps: int):
    return simulate(ModelSpec.model_validate_json(spec_json), seed, steps).timeseries


def verify(**model: Any) -> ModelSpec:
    """`make_spec` in the verification settings (switches in `model` override them)."""
    switches = {**VERIFY, **model.pop("mechanisms", {})}
    return make_spec(**model, mechanisms=switches)


def models(spec: ModelSpec, steps: int, n: int = REPLICATES, stop: int | None = None) -> list:
    """One model per replicate seed, run for `steps` steps (observer arrays at hand)."""
    from model.model import DiplomacyModel

    out = []
    for seed in seeds(n):
        model = DiplomacyModel(spec, rng=seed, horizon=steps)
        if steps:
            model.run_for(steps)
        out.append(model)
    return out


def run(spec: ModelSpec, seed: int, steps: int = 200):
    """The model-level time series of one run (cached across tests)."""
    return _run(spec.model_dump_json(), seed, steps)


def seeds(n: int = REPLICATES) -> list[int]:
    """The common random numbers: replicate seeds shared by every scenario."""
    return [replicate_seed(BASE_SEED, r) for r in range(n)]


def values(
    spec: ModelSpec,
    column: str,
    step: int = -1,
    steps: int = 200,
    n: int = REPLICATES,
    reduce: str = "at",
) -> np.ndarray:
    """One value per replicate: `column` at `step` (or its mean over the run with reduce='mean')."""
    out = []
    for seed in seeds(n):
        series = run(spec, seed, steps)[column].astype(float)
        out.append(series.mean() if reduce == "mean" else series.iloc[step])
    return np.array(out)


def paired_interval(
    treatment: np.ndarray, control: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean paired difference treatment - control with its t interval over seeds."""
    return mean_interval(np.asarray(treatment, float) - np.asarray(control, float), level)


def unpaired_interval(
    a: np.ndarray, b: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean difference a - b of independent samples with its Welch t interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    mean = float(a.mean() - b.mean())
    if va + vb == 0:
        return mean, mean, mean
    se = np.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = t_quantile(level, dof) * se
    return mean, mean - half, mean + half


def assert_positive(treatment: np.ndarray, control: np.ndarray, label: str) -> None:
    """The paired interval of treatment - control lies above zero."""
    mean, low, high = paired_interval(treatment, control)
    assert low > 0, f"{label}: paired difference {mean:+.4f} [{low:+.4f}, {high:+.4f}] not > 0"


def assert_negative(treatment: np.ndarray, control: np.ndarray, label: str) -> None:
    """The paired interval of treatment - control lies below zero."""
    mean, low, high = paired_interval(treatment, control)
    assert high < 0, f"{label}: paired difference {mean:+.4f} [{low:+.4f}, {high:+.4f}] not < 0"


def spec_key(spec: ModelSpec) -> str:
    """A readable key of a spec (for messages)."""
    return json.dumps(spec.to_dict(), sort_keys=True)[:80]
