"""Experiment configs: the YAML schema of INTERFACE.md, validated with pydantic.

`load_config` reads a YAML file (or takes a dict), checks it and returns a frozen
`ExperimentConfig`. Every problem becomes one line naming the file, the dotted key path, what
was expected and what was found; all lines are raised together as a `ConfigError`.

Types are strict (pydantic's strict mode): no text, float or bool stands in for an integer, no
text or bool for a number, no binary data for text; an integer is fine where a number is
expected. The file is read within the limits of `model.config_yaml`, and a config may hold at
most `MAX_SCENARIOS` scenarios and `MAX_SWEEP_VALUES` grid values, and resolve at most
`MAX_RESOLVED_VALUES` values when validated; what it may plan (runs, memory) is checked in
`experiments.limits`.

Precedence: the model's defaults (from the parameter registry), then `model`, then the
scenario, then a sweep's design point. When a layer sets a side's `strategy`, the strategy keys
of lower layers are dropped, so that a scenario replaces a strategy as a whole.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PositiveInt,
    StrictBool,
    Tag,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from model import config_yaml
from model.actions import SIDES
from model.parameters import (
    DYNAMICS_PARAMETERS,
    MECHANISMS,
    SIDE_PARAMETERS,
    Parameter,
)
from model.rules.blocs import bloc_sizes
from model.strategies import ALL_STRATEGY_KEYS, STRATEGIES, config_spelling, strategy_keys

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
SEED_MAX = 2**63 - 1
FOUND_CHARACTERS = 60
"""Longest text quoted whole in an error message; longer text is cut there."""

MAX_SCENARIOS = 1_000
"""Most scenarios in one config (validation resolves each one in full)."""

MAX_SWEEP_VALUES = 1_000
"""Most values in all the lists of a grid sweep (validation checks each one)."""

MAX_RESOLVED_VALUES = 400_000
"""Most values that validating a config may resolve in all. Each scenario, and each design
value checked against a scenario, is resolved from the defaults (about 300 values), `model` and
the scenario (about half a second for the most, measured in BENCHMARKS.md)."""


class ConfigError(ValueError):
    """A config that does not validate: one line per problem, each naming its key path."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        self.lines = [prefix + p for p in self.problems]
        super().__init__("\n".join(self.lines))


# --------------------------------------------------------------------------------------------
# Typed, frozen specs
# --------------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    # Strict: no string, float or bool stands in for a number, no bytes for a string. An
    # integer where a number is expected is fine (YAML's `1` for 1.0).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _field(p: Parameter, default: Any = ...) -> tuple[type, Any]:
    kind = int if p.integer else float
    return kind, Field(default, ge=p.low, le=p.high, description=p.meaning)


def _nested_spec(
    name: str, doc: str, parameters: tuple[Parameter, ...], with_defaults: bool, **extra: Any
) -> type[BaseModel]:
    """A frozen model with a field per parameter; a dotted name becomes a nested model."""
    fields: dict[str, Any] = dict(extra)
    groups: dict[str, list[Parameter]] = {}
    for p in parameters:
        head, _, rest = p.name.partition(".")
        if rest:
            groups.setdefault(head, []).append(dataclasses.replace(p, name=rest))
        else:
            fields[p.name] = _field(p, p.default if with_defaults else ...)
    for head, members in groups.items():
        title = "".join(part.capitalize() for part in head.split("_"))
        sub = _nested_spec(
            f"{name}{title}", f"The `{head}` section of {name}.", tuple(members), with_defaults
        )
        fields[head] = (sub, Field(default_factory=sub) if with_defaults else ...)
    spec = create_model(name, __base__=_Frozen, __doc__=doc, __module__=__name__, **fields)
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
    __base__=_Frozen,
    __doc__="On/off switches of the mechanisms, the essay's and the rival ones.",
    **{m.name: (StrictBool, Field(m.default, description=m.claim)) for m in MECHANISMS},
)

SideSpec = _nested_spec(
    "SideSpec",
    "One state's resolved parameters: its strategy with options, and its registry values.",
    SIDE_PARAMETERS,
    with_defaults=False,
    strategy=(Literal[tuple(STRATEGIES)], ...),
    strategy_options=(dict[str, Any], Field(default_factory=dict)),
    multilateral=(StrictBool, False),
)


class OutletSpec(_Frozen):
    """A media outlet: editorial bias (+ favours the negotiator), reach and indexing to events."""

    name: str = Field(min_length=1)
    bias: float = Field(ge=-1.0, le=1.0)
    reach: float = Field(ge=0.0, le=1.0)
    indexing: float = Field(ge=0.0, le=1.0)


class TiltSpec(_Frozen):
    """A bloc's prior tilt: added to the mean initial legitimacy of each side in that bloc."""

    negotiator: float = Field(0.0, ge=-0.5, le=0.5)
    adversary: float = Field(0.0, ge=-0.5, le=0.5)


class BlocSpec(_Frozen):
    """A bloc of observers: relative share, economic weight, exposure, scepticism, prior tilt."""

    name: str = Field(min_length=1)
    share: float = Field(gt=0.0, le=1.0)
    economic_weight: float = Field(0.25, ge=0.0, le=1.0)
    exposure: float = Field(0.5, ge=0.0, le=1.0)
    scepticism: float = Field(0.5, ge=0.01, le=0.99)
    tilt: TiltSpec = Field(default_factory=TiltSpec)


class ModelSpec(_Frozen):
    """Everything one run needs besides its seed: the fully resolved `model` section."""

    observers: int = Field(1000, ge=2, le=10_000_000)
    elite_share: float = Field(0.1, ge=0.0, le=1.0)
    peer_model: Literal["deffuant", "hegselmann_krause"] = "deffuant"
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
        """Plain data (lists, dicts, numbers, strings) that `ModelSpec.model_validate` accepts."""
        data = self.model_dump(mode="json")
        for role in SIDES:
            side = data[role]
            side.update(config_spelling(side.pop("strategy_options")))
        return data


# --------------------------------------------------------------------------------------------
# Defaults and presets
# --------------------------------------------------------------------------------------------

MEDIA_PRESETS: dict[str, tuple[dict[str, Any], ...]] = {
    "mixed": (
        {"name": "Outlet leaning to N", "bias": 0.6, "reach": 0.3, "indexing": 0.4},
        {"name": "Outlet leaning to A", "bias": -0.6, "reach": 0.3, "indexing": 0.4},
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
    ),
    "neutral": (
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
        {"name": "Regional daily", "bias": 0.0, "reach": 0.3, "indexing": 0.6},
        {"name": "News portal", "bias": 0.0, "reach": 0.3, "indexing": 0.6},
    ),
    "polarized": (
        {"name": "Partisan outlet for N", "bias": 0.8, "reach": 0.4, "indexing": 0.2},
        {"name": "Partisan outlet for A", "bias": -0.8, "reach": 0.4, "indexing": 0.2},
        {"name": "Leaning outlet for N", "bias": 0.5, "reach": 0.3, "indexing": 0.3},
        {"name": "Leaning outlet for A", "bias": -0.5, "reach": 0.3, "indexing": 0.3},
    ),
}
"""Illustrative media ecologies; `mixed` is the default of MODEL_SPEC. All are symmetric."""

DEFAULT_BLOCS: tuple[dict[str, Any], ...] = (
    {
        "name": "Bloc A",
        "share": 0.30,
        "economic_weight": 0.35,
        "exposure": 0.7,
        "scepticism": 0.4,
        "tilt": {"negotiator": -0.05, "adversary": 0.05},
    },
    {
        "name": "Bloc B",
        "share": 0.25,
        "economic_weight": 0.25,
        "exposure": 0.4,
        "scepticism": 0.6,
        "tilt": {"negotiator": 0.0, "adversary": 0.0},
    },
    {
        "name": "Bloc C",
        "share": 0.30,
        "economic_weight": 0.25,
        "exposure": 0.3,
        "scepticism": 0.7,
        "tilt": {"negotiator": 0.05, "adversary": -0.05},
    },
    {
        "name": "Bloc D",
        "share": 0.15,
        "economic_weight": 0.15,
        "exposure": 0.5,
        "scepticism": 0.5,
        "tilt": {"negotiator": 0.0, "adversary": 0.0},
    },
)
"""Illustrative blocs (no country names): the tilts of A and C mirror each other."""


def default_model_dict() -> dict[str, Any]:
    """The model section with every default filled in (the first layer of precedence)."""
    sides = {
        role: {
            "strategy": "always_engage",
            "multilateral": False,
            **_unflatten({p.name: p.default_for(role) for p in SIDE_PARAMETERS}),
        }
        for role in SIDES
    }
    return {
        "observers": 1000,
        "elite_share": 0.1,
        "peer_model": "deffuant",
        **sides,
        "media": "mixed",
        "blocs": [dict(b) for b in DEFAULT_BLOCS],
        "dynamics": _unflatten({p.name: p.default for p in DYNAMICS_PARAMETERS}),
        "mechanisms": {m.name: m.default for m in MECHANISMS},
        "salience_shocks": {},
    }


SIDE_KEYS = frozenset({"strategy", "multilateral"} | {p.path[0] for p in SIDE_PARAMETERS})
MODEL_KEYS = frozenset(ModelSpec.model_fields)
REPLACED_WHOLE = frozenset({"media", "blocs", "timeline", "salience_shocks"})

# --------------------------------------------------------------------------------------------
# Error formatting
# --------------------------------------------------------------------------------------------


def format_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """Dotted key path with list positions in brackets: ``model.media[1].bias``."""
    out = ""
    for part in parts:
        if part == "[key]":  # pydantic's marker of a problem with a mapping's key itself
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _found(value: Any) -> str:
    if isinstance(value, str):
        if len(value) > FOUND_CHARACTERS:
            return f"{value[:FOUND_CHARACTERS]!r}... ({len(value):,} characters)"
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return f"binary data ({len(value):,} bytes)"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def _expected(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    bounds = {
        "greater_than_equal": ">= {ge}",
        "greater_than": "> {gt}",
        "less_than_equal": "<= {le}",
        "less_than": "< {lt}",
    }
    if kind in bounds:
        return "a value " + bounds[kind].format(**{k: _fmt_num(v) for k, v in ctx.items()})
    simple = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "float_parsing": "a number",
        "float_type": "a number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "string_type": "a string",
        "dict_type": "a mapping",
        "list_type": "a list",
        "tuple_type": "a list",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "finite_number": "a finite number",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("literal_error", "enum"):
        return "one of " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "string_pattern_mismatch":
        return "only letters, digits, - and _"
    if kind in ("too_short", "string_too_short"):
        return f"at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return str(error.get("msg", "a valid value")).lower()


def _known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys that the mapping holding `loc[-1]` takes, following `loc` from `root`."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        model = _model_in(field.annotation) if field is not None else None
        if model is None:
            return None
    return sorted(field.alias or name for name, field in model.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _relevant(errors: list[Any]) -> list[Any]:
    """Drop pydantic's 'too short' for a list that is long enough but has invalid items."""
    return [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and isinstance(e.get("input"), list | tuple | dict)
            and len(e["input"]) >= (e.get("ctx") or {}).get("min_length", 1)
        )
    ]


def _fmt_num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_error(error: Mapping[str, Any], root: type[BaseModel] | None = None) -> str:
    """One pydantic error as 'expected X, found Y' (without its path).

    `root` is the model validated; with it, an unknown key's message names the known keys.
    """
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        keys = _known_keys(root, _clean_loc(error["loc"])) if root is not None else None
        if not keys:
            return "unknown key"
        if len(keys) <= 20:
            return f"unknown key (expected one of {', '.join(keys)})"
        close = difflib.get_close_matches(str(error["loc"][-1]), keys, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else f", e.g. {', '.join(keys[:3])}"
        return f"unknown key (expected one of {len(keys)} known keys{hint})"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    ctx = error.get("ctx") or {}
    if kind == "too_long":
        found = ctx.get("actual_length")
        if found is None and hasattr(error.get("input"), "__len__"):
            found = len(error["input"])
        return f"expected at most {ctx['max_length']:,} items, found {found:,}"
    return f"expected {_expected(error)}, found {_found(error.get('input'))}"


# --------------------------------------------------------------------------------------------
# Layered merge with origins
# --------------------------------------------------------------------------------------------


class _Layers:
    """Deep-merges config layers and remembers which layer set each key (for error paths)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origin: dict[tuple[Any, ...], str | None] = {}
        self.last_prefix: str | None = None

    def add(self, prefix: str | None, layer: Mapping[str, Any]) -> None:
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


def resolve_model(
    layers: list[tuple[str | None, Mapping[str, Any]]],
) -> tuple[ModelSpec | None, list[str]]:
    """Merge `layers` over the defaults and validate: (spec, []) or (None, problems).

    Each layer is (its path prefix in the config, e.g. ``scenarios.walk``, and its mapping).
    """
    merged = _Layers()
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
        if not isinstance(side, dict):
            continue
        problems.extend(_split_strategy(side, role, merged))

    if not problems:
        blocs = data.get("blocs")
        if isinstance(blocs, list) and blocs and all(isinstance(b, dict) for b in blocs):
            shares = [b.get("share") for b in blocs]
            if all(isinstance(s, int | float) and not isinstance(s, bool) for s in shares):
                total = float(sum(shares))
                if total > 0 and math.isfinite(total):
                    for bloc, share in zip(blocs, shares, strict=True):
                        bloc["share"] = share / total
        try:
            spec = ModelSpec.model_validate(data)
            problems.extend(
                f"{merged.where(('dynamics', low))}: expected at most dynamics.{high} "
                f"({_fmt_num(high_value)}), found {_fmt_num(low_value)}"
                for low, high, low_value, high_value in _unordered_ranges(spec)
            )
            if not problems:
                return spec, []
        except ValidationError as error:
            for e in _relevant(error.errors()):
                problems.append(
                    f"{merged.where(_clean_loc(e['loc']))}: {describe_error(e, ModelSpec)}"
                )
    return None, sorted(set(problems), key=problems.index)


ORDERED_RANGES = (
    ("confidence_public_low", "confidence_public_high"),
    ("confidence_elite_low", "confidence_elite_high"),
    ("redline_low", "redline_high"),
)
"""Pairs of dynamics parameters that are the two ends of one uniform range."""


def _unordered_ranges(spec: ModelSpec) -> list[tuple[str, str, float, float]]:
    dyn = spec.dynamics
    return [
        (low, high, getattr(dyn, low), getattr(dyn, high))
        for low, high in ORDERED_RANGES
        if getattr(dyn, low) > getattr(dyn, high)
    ]


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic puts the literal/union branch or function name into the loc; drop those.
    return tuple(
        p
        for p in loc
        if not (isinstance(p, str) and (p.startswith("function-") or p in (_LIST, _RANGE)))
    )


def _split_strategy(side: dict[str, Any], role: str, merged: _Layers) -> list[str]:
    """Move a side's strategy keys into `strategy_options`, validating them. Returns problems."""
    problems = []
    name = side.get("strategy")
    if not isinstance(name, str) or name not in STRATEGIES:
        problems.append(
            f"{merged.where((role, 'strategy'))}: expected one of {', '.join(STRATEGIES)}, "
            f"found {_found(name)}"
        )
        for key in [k for k in side if k in ALL_STRATEGY_KEYS]:
            del side[key]
        return problems
    taken = strategy_keys(name)
    options = {}
    for key in list(side):
        if key in SIDE_KEYS:
            continue
        if key in ALL_STRATEGY_KEYS and key not in taken:
            takes = ", ".join(taken) if taken else "no keys"
            problems.append(
                f"{merged.where((role, key))}: strategy {name} does not take key {key!r} "
                f"(it takes {takes})"
            )
        elif key in taken:
            options[key] = side[key]
        else:
            allowed = ", ".join(sorted(SIDE_KEYS | set(taken)))
            problems.append(f"{merged.where((role, key))}: unknown key (expected one of {allowed})")
        del side[key]
    try:
        validated = STRATEGIES[name].Options.model_validate(options)
        side["strategy_options"] = validated.model_dump(by_alias=True, mode="json")
    except ValidationError as error:
        for e in error.errors():
            loc = (role, *e["loc"])
            anchor = (role, "strategy") if e["type"] == "missing" else None
            problems.append(f"{merged.where(loc, anchor)}: {describe_error(e)}")
    return problems


# --------------------------------------------------------------------------------------------
# The experiment config
# --------------------------------------------------------------------------------------------


class RangeSpec(_Frozen):
    """A parameter range for `lhs` and `sobol` designs.

    Bounds keep their type (an integer stays one), so that a range over an integer parameter
    takes integer bounds, checked like any value of that parameter.
    """

    min: int | float
    max: int | float


_LIST, _RANGE = "[values]", "{min, max}"
"""Names of the two shapes of a swept parameter, as pydantic puts them into error paths."""

SweepValues = Annotated[
    Annotated[list[Any], Tag(_LIST)] | Annotated[RangeSpec, Tag(_RANGE)],
    Discriminator(lambda value: _RANGE if isinstance(value, Mapping) else _LIST),
]
"""A swept parameter: a list of values (grid) or a {min, max} range (lhs, sobol)."""


class SweepSpec(_Frozen):
    """A design over model parameters, crossed with the scenarios."""

    method: Literal["grid", "lhs", "sobol"] = "grid"
    samples: int | None = Field(None, ge=1, le=1_000_000)
    parameters: dict[str, SweepValues] = Field(min_length=1)


class OutputsSpec(_Frozen):
    """What a batch writes besides the model-level time series."""

    agents_every: int = Field(0, ge=0)


class ExperimentSpec(_Frozen):
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
        layers = self._layers(scenario)
        layers.append(("sweep.parameters", _unflatten(point)))
        spec, problems = resolve_model(layers)
        if spec is None:
            raise ConfigError(problems, self.source)
        return spec

    def _layers(self, scenario: str) -> list[tuple[str | None, Mapping[str, Any]]]:
        return [
            ("model", self.spec.model),
            (f"scenarios.{scenario}", self.spec.scenarios[scenario] or {}),
        ]

    def to_dict(self) -> dict[str, Any]:
        """The config as given, validated (plain data)."""
        return copy.deepcopy(self.raw)

    def resolved_dict(self) -> dict[str, Any]:
        """Every scenario's fully resolved model as plain data."""
        return {name: spec.to_dict() for name, spec in self._resolved.items()}


def _unflatten(point: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in point.items():
        parts = path.split(".")
        here = nested
        for part in parts[:-1]:
            here = here.setdefault(part, {})
        here[parts[-1]] = value
    return nested


def _lookup(mapping: Mapping[str, Any] | None, path: str) -> bool:
    here: Any = mapping or {}
    for part in path.split("."):
        if not isinstance(here, Mapping) or part not in here:
            return False
        here = here[part]
    return True


def sweepable_paths() -> tuple[str, ...]:
    """Every dotted path into `model` that a sweep may vary."""
    numeric_strategy_keys = sorted(ALL_STRATEGY_KEYS - {"timeline"})
    paths = ["observers", "elite_share"]
    for role in SIDES:
        paths += [f"{role}.{p.name}" for p in SIDE_PARAMETERS]
        paths += [f"{role}.{k}" for k in numeric_strategy_keys]
    paths += [f"dynamics.{p.name}" for p in DYNAMICS_PARAMETERS]
    paths += [f"mechanisms.{m.name}" for m in MECHANISMS]
    return tuple(paths)


def _resolution_budget(spec: ExperimentSpec) -> list[str]:
    """A problem when resolving every scenario would resolve more than MAX_RESOLVED_VALUES."""
    shared = _defaults_values() + config_yaml.count_values(spec.model)
    values = sum(shared + config_yaml.count_values(s or {}) for s in spec.scenarios.values())
    if values <= MAX_RESOLVED_VALUES:
        return []
    return [
        f"scenarios, model: validating the {len(spec.scenarios):,} scenarios would resolve "
        f"{values:,} values (for each: the defaults, model and the scenario), expected at most "
        f"{MAX_RESOLVED_VALUES:,}; use fewer scenarios or a shorter model section"
    ]


def _sweep_budget(spec: ExperimentSpec, config: ExperimentConfig) -> list[str]:
    """A problem when checking every design value would resolve more than the budget allows."""
    sweep = spec.sweep
    assert sweep is not None
    known = set(sweepable_paths())
    checks = sum(
        (len(values) if isinstance(values, list) else 2) * len(_representatives(config, path))
        for path, values in sweep.parameters.items()
        if path in known
    )
    largest = max(config_yaml.count_values(s or {}) for s in spec.scenarios.values())
    values = checks * (_defaults_values() + config_yaml.count_values(spec.model) + largest)
    if values <= MAX_RESOLVED_VALUES:
        return []
    return [
        f"sweep.parameters: checking its {checks:,} design values would resolve {values:,} "
        f"values (for each: the defaults, model and a scenario), expected at most "
        f"{MAX_RESOLVED_VALUES:,}; use fewer values or a shorter model section"
    ]


@functools.cache
def _defaults_values() -> int:
    return config_yaml.count_values(default_model_dict())


def _representatives(config: ExperimentConfig, path: str) -> list[str]:
    """Scenarios that stand for all when checking a design value at `path`.

    A value's problems depend on the scenario only through the strategy that takes (or does
    not take) a strategy key; any scenario stands for all the others at any other path.
    """
    role, _, key = path.partition(".")
    if role not in SIDES or key not in ALL_STRATEGY_KEYS:
        return [config.scenarios[0]]
    first: dict[str, str] = {}
    for name in config.scenarios:
        first.setdefault(config.scenario_spec(name).side(role).strategy, name)
    return list(first.values())


def _check_sweep(spec: ExperimentSpec, config: ExperimentConfig) -> list[str]:
    sweep = spec.sweep
    assert sweep is not None
    problems = []
    known = set(sweepable_paths())
    if sweep.method in ("lhs", "sobol") and sweep.samples is None:
        problems.append(f"sweep.samples: required for method {sweep.method}, found nothing")
    listed = sum(len(v) for v in sweep.parameters.values() if isinstance(v, list))
    if listed > MAX_SWEEP_VALUES:
        return [
            *problems,
            f"sweep.parameters: expected at most {MAX_SWEEP_VALUES:,} values in all the lists, "
            f"found {listed:,}",
        ]
    budget = _sweep_budget(spec, config)
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
        for name, scenario in spec.scenarios.items():
            if _lookup(scenario, path):
                problems.append(
                    f"{where}: also set by scenario {name} (scenarios.{name}.{path}); a sweep "
                    "may not vary a parameter that a scenario sets"
                )
        if sweep.method == "grid":
            if not isinstance(values, list) or not values:
                found = "a {min, max} range" if isinstance(values, RangeSpec) else _found(values)
                problems.append(
                    f"{where}: expected a non-empty list of values for a grid, found {found}"
                )
                continue
            samples = [(f"{where}[{i}]", v) for i, v in enumerate(values)]
        else:
            if not isinstance(values, RangeSpec):
                problems.append(
                    f"{where}: expected {{min, max}} for method {sweep.method}, found a list"
                )
                continue
            if path.startswith("mechanisms."):
                problems.append(f"{where}: a switch can only be swept with method grid")
                continue
            if not values.min < values.max:
                problems.append(
                    f"{where}: expected min < max, found min {values.min:g} and max {values.max:g}"
                )
                continue
            samples = [(f"{where}.min", values.min), (f"{where}.max", values.max)]
        for label, value in samples:
            for name in _representatives(config, path):
                layers = config._layers(name)
                layers.append(("sweep.parameters", _unflatten({path: value})))
                _, found = resolve_model(layers)
                for line in found:
                    # Re-label the problem with the design value's own position.
                    head, _, message = line.partition(": ")
                    problems.append(f"{label}: {message}" if head.startswith(where) else line)
    return problems


def read_yaml(path: str | Path) -> Any:
    """Read a YAML config file safely (`model.config_yaml`); ConfigError naming the file."""
    try:
        return config_yaml.read_yaml(path)
    except config_yaml.ConfigFileError as error:
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
            config_yaml.check_shape(config)
        except config_yaml.ConfigFileError as error:
            raise ConfigError([str(error)], source) from None
        raw = copy.deepcopy(dict(config))
    else:
        source = source or str(config)
        raw = read_yaml(config)
    if not isinstance(raw, dict):
        raise ConfigError(
            [f"expected a mapping with name and scenarios at the top, found {_found(raw)}"], source
        )
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{format_path(_clean_loc(e['loc'])) or '(top level)'}: "
            f"{describe_error(e, ExperimentSpec)}"
            for e in _relevant(error.errors())
        ]
        raise ConfigError(_dedupe(problems), source) from None

    problems: list[str] = []
    model_keys = set(MODEL_KEYS)
    for label, section in [("model", spec.model)] + [
        (f"scenarios.{n}", s or {}) for n, s in spec.scenarios.items()
    ]:
        if not isinstance(section, dict):
            continue
        for key in section:
            if key not in model_keys:
                problems.append(
                    f"{label}.{key}: unknown key (expected one of {', '.join(sorted(model_keys))})"
                )
    for name in spec.scenarios:
        if not _valid_name(name):
            problems.append(f"scenarios.{name}: scenario names take only letters, digits, - and _")
    if not problems:
        problems.extend(_resolution_budget(spec))
    if problems:
        raise ConfigError(problems, source)

    resolved: dict[str, ModelSpec] = {}
    _, model_problems = resolve_model([("model", spec.model)])
    problems.extend(model_problems)
    for name, scenario in spec.scenarios.items():
        if model_problems:
            break
        found, scenario_problems = resolve_model(
            [("model", spec.model), (f"scenarios.{name}", scenario or {})]
        )
        problems.extend(scenario_problems)
        if found is not None:
            resolved[name] = found
    config_obj = ExperimentConfig(spec, raw, source, resolved)
    if not problems and spec.sweep is not None:
        problems.extend(_check_sweep(spec, config_obj))
    if problems:
        raise ConfigError(_dedupe(problems), source)
    return config_obj


def _valid_name(name: Any) -> bool:
    import re

    return isinstance(name, str) and re.fullmatch(NAME_PATTERN, name) is not None


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def default_model_spec() -> ModelSpec:
    """The baseline model with every default (what `DiplomacyModel()` runs)."""
    spec, problems = resolve_model([])
    if spec is None:  # pragma: no cover - the defaults are tested to validate
        raise ConfigError(problems, "defaults")
    return spec
