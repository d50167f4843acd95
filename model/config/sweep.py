"""What a sweep may vary, and the checks of a config's `sweep` section.

`sweep_kinds` lists every dotted path into `model` that a sweep may vary with its value type,
from the parameter registry (its population, side and dynamics parameters and its switches)
and from the strategies (their numeric keys). `check_sweep` checks a validated config's sweep:
each path names a parameter that no scenario sets, each value is valid for every scenario (one
scenario stands for all that resolve it alike), and checking it stays within the budget of
values that validation may resolve.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from agents.actions import SIDES
from agents.strategies import ALL_STRATEGY_KEYS, STRATEGIES
from model.config.errors import found
from model.config.layering import (
    MAX_RESOLVED_VALUES,
    defaults_values,
    resolve_model,
    scenario_layers,
    unflatten,
)
from model.config.loading import count_values
from model.config.schema import ExperimentSpec, ModelSpec, RangeSpec, SweepSpec
from model.parameters import (
    DYNAMICS_PARAMETERS,
    MECHANISMS,
    POPULATION_PARAMETERS,
    SIDE_PARAMETERS,
    Kind,
)

MAX_SWEEP_VALUES = 1_000
"""Most values in all the lists of a grid sweep (validation checks each one)."""


@functools.cache
def _strategy_key_kinds() -> dict[str, Kind]:
    """The value type of every numeric strategy key (``at``: int, ``rationality``: float)."""
    kinds: dict[str, Any] = {}
    for strategy in STRATEGIES.values():
        kinds.update(strategy.Options.number_keys())
    return dict(sorted(kinds.items()))


@functools.cache
def sweep_kinds() -> dict[str, Kind]:
    """Every dotted path into `model` that a sweep may vary, with its value type, in order."""
    kinds: dict[str, Kind] = {p.name: p.kind for p in POPULATION_PARAMETERS}
    for role in SIDES:
        kinds.update({f"{role}.{p.name}": p.kind for p in SIDE_PARAMETERS})
        kinds.update({f"{role}.{k}": kind for k, kind in _strategy_key_kinds().items()})
    kinds.update({f"dynamics.{p.name}": p.kind for p in DYNAMICS_PARAMETERS})
    kinds.update({f"mechanisms.{m.name}": "bool" for m in MECHANISMS})
    return kinds


def sweepable_paths() -> tuple[str, ...]:
    """Every dotted path into `model` that a sweep may vary."""
    return tuple(sweep_kinds())


def parameter_kind(path: str) -> Kind:
    """The value type of sweepable path `path`: ``bool``, ``int`` or ``float``.

    A path that names nothing a sweep may vary is taken for a number (``float``).
    """
    return sweep_kinds().get(path, "float")


def check_sweep(spec: ExperimentSpec, resolved: Mapping[str, ModelSpec]) -> list[str]:
    """The problems of `spec.sweep`, given every scenario's resolved model; [] if none."""
    sweep = spec.sweep
    if sweep is None:
        return []
    problems = []
    known = sweep_kinds()
    if sweep.method in ("lhs", "sobol") and sweep.samples is None:
        problems.append(f"sweep.samples: required for method {sweep.method}, found nothing")
    listed = sum(len(v) for v in sweep.parameters.values() if isinstance(v, list))
    if listed > MAX_SWEEP_VALUES:
        return [
            *problems,
            f"sweep.parameters: expected at most {MAX_SWEEP_VALUES:,} values in all the lists, "
            f"found {listed:,}",
        ]
    budget = _budget(spec, sweep, resolved)
    if budget:
        return problems + budget
    for path, values in sweep.parameters.items():
        where = f"sweep.parameters.{path}"
        if path not in known:
            problems.append(
                f"{where}: names no parameter (expected a path such as "
                "negotiator.deterrence or dynamics.event_rate)"
            )
            continue
        problems.extend(_set_by_scenarios(spec, path, where))
        samples, shape = _samples(sweep, path, values, where)
        problems.extend(shape)
        for label, value in samples:
            for name in _representatives(resolved, path):
                layers = scenario_layers(spec, name)
                layers.append(("sweep.parameters", unflatten({path: value})))
                _, lines = resolve_model(layers)
                for line in lines:
                    # Re-label the problem with the design value's own position.
                    head, _, message = line.partition(": ")
                    problems.append(f"{label}: {message}" if head.startswith(where) else line)
    return problems


def _set_by_scenarios(spec: ExperimentSpec, path: str, where: str) -> list[str]:
    """A problem for each scenario that sets `path` itself."""
    return [
        f"{where}: also set by scenario {name} (scenarios.{name}.{path}); a sweep "
        "may not vary a parameter that a scenario sets"
        for name, scenario in spec.scenarios.items()
        if _holds(scenario, path)
    ]


def _samples(
    sweep: SweepSpec, path: str, values: Any, where: str
) -> tuple[list[tuple[str, Any]], list[str]]:
    """The values to check at `path` with their labels, or a problem with their shape."""
    if sweep.method == "grid":
        if not isinstance(values, list) or not values:
            text = "a {min, max} range" if isinstance(values, RangeSpec) else found(values)
            return [], [f"{where}: expected a non-empty list of values for a grid, found {text}"]
        return [(f"{where}[{i}]", v) for i, v in enumerate(values)], []
    if not isinstance(values, RangeSpec):
        return [], [f"{where}: expected {{min, max}} for method {sweep.method}, found a list"]
    if path.startswith("mechanisms."):
        return [], [f"{where}: a switch can only be swept with method grid"]
    if not values.min < values.max:
        return [], [f"{where}: expected min < max, found min {values.min:g} and max {values.max:g}"]
    return [(f"{where}.min", values.min), (f"{where}.max", values.max)], []


def _budget(spec: ExperimentSpec, sweep: SweepSpec, resolved: Mapping[str, ModelSpec]) -> list:
    """A problem when checking every design value would resolve more than the budget allows."""
    known = sweep_kinds()
    checks = sum(
        (len(values) if isinstance(values, list) else 2) * len(_representatives(resolved, path))
        for path, values in sweep.parameters.items()
        if path in known
    )
    largest = max(count_values(s or {}) for s in spec.scenarios.values())
    values = checks * (defaults_values() + count_values(spec.model) + largest)
    if values <= MAX_RESOLVED_VALUES:
        return []
    return [
        f"sweep.parameters: checking its {checks:,} design values would resolve {values:,} "
        f"values (for each: the defaults, model and a scenario), expected at most "
        f"{MAX_RESOLVED_VALUES:,}; use fewer values or a shorter model section"
    ]


def _representatives(resolved: Mapping[str, ModelSpec], path: str) -> list[str]:
    """Scenarios that stand for all when checking a design value at `path`.

    A value's problems depend on the scenario only through the strategy that takes (or does
    not take) a strategy key; any scenario stands for all the others at any other path.
    """
    role, _, key = path.partition(".")
    if role not in SIDES or key not in ALL_STRATEGY_KEYS:
        return [next(iter(resolved))]
    first: dict[str, str] = {}
    for name, model in resolved.items():
        first.setdefault(model.side(role).strategy.name, name)
    return list(first.values())


def _holds(mapping: Mapping[str, Any] | None, path: str) -> bool:
    """Whether `mapping` sets dotted `path`."""
    here: Any = mapping or {}
    for part in path.split("."):
        if not isinstance(here, Mapping) or part not in here:
            return False
        here = here[part]
    return True
