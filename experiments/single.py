"""One run of one scenario, written to a folder, with a short summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from agents.actions import SIDES
from experiments.io import ensure_writable_dir, write_parquet, write_text
from experiments.runner import RunResult, simulate
from model.config import ExperimentConfig
from model.streams import replicate_seed
from model.version import MODEL_VERSION

SUMMARY_COLUMNS = (
    "legitimacy_negotiator",
    "legitimacy_adversary",
    "legitimacy_gap",
    "narrative_share",
    "blame_adversary",
    "deal_progress",
    "crisis_index",
    "sanction_compliance",
    "polarization",
)


@dataclass(frozen=True)
class SingleRun:
    """A finished single run: its identity, its tables and where they were written."""

    config: ExperimentConfig
    scenario: str
    seed: int
    steps: int
    result: RunResult
    out: Path


def run_single(
    config: ExperimentConfig,
    scenario: str | None = None,
    seed: int | None = None,
    steps: int | None = None,
    out: Path | None = None,
) -> SingleRun:
    """Run one scenario of `config` and write its tables under `out`.

    The seed defaults to that of replicate 0 (the seed `batch` gives it); the folder defaults
    to ``results/<name>/single``. Files: ``run.parquet`` (the model-level time series of
    MODEL_SPEC), ``blocs.parquet``, ``media.parquet`` (every row with ``model_version``) and
    ``run.yaml`` (the resolved config of the run).
    """
    name = scenario or config.scenarios[0]
    spec = config.scenario_spec(name)
    seed = replicate_seed(config.seed, 0) if seed is None else seed
    steps = config.steps if steps is None else steps
    out = ensure_writable_dir(Path("results") / config.name / "single" if out is None else out)
    result = simulate(spec, seed, steps)
    timeseries = result.timeseries.assign(model_version=MODEL_VERSION)
    write_parquet(timeseries, out / "run.parquet")
    write_parquet(result.blocs.assign(model_version=MODEL_VERSION), out / "blocs.parquet")
    write_parquet(result.media.assign(model_version=MODEL_VERSION), out / "media.parquet")
    resolved = {
        "name": config.name,
        "scenario": name,
        "seed": seed,
        "steps": steps,
        "model_version": MODEL_VERSION,
        "model": spec.to_dict(),
    }
    write_text(yaml.safe_dump(resolved, sort_keys=False), out / "run.yaml")
    return SingleRun(config, name, seed, steps, result, out)


def summary(run: SingleRun) -> str:
    """A short plain-text summary: start and end of the main outputs, and the actions taken."""
    ts = run.result.timeseries
    first, last = ts.iloc[0], ts.iloc[-1]
    lines = [
        f"{run.config.name} / {run.scenario}: seed {run.seed}, {run.steps} steps, "
        f"{run.config.scenario_spec(run.scenario).observers} observers",
        f"  {'output':<24}{'start':>8}{'end':>8}{'change':>9}",
    ]
    for column in SUMMARY_COLUMNS:
        a, b = float(first[column]), float(last[column])
        lines.append(f"  {column:<24}{a:>8.3f}{b:>8.3f}{b - a:>+9.3f}")
    lines.append(f"  {'redline_crossings':<24}{'':>8}{int(last['redline_crossings']):>8d}")
    for role in SIDES:
        lines.append(f"  actions of the {role}: {_action_counts(ts[f'action_{role}'])}")
    lines.append("  (model indices, not forecasts)")
    lines.append(f"wrote {run.out / 'run.parquet'}")
    return "\n".join(lines)


def _action_counts(actions: pd.Series) -> str:
    steps = actions.iloc[1:]
    runs: list[str] = []
    start = 1
    values = list(steps)
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[i - 1]:
            runs.append(f"{values[i - 1]} {start}-{i}" if i > start else f"{values[i - 1]} {i}")
            start = i + 1
    if len(runs) > 6:
        runs = [*runs[:5], f"... ({len(runs) - 5} more changes)"]
    return ", ".join(runs)
