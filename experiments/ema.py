"""The model as an EMA Workbench model: parameters in, the output columns out.

`ema_model` wraps the boundary function `experiments.runner.simulate` as an
`ema_workbench.Model`, so that EMA Workbench's own samplers, evaluators
(`SequentialEvaluator`, `MultiprocessingEvaluator`), `perform_experiments` and analyses (PRIM,
CART, feature scoring) drive the model unchanged (Kwakkel 2017). Its uncertainties are model
parameters given as dotted sweep paths (``negotiator.deterrence``, ``dynamics.contrast``); EMA
asks for Python identifiers, so each is named by its path with ``__`` for the dots
(``negotiator__deterrence``, `ema_name`) and hands the value back under the path. An experiment
resolves exactly as a design point of a sweep does (defaults, then the config's `model`, then
the scenario, then the sampled values), so a point that `run.py batch` ran gives the same rows.

Seeds are not uncertainties. A model made with ``replications=1`` runs every experiment with the
seed of replicate 0 of the config's base seed (a `Constant` named ``seed``); with
``replications=n`` it is a `ReplicatorModel` whose replications are replicates 0..n-1, each with
the seed `run.py batch` gives that replicate in every scenario and design point (common random
numbers, no unseeded replications). Outcomes, for every numeric output column C: ``C``, its value
at the last step, and ``C_series``, its whole series from step 0; ``TIME`` holds the steps (EMA's
plotting reads it). With replications, ``C`` is the mean over the replicates of the value at the
last step (EMA's convention for replications) and ``C_series`` and ``TIME`` gain an axis over the
replicates (experiment x replicate x step).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.errors import UsageError
from model.config import ExperimentConfig, load_config
from model.model import OUTPUT_COLUMNS
from model.streams import replicate_seed

NOT_OUTCOMES = ("step", "action_negotiator", "action_adversary")
"""Output columns that are not numbers (the step is the ``TIME`` outcome)."""
OUTCOME_COLUMNS = tuple(c for c in OUTPUT_COLUMNS if c not in NOT_OUTCOMES)
"""The output columns that become outcomes: a final value and a series each."""
SERIES_SUFFIX = "_series"
SEED = "seed"
"""The name under which a run's seed reaches the model function."""


def ema_name(path: str) -> str:
    """The EMA name of a dotted parameter path: its dots as ``__`` (a Python identifier)."""
    return path.replace(".", "__")


def parameter_path(name: str) -> str:
    """The dotted parameter path of an EMA name (the inverse of `ema_name`)."""
    return name.replace("__", ".")


@functools.lru_cache(maxsize=8)
def _config(source: str) -> ExperimentConfig:
    import json

    return load_config(json.loads(source))


@dataclass(frozen=True)
class ModelFunction:
    """One scenario of a config as a function of parameter values and a seed (picklable).

    Called by EMA with one keyword per uncertainty (its dotted path) and ``seed``; returns one
    value per outcome variable.

    Attributes:
        config_json: the config as given, as canonical JSON (workers rebuild it once).
        scenario: the scenario that every experiment runs.
        steps: steps per run.
        integers: the paths of integer parameters (a whole float such as 7.0 is taken as 7).
    """

    config_json: str
    scenario: str
    steps: int
    integers: frozenset[str] = frozenset()

    def __call__(self, **values: Any) -> dict[str, Any]:
        """Run the scenario at the given parameter values with the given seed."""
        from experiments.runner import simulate

        seed = int(values.pop(SEED))
        point = {path: _plain(value, path in self.integers) for path, value in values.items()}
        spec = _config(self.config_json).design_spec(self.scenario, point)
        table = simulate(spec, seed, self.steps).timeseries
        out: dict[str, Any] = {"TIME": table["step"].to_numpy(dtype=np.int64)}
        for column in OUTCOME_COLUMNS:
            series = table[column].to_numpy(dtype=float)
            out[column] = float(series[-1])
            out[column + SERIES_SUFFIX] = series
        return out


def _plain(value: Any, integer: bool = False) -> Any:
    """A sampled value as a plain Python number (EMA may hand numpy scalars)."""
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer) or (integer and float(value).is_integer()):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def parameter_ranges(
    config: ExperimentConfig,
    scenario: str,
    parameters: Sequence[str] | Mapping[str, Sequence[float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """The uncertainties' ranges {dotted path: (low, high)}.

    Args:
        config: the validated config.
        scenario: the scenario the model runs.
        parameters: None for the config's sweep when it has {min, max} ranges (its lists'
            smallest and largest values for a grid), else every registry parameter over its
            plausible range (`experiments.ranges`), less those that the config or the
            scenario sets and the ends of ordered ranges whose plausible ranges overlap (one
            sampled above the other would contradict it); a list of paths, each over its
            plausible range around its registry default; or a mapping {path: (low, high)}.

    Raises:
        UsageError: a path that names no registry parameter or has no range, a range whose
            ends are not ordered, or a path that the scenario sets.
    """
    from experiments import ranges as plausible
    from model.config import sweepable_paths

    if parameters is None and config.sweep is not None:
        parameters = {p: _sweep_range(v) for p, v in config.sweep.parameters.items()}
    if parameters is None:
        fixed = _set_paths(config, scenario)
        everything = plausible.plausible_ranges(plausible.overlapping_ends())
        ranges = {p: r for p, r in everything.items() if not _under(p, fixed)}
    elif isinstance(parameters, Mapping):
        ranges = {p: (v[0], v[1]) for p, v in parameters.items()}
    else:
        registry = {path: (p, role) for path, p, role in plausible.registry_paths()}
        ranges = {}
        for path in parameters:
            if path not in registry:
                raise UsageError(
                    f"parameters: {path!r} has no registry range; give it as {{path: (low, high)}}"
                )
            ranges[path] = plausible.plausible_range(*registry[path])
    known = set(sweepable_paths())
    fixed = _set_paths(config, scenario, model=False)
    for path, (low, high) in ranges.items():
        if path not in known:
            raise UsageError(
                f"parameters: {path!r} names no parameter (expected a sweep path such as "
                "negotiator.deterrence or dynamics.event_rate)"
            )
        if not low < high:
            raise UsageError(f"parameters.{path}: expected low < high, found {low} and {high}")
        if _under(path, fixed):
            raise UsageError(
                f"parameters.{path}: scenario {scenario} sets it; an uncertainty may not vary "
                "a parameter that the scenario sets"
            )
    return ranges


def _sweep_range(values: Any) -> tuple[float, float]:
    if isinstance(values, list):
        return min(values), max(values)
    return values.min, values.max


def _set_paths(config: ExperimentConfig, scenario: str, model: bool = True) -> set[str]:
    """The dotted paths of every value the scenario (and the config's `model`) sets."""
    raw = config.to_dict()
    layers = [(raw.get("scenarios") or {}).get(scenario) or {}]
    if model:
        layers.append(raw.get("model") or {})
    found: set[str] = set()

    def walk(prefix: str, here: Any) -> None:
        if isinstance(here, Mapping):
            for key, value in here.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif prefix:
            found.add(prefix)

    for layer in layers:
        walk("", layer)
    return found


def _under(path: str, fixed: set[str]) -> bool:
    return any(path == f or path.startswith(f + ".") for f in fixed)


def ema_model(
    config: ExperimentConfig | str | Mapping[str, Any],
    scenario: str | None = None,
    steps: int | None = None,
    parameters: Sequence[str] | Mapping[str, Sequence[float]] | None = None,
    replications: int = 1,
    name: str | None = None,
) -> Any:
    """One scenario of a config as an `ema_workbench.Model` (module docstring).

    Args:
        config: a validated config, a config file or a config dict.
        scenario: the scenario every experiment runs (default: the config's first).
        steps: steps per run (default: the config's steps).
        parameters: the uncertainties (see `parameter_ranges`); integer parameters become
            `IntegerParameter`, switches `BooleanParameter`, the rest `RealParameter`.
        replications: 1 for a `Model` seeded with replicate 0; n > 1 for a `ReplicatorModel`
            over replicates 0..n-1 of the config's seed.
        name: the model's name (default: the scenario's name, made an identifier).

    Raises:
        UsageError: an unknown scenario, bad parameters or a count below 1.
    """
    import warnings

    if not isinstance(config, ExperimentConfig):
        config = load_config(config)
    scenario = scenario or config.scenarios[0]
    if scenario not in config.scenarios:
        raise UsageError(
            f"scenario: expected one of {', '.join(config.scenarios)}, found {scenario!r}"
        )
    if replications < 1:
        raise UsageError(f"replications: expected an integer >= 1, found {replications}")
    if steps is not None and steps < 1:
        raise UsageError(f"steps: expected an integer >= 1, found {steps}")
    ranges = parameter_ranges(config, scenario, parameters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional back-ends EMA reports missing on import
        import ema_workbench as ema

    from experiments.batch.record import canonical_json
    from experiments.design import parameter_kind

    raw = config.to_dict()
    raw.pop("sweep", None)
    kinds = {path: parameter_kind(path) for path in ranges}
    integers = frozenset(p for p, kind in kinds.items() if kind == "int")
    function = ModelFunction(canonical_json(raw), scenario, steps or config.steps, integers)
    label = name or "".join(c if c.isalnum() else "_" for c in scenario)
    if not label.isidentifier():
        label = f"scenario_{label}"
    seeds = [replicate_seed(config.seed, r) for r in range(replications)]
    if replications == 1:
        model = ema.Model(label, function=function)
        model.constants = [ema.Constant(SEED, seeds[0])]
    else:
        model = ema.ReplicatorModel(label, function=function)
        model.replications = [{SEED: s} for s in seeds]
    model.uncertainties = [
        _uncertainty(ema, path, low, high, kinds[path]) for path, (low, high) in ranges.items()
    ]
    mean = np.mean if replications > 1 else None
    model.outcomes = [
        ema.TimeSeriesOutcome("TIME"),
        *(ema.ScalarOutcome(c, function=mean) for c in OUTCOME_COLUMNS),
        *(ema.TimeSeriesOutcome(c + SERIES_SUFFIX) for c in OUTCOME_COLUMNS),
    ]
    return model


def _uncertainty(ema: Any, path: str, low: float, high: float, kind: str) -> Any:
    name = ema_name(path)
    if kind == "bool":
        return ema.BooleanParameter(name, variable_name=path)
    if kind == "int":
        return ema.IntegerParameter(name, int(low), int(high), variable_name=path)
    return ema.RealParameter(name, float(low), float(high), variable_name=path)
