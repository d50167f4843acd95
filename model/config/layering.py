"""The layered merge of a config: defaults, `model`, a scenario, a design point, into one spec.

Precedence: the model's defaults (from the parameter registry and the presets), then `model`,
then the scenario, then a sweep's design point (or any other layer: the dashboard's settings,
a golden case). `resolve_model` merges the layers deeply, remembering which layer set each key,
so that a problem is reported at its place in the config (``scenarios.walk.adversary.at``).
When a layer sets a side's `strategy`, the strategy keys of lower layers are dropped, so that
a scenario replaces a strategy as a whole; lists (media, blocs, a timeline) are replaced whole.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from agents.actions import SIDES
from agents.strategies import ALL_STRATEGY_KEYS
from model.config.errors import (
    ConfigError,
    clean_loc,
    describe_error,
    format_path,
    number,
    relevant,
)
from model.config.loading import count_values
from model.config.presets import DEFAULT_BLOCS, DEFAULT_MEDIA, MEDIA_PRESETS
from model.config.schema import PEER_MODELS, ExperimentSpec, ModelSpec
from model.config.strategy import DEFAULT_STRATEGY, split_strategy
from model.parameters import DYNAMICS_PARAMETERS, MECHANISMS, POPULATION_PARAMETERS, SIDE_PARAMETERS

Layer = tuple[str | None, Mapping[str, Any]]
"""One layer: its path prefix in the config (``scenarios.walk``) and its mapping."""

REPLACED_WHOLE = frozenset({"media", "blocs", "timeline", "salience_shocks", "bias_schedule"})
"""Keys whose value a higher layer replaces whole instead of merging into."""

ORDERED_RANGES = (
    ("confidence_public_low", "confidence_public_high"),
    ("confidence_elite_low", "confidence_elite_high"),
    ("redline_low", "redline_high"),
)
"""Pairs of dynamics parameters that are the two ends of one uniform range."""

MAX_RESOLVED_VALUES = 400_000
"""Most values that validating a config may resolve in all. Each scenario, and each design
value checked against a scenario, is resolved from the defaults (about 300 values), `model` and
the scenario (about half a second for the most, measured in BENCHMARKS.md)."""


def unflatten(point: Mapping[str, Any]) -> dict[str, Any]:
    """{dotted path: value} as nested mappings: ``{"a.b": 1}`` is ``{"a": {"b": 1}}``."""
    nested: dict[str, Any] = {}
    for path, value in point.items():
        parts = path.split(".")
        here = nested
        for part in parts[:-1]:
            here = here.setdefault(part, {})
        here[parts[-1]] = value
    return nested


def default_model_dict() -> dict[str, Any]:
    """The model section with every default filled in (the first layer of precedence)."""
    sides = {
        role: {
            "strategy": DEFAULT_STRATEGY,
            "multilateral": False,
            **unflatten({p.name: p.default_for(role) for p in SIDE_PARAMETERS}),
        }
        for role in SIDES
    }
    return {
        **{p.name: p.default for p in POPULATION_PARAMETERS},
        "peer_model": PEER_MODELS[0],
        **sides,
        "media": DEFAULT_MEDIA,
        "blocs": [dict(b) for b in DEFAULT_BLOCS],
        "dynamics": unflatten({p.name: p.default for p in DYNAMICS_PARAMETERS}),
        "mechanisms": {m.name: m.default for m in MECHANISMS},
        "salience_shocks": {},
        "bias_schedule": {},
    }


@functools.cache
def defaults_values() -> int:
    """How many values the defaults hold (what every resolution starts from)."""
    return count_values(default_model_dict())


def scenario_layers(spec: ExperimentSpec, scenario: str) -> list[Layer]:
    """The layers of `scenario` of a config: its `model` section, then the scenario."""
    return [("model", spec.model), (f"scenarios.{scenario}", spec.scenarios[scenario] or {})]


class Layers:
    """Deep-merges config layers and remembers which layer set each key (for error paths)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origin: dict[tuple[Any, ...], str | None] = {}
        self.last_prefix: str | None = None

    def add(self, prefix: str | None, layer: Mapping[str, Any]) -> None:
        """Merge `layer` over what is there; `prefix` is its path in the config."""
        self._merge(self.data, layer, (), prefix)
        if prefix is not None:
            self.last_prefix = prefix

    def _merge(
        self, base: dict[str, Any], over: Mapping[str, Any], path: tuple, prefix: str | None
    ) -> None:
        if len(path) == 1 and path[0] in SIDES and "strategy" in over:
            for key in list(base):
                if key in ALL_STRATEGY_KEYS:
                    del base[key]
                    self._forget((*path, key))
        for key, value in over.items():
            here = (*path, key)
            if (
                isinstance(value, Mapping)
                and isinstance(base.get(key), dict)
                and (key not in REPLACED_WHOLE)
            ):
                self.origin.setdefault(here, prefix)
                self._merge(base[key], value, here, prefix)
            else:
                self._forget(here)
                base[key] = copy.deepcopy(dict(value) if isinstance(value, Mapping) else value)
                self.origin[here] = prefix

    def _forget(self, path: tuple) -> None:
        for known in [p for p in self.origin if p[: len(path)] == path]:
            del self.origin[known]

    def where(self, loc: tuple[Any, ...], anchor: tuple[Any, ...] | None = None) -> str:
        """Full dotted path of a problem at `loc`, prefixed by the layer that set it.

        `anchor` names the key whose layer to blame when `loc` itself was never set (a missing
        strategy key is blamed on the layer that chose the strategy).
        """
        probe = anchor or loc
        prefix = None
        for cut in range(len(probe), 0, -1):
            prefix = self.origin.get(tuple(probe[:cut]))
            if prefix is not None:
                break
        prefix = prefix or self.last_prefix
        return format_path(([prefix] if prefix else []) + list(loc))


def resolve_model(layers: list[Layer]) -> tuple[ModelSpec | None, list[str]]:
    """Merge `layers` over the defaults and validate: (spec, []) or (None, problems).

    Each layer is (its path prefix in the config, e.g. ``scenarios.walk``, and its mapping).
    """
    merged = Layers()
    merged.add(None, default_model_dict())
    for prefix, layer in layers:
        merged.add(prefix, layer)
    data = merged.data
    problems: list[str] = []

    media = data.get("media")
    if isinstance(media, str):
        if media in MEDIA_PRESETS:
            data["media"] = [dict(o) for o in MEDIA_PRESETS[media]]
        else:
            problems.append(
                f"{merged.where(('media',))}: expected a list of outlets or one of "
                f"{', '.join(MEDIA_PRESETS)}, found {media!r}"
            )

    for role in SIDES:
        side = data.get(role)
        if isinstance(side, dict):
            problems.extend(split_strategy(side, role, merged.where))

    if not problems:
        _normalize_shares(data.get("blocs"))
        try:
            spec = ModelSpec.model_validate(data)
            problems.extend(
                f"{merged.where(('dynamics', low))}: expected at most dynamics.{high} "
                f"({number(high_value)}), found {number(low_value)}"
                for low, high, low_value, high_value in _unordered_ranges(spec)
            )
            if not problems:
                return spec, []
        except ValidationError as error:
            for e in relevant(error.errors()):
                where = merged.where(clean_loc(e["loc"]))
                problems.append(f"{where}: {describe_error(e, ModelSpec)}")
    return None, sorted(set(problems), key=problems.index)


def default_model_spec() -> ModelSpec:
    """The baseline model with every default (what `DiplomacyModel()` runs)."""
    spec, problems = resolve_model([])
    if spec is None:  # pragma: no cover - the defaults are tested to validate
        raise ConfigError(problems, "defaults")
    return spec


def _normalize_shares(blocs: Any) -> None:
    """Bloc shares are relative: scale them to sum to 1 (where they are numbers)."""
    if not (isinstance(blocs, list) and blocs and all(isinstance(b, dict) for b in blocs)):
        return
    shares = [b.get("share") for b in blocs]
    if all(isinstance(s, int | float) and not isinstance(s, bool) for s in shares):
        total = float(sum(shares))
        if total > 0 and math.isfinite(total):
            for bloc, share in zip(blocs, shares, strict=True):
                bloc["share"] = share / total


def _unordered_ranges(spec: ModelSpec) -> list[tuple[str, str, float, float]]:
    dyn = spec.dynamics
    return [
        (low, high, getattr(dyn, low), getattr(dyn, high))
        for low, high in ORDERED_RANGES
        if getattr(dyn, low) > getattr(dyn, high)
    ]
