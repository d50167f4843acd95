"""An experiment config: read, validated and resolved, scenario by scenario (`load_config`).

`load_config` reads a YAML file (or takes a dict), checks it and returns a frozen
`ExperimentConfig`. Every problem becomes one line naming the file, the dotted key path, what
was expected and what was found; all lines are raised together as a `ConfigError`. A config
may hold at most `MAX_SCENARIOS` scenarios and resolve at most `MAX_RESOLVED_VALUES` values
when validated; what it may plan (runs, memory) is checked in `experiments.limits`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from model.config.errors import (
    ConfigError,
    clean_loc,
    dedupe,
    describe_error,
    format_path,
    found,
    relevant,
)
from model.config.layering import (
    MAX_RESOLVED_VALUES,
    defaults_values,
    resolve_model,
    scenario_layers,
    unflatten,
)
from model.config.loading import ConfigFileError, check_shape, count_values, read_yaml
from model.config.schema import MODEL_KEYS, NAME_PATTERN, ExperimentSpec, ModelSpec
from model.config.sweep import check_sweep


class ExperimentConfig:
    """A validated experiment: its top-level settings and every scenario resolved to a ModelSpec.

    Made by `load_config`. `raw` is the config as given; `scenario_spec(name)` is the resolved
    model of a scenario and `design_spec(name, point)` that of a scenario at a design point.
    """

    def __init__(
        self,
        spec: ExperimentSpec,
        raw: dict[str, Any],
        source: str | None,
        resolved: dict[str, ModelSpec],
    ) -> None:
        self.spec = spec
        self.raw = raw
        self.source = source
        self._resolved = resolved

    name = property(lambda self: self.spec.name, doc="Experiment name (names results folders).")
    description = property(lambda self: self.spec.description, doc="What the config shows.")
    steps = property(lambda self: self.spec.steps, doc="Steps per run.")
    replications = property(lambda self: self.spec.replications, doc="Seeds per scenario.")
    seed = property(lambda self: self.spec.seed, doc="Base seed.")
    sweep = property(lambda self: self.spec.sweep, doc="The sweep section, if any.")
    outputs = property(lambda self: self.spec.outputs, doc="The outputs section.")

    @property
    def scenarios(self) -> tuple[str, ...]:
        """Scenario names in config order."""
        return tuple(self._resolved)

    def scenario_spec(self, scenario: str | None = None) -> ModelSpec:
        """The resolved model of `scenario` (default: the first scenario)."""
        name = self.scenarios[0] if scenario is None else scenario
        if name not in self._resolved:
            raise ConfigError(
                [f"scenario {name!r} is not in the config (it has {', '.join(self.scenarios)})"],
                self.source,
            )
        return self._resolved[name]

    def design_spec(self, scenario: str, point: Mapping[str, Any]) -> ModelSpec:
        """The resolved model of `scenario` at a design point {dotted path: value}."""
        layers = scenario_layers(self.spec, scenario)
        layers.append(("sweep.parameters", unflatten(point)))
        spec, problems = resolve_model(layers)
        if spec is None:
            raise ConfigError(problems, self.source)
        return spec

    def to_dict(self) -> dict[str, Any]:
        """The config as given, validated (plain data)."""
        return copy.deepcopy(self.raw)

    def resolved_dict(self) -> dict[str, Any]:
        """Every scenario's fully resolved model as plain data."""
        return {name: spec.to_dict() for name, spec in self._resolved.items()}


def read_config_file(path: str | Path) -> Any:
    """The data of a YAML config file, read within the limits of `model.config.loading`.

    Raises:
        ConfigError: one line naming the file and what is wrong with it.
    """
    try:
        return read_yaml(path)
    except ConfigFileError as error:
        raise ConfigError([str(error)], str(path)) from None


def load_config(
    config: str | Path | Mapping[str, Any], *, source: str | None = None
) -> ExperimentConfig:
    """Read and validate an experiment config (a YAML path or a plain dict).

    Raises:
        ConfigError: with one line per problem, each naming the file and the key path.
    """
    if isinstance(config, Mapping):
        try:
            check_shape(config)
        except ConfigFileError as error:
            raise ConfigError([str(error)], source) from None
        raw = copy.deepcopy(dict(config))
    else:
        source = source or str(config)
        raw = read_config_file(config)
    if not isinstance(raw, dict):
        raise ConfigError(
            [f"expected a mapping with name and scenarios at the top, found {found(raw)}"], source
        )
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{format_path(clean_loc(e['loc'])) or '(top level)'}: "
            f"{describe_error(e, ExperimentSpec)}"
            for e in relevant(error.errors())
        ]
        raise ConfigError(dedupe(problems), source) from None

    problems = _section_problems(spec) or _resolution_budget(spec)
    if problems:
        raise ConfigError(problems, source)

    resolved: dict[str, ModelSpec] = {}
    _, problems = resolve_model([("model", spec.model)])
    for name in spec.scenarios if not problems else ():
        found_spec, scenario_problems = resolve_model(scenario_layers(spec, name))
        problems.extend(scenario_problems)
        if found_spec is not None:
            resolved[name] = found_spec
    if not problems:
        problems.extend(check_sweep(spec, resolved))
    if problems:
        raise ConfigError(dedupe(problems), source)
    return ExperimentConfig(spec, raw, source, resolved)


def _section_problems(spec: ExperimentSpec) -> list[str]:
    """Unknown keys of the `model` section and the scenarios, and bad scenario names."""
    problems: list[str] = []
    sections = [("model", spec.model)]
    sections += [(f"scenarios.{n}", s or {}) for n, s in spec.scenarios.items()]
    for label, section in sections:
        if not isinstance(section, dict):
            continue
        for key in section:
            if key not in MODEL_KEYS:
                problems.append(
                    f"{label}.{key}: unknown key (expected one of {', '.join(sorted(MODEL_KEYS))})"
                )
    for name in spec.scenarios:
        if not (isinstance(name, str) and re.fullmatch(NAME_PATTERN, name)):
            problems.append(f"scenarios.{name}: scenario names take only letters, digits, - and _")
    return problems


def _resolution_budget(spec: ExperimentSpec) -> list[str]:
    """A problem when resolving every scenario would resolve more than MAX_RESOLVED_VALUES."""
    shared = defaults_values() + count_values(spec.model)
    values = sum(shared + count_values(s or {}) for s in spec.scenarios.values())
    if values <= MAX_RESOLVED_VALUES:
        return []
    return [
        f"scenarios, model: validating the {len(spec.scenarios):,} scenarios would resolve "
        f"{values:,} values (for each: the defaults, model and the scenario), expected at most "
        f"{MAX_RESOLVED_VALUES:,}; use fewer scenarios or a shorter model section"
    ]
