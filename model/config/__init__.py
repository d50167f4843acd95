"""Experiment configs: the YAML schema of INTERFACE.md, validated with pydantic.

One job per module, from the bottom up:

* `errors`: `ConfigError` and the wording of a problem (where, expected, found);
* `loading`: reading a YAML file safely, within limits on its size, values and nesting;
* `presets`: the illustrative media ecologies and blocs;
* `strategy`: a side's strategy, from the flat keys of a config to its typed choice and back;
* `schema`: the typed, frozen specs (`ModelSpec`, `ExperimentSpec`), fields from the registry;
* `layering`: the layered merge (defaults, `model`, scenario, design point) into a `ModelSpec`;
* `sweep`: what a sweep may vary, and the checks of a config's sweep;
* `experiment`: `load_config` and the `ExperimentConfig` it returns.

Everything a user of the package needs is importable from here.
"""

from model.config.errors import ConfigError, describe_error
from model.config.experiment import ExperimentConfig, load_config
from model.config.layering import (
    MAX_RESOLVED_VALUES,
    ORDERED_RANGES,
    default_model_spec,
    resolve_model,
)
from model.config.presets import DEFAULT_BLOCS, MEDIA_PRESETS
from model.config.schema import (
    MAX_SCENARIOS,
    NAME_PATTERN,
    BlocSpec,
    ExperimentSpec,
    ModelSpec,
    OutletSpec,
    RangeSpec,
    SideSpec,
    SweepSpec,
)
from model.config.sweep import MAX_SWEEP_VALUES, parameter_kind, sweep_kinds, sweepable_paths

__all__ = [
    "DEFAULT_BLOCS",
    "MAX_RESOLVED_VALUES",
    "MAX_SCENARIOS",
    "MAX_SWEEP_VALUES",
    "MEDIA_PRESETS",
    "NAME_PATTERN",
    "ORDERED_RANGES",
    "BlocSpec",
    "ConfigError",
    "ExperimentConfig",
    "ExperimentSpec",
    "ModelSpec",
    "OutletSpec",
    "RangeSpec",
    "SideSpec",
    "SweepSpec",
    "default_model_spec",
    "describe_error",
    "load_config",
    "parameter_kind",
    "resolve_model",
    "sweep_kinds",
    "sweepable_paths",
]
