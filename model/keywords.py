"""Plain keyword parameters for Mesa's own tools (`mesa.batch_run`, SolaraViz sliders).

Each keyword names one value of the `model` section with underscores: ``observers``,
``elite_share``, ``peer_model``, ``media`` (a preset name), ``negotiator_strategy``,
``adversary_at`` (a strategy key), ``negotiator_initial_legitimacy_mean`` (a side parameter),
``event_rate`` or ``evidence_walk_away_faith`` (a dynamics parameter) and
``mechanism_backfire`` (a switch). A numpy number (from a parameter grid made with numpy) is
taken as the Python number it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np

from agents.actions import SIDES
from agents.strategies import ALL_STRATEGY_KEYS
from model.config import ConfigError, ModelSpec, resolve_model
from model.parameters import (
    DYNAMICS_PARAMETERS,
    MECHANISM_NAMES,
    POPULATION_PARAMETERS,
    SIDE_PARAMETERS,
)


@cache
def keyword_paths() -> dict[str, tuple[str, ...]]:
    """Every keyword parameter and the path of the `model` value it sets."""
    paths: dict[str, tuple[str, ...]] = {p.name: p.path for p in POPULATION_PARAMETERS}
    paths |= {
        "peer_model": ("peer_model",),
        "media": ("media",),
        "media_ecology": ("media",),
    }
    for role in SIDES:
        for key in ("strategy", "multilateral", *sorted(ALL_STRATEGY_KEYS)):
            paths[f"{role}_{key}"] = (role, key)
        for p in SIDE_PARAMETERS:
            paths[f"{role}_{p.name.replace('.', '_')}"] = (role, *p.path)
    for p in DYNAMICS_PARAMETERS:
        paths[p.name.replace(".", "_")] = ("dynamics", *p.path)
    for name in MECHANISM_NAMES:
        paths[f"mechanism_{name}"] = ("mechanisms", name)
    return paths


def keywords_to_nested(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Turn keyword parameters into a `model` mapping; an unknown keyword is an error."""
    paths = keyword_paths()
    nested: dict[str, Any] = {}
    unknown = [key for key in parameters if key not in paths]
    if unknown:
        raise ConfigError(
            [
                f"{key}: unknown keyword parameter (e.g. observers, event_rate, adversary_at)"
                for key in unknown
            ]
        )
    for key, value in parameters.items():
        value = value.item() if isinstance(value, np.generic) else value  # a numpy grid value
        *parents, last = paths[key]
        here = nested
        for part in parents:
            here = here.setdefault(part, {})
        here[last] = value
    return nested


def spec_with_keywords(spec: ModelSpec | None, parameters: Mapping[str, Any]) -> ModelSpec:
    """`spec` (default: the baseline) with keyword parameters applied; ConfigError if invalid."""
    base = [("model", spec.to_dict())] if spec is not None else []
    resolved, problems = resolve_model([*base, ("parameters", keywords_to_nested(parameters))])
    if resolved is None:
        raise ConfigError(problems)
    return resolved
