"""The typed, frozen specs of a config (pydantic, strict, unknown keys rejected).

`ModelSpec` is one run's resolved `model` section; `ExperimentSpec` the top level of a config
as INTERFACE.md gives it. The parameters of the registry (`model.parameters`) become fields
with their kind, range, default and meaning from there: `DynamicsSpec`, the side parameters of
`SideSpec` and the population of `ModelSpec` are generated from it. A side's strategy is a
`StrategyChoice` (its options, discriminated by name), made from a config's flat side keys
in `model.config.strategy`.

Types are strict (pydantic's strict mode): no text, float or bool stands in for an integer, no
text or bool for a number, no binary data for text; an integer is fine where a number is
expected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PositiveInt,
    StrictBool,
    Tag,
    create_model,
    field_validator,
    model_validator,
)

from agents.actions import SIDES
from agents.strategies import StrategyChoice
from model.config.errors import LIST_BRANCH, RANGE_BRANCH
from model.config.strategy import flat_strategy
from model.parameters import (
    DYNAMICS_PARAMETERS,
    MECHANISMS,
    POPULATION_PARAMETERS,
    SIDE_PARAMETERS,
    Parameter,
)
from model.rules.blocs import bloc_sizes
from model.streams import SEED_MAX

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
"""What an experiment or scenario name may hold: letters, digits, - and _."""

MAX_SCENARIOS = 1_000
"""Most scenarios in one config (validation resolves each one in full)."""

PEER_MODELS = ("deffuant", "hegselmann_krause")
"""The peer-influence rules (rule 6); the first is the default."""


class Frozen(BaseModel):
    """A spec: frozen, strict, unknown keys rejected."""

    # Strict: no string, float or bool stands in for a number, no bytes for a string. An
    # integer where a number is expected is fine (YAML's `1` for 1.0).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def registry_field(p: Parameter, default: Any = ...) -> tuple[type, Any]:
    """A pydantic field of parameter `p`: its kind, its range and its meaning from the registry."""
    kind = int if p.integer else float
    return kind, Field(default, ge=p.low, le=p.high, description=p.meaning)


def _nested_spec(
    name: str,
    doc: str,
    parameters: tuple[Parameter, ...],
    with_defaults: bool,
    base: type[BaseModel] = Frozen,
    **extra: Any,
) -> type[BaseModel]:
    """A frozen model with a field per parameter; a dotted name becomes a nested model."""
    fields: dict[str, Any] = dict(extra)
    groups: dict[str, list[Parameter]] = {}
    for p in parameters:
        head, _, rest = p.name.partition(".")
        if rest:
            groups.setdefault(head, []).append(dataclasses.replace(p, name=rest))
        else:
            fields[p.name] = registry_field(p, p.default if with_defaults else ...)
    for head, members in groups.items():
        title = "".join(part.capitalize() for part in head.split("_"))
        sub = _nested_spec(
            f"{name}{title}", f"The `{head}` section of {name}.", tuple(members), with_defaults
        )
        fields[head] = (sub, Field(default_factory=sub) if with_defaults else ...)
    spec = create_model(name, __base__=base, __doc__=doc, __module__=__name__, **fields)
    globals()[name] = spec  # importable by name, so that specs pickle (batch workers)
    return spec


DynamicsSpec = _nested_spec(
    "DynamicsSpec",
    "Values of the dynamics parameters of the registry (`model.dynamics`), incl. the evidence "
    "table.",
    DYNAMICS_PARAMETERS,
    with_defaults=True,
)

MechanismSpec = create_model(
    "MechanismSpec",
    __base__=Frozen,
    __doc__="On/off switches of the mechanisms, the essay's and the rival ones.",
    __module__=__name__,
    **{m.name: (StrictBool, Field(m.default, description=m.claim)) for m in MECHANISMS},
)

SideSpec = _nested_spec(
    "SideSpec",
    "One state's resolved parameters: its strategy with its options, and its registry values.",
    SIDE_PARAMETERS,
    with_defaults=False,
    strategy=(StrategyChoice, ...),
    multilateral=(StrictBool, False),
)

PopulationSpec = _nested_spec(
    "PopulationSpec",
    "The population of a run: the `model` scope of the registry (observers, elite share).",
    POPULATION_PARAMETERS,
    with_defaults=True,
)


class OutletSpec(Frozen):
    """A media outlet: editorial bias (+ favours the negotiator), reach and indexing to events."""

    name: str = Field(min_length=1)
    bias: float = Field(ge=-1.0, le=1.0)
    reach: float = Field(ge=0.0, le=1.0)
    indexing: float = Field(ge=0.0, le=1.0)


class TiltSpec(Frozen):
    """A bloc's prior tilt: added to the mean initial legitimacy of each side in that bloc."""

    negotiator: float = Field(0.0, ge=-0.5, le=0.5)
    adversary: float = Field(0.0, ge=-0.5, le=0.5)


class BlocSpec(Frozen):
    """A bloc of observers: relative share, economic weight, exposure, scepticism, prior tilt."""

    name: str = Field(min_length=1)
    share: float = Field(gt=0.0, le=1.0)
    economic_weight: float = Field(0.25, ge=0.0, le=1.0)
    exposure: float = Field(0.5, ge=0.0, le=1.0)
    scepticism: float = Field(0.5, ge=0.01, le=0.99)
    tilt: TiltSpec = Field(default_factory=TiltSpec)


class ModelSpec(PopulationSpec):  # type: ignore[valid-type,misc]
    """Everything one run needs besides its seed: the fully resolved `model` section."""

    peer_model: Literal[PEER_MODELS] = PEER_MODELS[0]  # type: ignore[valid-type]
    negotiator: SideSpec  # type: ignore[valid-type]
    adversary: SideSpec  # type: ignore[valid-type]
    # A list is read as a tuple (strict mode takes only tuples); the items stay strict.
    media: tuple[OutletSpec, ...] = Field(min_length=1, strict=False)
    blocs: tuple[BlocSpec, ...] = Field(min_length=1, strict=False)
    dynamics: DynamicsSpec = Field(default_factory=DynamicsSpec)  # type: ignore[valid-type]
    mechanisms: MechanismSpec = Field(default_factory=MechanismSpec)  # type: ignore[valid-type]
    salience_shocks: dict[PositiveInt, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict,
        description="exogenous news unrelated to either side, {step: newsworthiness}",
    )
    bias_schedule: dict[PositiveInt, dict[str, Annotated[float, Field(ge=-1.0, le=1.0)]]] = Field(
        default_factory=dict,
        description="outlets' editorial bias from a step on, {step: {outlet name: bias}}",
    )

    @model_validator(mode="after")
    def _every_bloc_has_observers(self) -> ModelSpec:
        shares = np.array([b.share for b in self.blocs])
        sizes = bloc_sizes(shares / shares.sum(), self.observers)
        empty = [b.name for b, size in zip(self.blocs, sizes, strict=True) if size == 0]
        if empty:
            raise ValueError(
                f"observers: expected enough observers for every bloc to have one, found "
                f"{self.observers} (bloc {', '.join(empty)} would be empty; raise observers or "
                "the bloc's share)"
            )
        return self

    @model_validator(mode="after")
    def _scheduled_outlets_exist(self) -> ModelSpec:
        names = {outlet.name for outlet in self.media}
        for step, biases in self.bias_schedule.items():
            unknown = sorted(set(biases) - names)
            if unknown:
                raise ValueError(
                    f"bias_schedule.{step}: expected names of outlets in media "
                    f"({', '.join(sorted(names))}), found {', '.join(unknown)}"
                )
        return self

    @field_validator("media", "blocs")
    @classmethod
    def _unique_names(cls, items: tuple) -> tuple:
        names = [item.name for item in items]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"names must be unique, found {', '.join(duplicates)} twice")
        return items

    def side(self, role: str) -> Any:
        """The SideSpec of `role` ('negotiator' or 'adversary')."""
        return getattr(self, role)

    def to_dict(self) -> dict[str, Any]:
        """The resolved model as a config spells it: plain data, a side's strategy keys flat.

        A config section of this shape resolves to this spec again.
        """
        data = self.model_dump(mode="json")
        for role in SIDES:
            side = data[role]
            flat = flat_strategy(self.side(role).strategy)
            side["strategy"] = flat.pop("strategy")
            side.update(flat)
        return data


# --------------------------------------------------------------------------------------------
# The top level of a config
# --------------------------------------------------------------------------------------------


class RangeSpec(Frozen):
    """A parameter range for `lhs` and `sobol` designs.

    Bounds keep their type (an integer stays one), so that a range over an integer parameter
    takes integer bounds, checked like any value of that parameter.
    """

    min: int | float
    max: int | float


SweepValues = Annotated[
    Annotated[list[Any], Tag(LIST_BRANCH)] | Annotated[RangeSpec, Tag(RANGE_BRANCH)],
    Discriminator(lambda value: RANGE_BRANCH if isinstance(value, Mapping) else LIST_BRANCH),
]
"""A swept parameter: a list of values (grid) or a {min, max} range (lhs, sobol)."""


class SweepSpec(Frozen):
    """A design over model parameters, crossed with the scenarios."""

    method: Literal["grid", "lhs", "sobol"] = "grid"
    samples: int | None = Field(None, ge=1, le=1_000_000)
    parameters: dict[str, SweepValues] = Field(min_length=1)


class OutputsSpec(Frozen):
    """What a batch writes besides the model-level time series."""

    agents_every: int = Field(0, ge=0)


class ExperimentSpec(Frozen):
    """The top level of an experiment config (INTERFACE.md)."""

    name: str = Field(pattern=NAME_PATTERN, min_length=1, max_length=100)
    description: str = ""
    steps: int = Field(200, ge=1, le=100_000)
    replications: int = Field(1, ge=1, le=10_000_000)
    seed: int = Field(0, ge=0, le=SEED_MAX)
    model: dict[str, Any] = Field(default_factory=dict)
    scenarios: dict[str, dict[str, Any] | None] = Field(min_length=1, max_length=MAX_SCENARIOS)
    sweep: SweepSpec | None = None
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)


MODEL_KEYS = frozenset(ModelSpec.model_fields)
"""The keys of a `model` section (and of a scenario)."""
