"""Strategies: how a state chooses its action each step. Both sides may use any of them.

Each strategy is a class with a pydantic `Options` model and a `decide` method from a
`DecisionContext` to an `Action`. An `Options` model holds the strategy's `name` and its config
keys, validated in strict mode with ranges (a step is an integer, never a string or a float);
together they form `StrategyChoice`, a union discriminated by `name`, which is what a side's
resolved spec holds. The model builds one strategy per side with `build_strategy`.

Strategies sit with the agents because they are how a state chooses: the model imports them,
and they import nothing of the model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    Strict,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError

from agents.actions import ADAPTIVE_ACTIONS, Action


@dataclass(frozen=True)
class DecisionContext:
    """What a side knows when it chooses its action for `step`.

    `uniform` is this step's draw from the side's own choice stream (drawn whatever the
    strategy, so that strategies never shift each other's random numbers); `utilities` are the
    adaptive utilities of `ADAPTIVE_ACTIONS` computed from last step's state.
    """

    step: int
    own_previous: Action | None
    other_previous: Action | None
    uniform: float
    utilities: NDArray[np.float64]


def _action_name(value: Any) -> Any:
    """Let only text (or an Action) through to the Action enum: no bytes, no numbers."""
    if isinstance(value, str | Action):
        return value
    expected = [repr(a.value) for a in Action]
    raise PydanticCustomError(
        "enum",
        "Input should be {expected}",
        {"expected": f"{', '.join(expected[:-1])} or {expected[-1]}"},
    )


ActionName = Annotated[Action, Strict(False), BeforeValidator(_action_name)]
"""An action as a config spells it: its name, e.g. ``walk_away``."""


def logit_choice(utilities: NDArray[np.float64], rationality: float, uniform: float) -> int:
    """Index drawn with P(a) proportional to exp(rationality U(a)), by inverting one uniform."""
    z = rationality * (utilities - utilities.max())
    p = np.exp(z)
    cumulative = np.cumsum(p / p.sum())
    return int(min(np.searchsorted(cumulative, uniform, side="right"), utilities.size - 1))


# --------------------------------------------------------------------------------------------
# Options: a strategy's name and keys, as a config gives them
# --------------------------------------------------------------------------------------------


class StrategyOptions(BaseModel):
    """A chosen strategy: its `name` and the values of its keys (each strategy adds its own)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)

    name: str

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        """The keys a config gives this strategy beside `strategy` (``at``, ``from``, ...)."""
        return tuple(f.alias or k for k, f in cls.model_fields.items() if k != "name")

    @classmethod
    def number_keys(cls) -> dict[str, str]:
        """The keys that take a number, each with its kind: ``int`` (a step) or ``float``."""
        return {
            f.alias or k: "int" if f.annotation is int else "float"
            for k, f in cls.model_fields.items()
            if f.annotation in (int, float)
        }

    @classmethod
    def config_defaults(cls) -> dict[str, Any]:
        """The keys a config may leave out, each with the value it then takes."""
        return {
            f.alias or k: f.default
            for k, f in cls.model_fields.items()
            if k != "name" and not f.is_required()
        }

    def config_values(self) -> dict[str, Any]:
        """The strategy's keys as a config spells them: a timeline's steps are integers."""
        values = self.model_dump(by_alias=True, mode="json", exclude={"name"})
        if "timeline" in values:
            values["timeline"] = {int(step): a for step, a in values["timeline"].items()}
        return values


class AlwaysEngageOptions(StrategyOptions):
    """`always_engage` takes no keys."""

    name: Literal["always_engage"] = "always_engage"


class _AtOptions(StrategyOptions):
    at: NonNegativeInt = Field(description="step from which the action holds")


class WalkAwayAtOptions(_AtOptions):
    """`walk_away_at {at}`."""

    name: Literal["walk_away_at"] = "walk_away_at"


class AddConditionsAtOptions(_AtOptions):
    """`add_conditions_at {at}`."""

    name: Literal["add_conditions_at"] = "add_conditions_at"


class TitForTatOptions(StrategyOptions):
    """`tit_for_tat` takes no keys."""

    name: Literal["tit_for_tat"] = "tit_for_tat"


class CostlyReassuranceOptions(StrategyOptions):
    """`costly_reassurance {concede_from, concede_for}`."""

    name: Literal["costly_reassurance"] = "costly_reassurance"
    concede_from: NonNegativeInt = Field(description="first step of the concession window")
    concede_for: PositiveInt = Field(description="length of the concession window in steps")


class SanctionEveryOptions(StrategyOptions):
    """`sanction_every {every, from}`."""

    name: Literal["sanction_every"] = "sanction_every"
    every: PositiveInt = Field(description="steps between sanctions")
    from_: NonNegativeInt = Field(0, alias="from", description="step of the first sanction")


class AdaptiveOptions(StrategyOptions):
    """`adaptive {rationality}`."""

    name: Literal["adaptive"] = "adaptive"
    rationality: float = Field(5.0, ge=0.0, le=100.0, description="logit choice sharpness")


class SilentOptions(StrategyOptions):
    """`silent` takes no keys."""

    name: Literal["silent"] = "silent"


class ScriptedOptions(StrategyOptions):
    """`scripted {timeline}`."""

    name: Literal["scripted"] = "scripted"
    timeline: dict[NonNegativeInt, ActionName] = Field(
        min_length=1, description="{step: action}; an action holds until the next entry"
    )


# --------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------


class Strategy(ABC):
    """A rule for choosing one side's action each step."""

    name: ClassVar[str]
    description: ClassVar[str]
    Options: ClassVar[type[StrategyOptions]]

    def __init__(self, options: StrategyOptions | None = None) -> None:
        self.options: Any = options if options is not None else self.Options()

    @abstractmethod
    def decide(self, context: DecisionContext) -> Action:
        """The action for `context.step`."""

    def __repr__(self) -> str:
        values = self.options.model_dump(by_alias=True, exclude={"name"})
        inner = ", ".join(f"{k}={v!r}" for k, v in values.items())
        return f"{type(self).__name__}({inner})"


class AlwaysEngage(Strategy):
    """Stay at the table and engage every step."""

    name = "always_engage"
    description = "engage every step"
    Options = AlwaysEngageOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.ENGAGE


class WalkAwayAt(Strategy):
    """Engage until step `at`, then walk away and stay away."""

    name = "walk_away_at"
    description = "engage, then walk away from step `at` on"
    Options = WalkAwayAtOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.WALK_AWAY if context.step >= self.options.at else Action.ENGAGE


class AddConditionsAt(Strategy):
    """Engage until step `at`, then stay at the table adding conditions."""

    name = "add_conditions_at"
    description = "engage, then add conditions from step `at` on"
    Options = AddConditionsAtOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.ADD_CONDITIONS if context.step >= self.options.at else Action.ENGAGE


class TitForTat(Strategy):
    """Engage first, then answer the other side's last action in kind (a concession: engage)."""

    name = "tit_for_tat"
    description = "engage first, then mirror the other side's previous action"
    Options = TitForTatOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        other = context.other_previous
        if other is None or other is Action.CONCEDE:
            return Action.ENGAGE
        return other


class CostlyReassurance(Strategy):
    """Concede during a window, otherwise engage, and never retaliate (Kydd; Hudaybiyyah)."""

    name = "costly_reassurance"
    description = "engage; concede for `concede_for` steps from `concede_from`; never retaliate"
    Options = CostlyReassuranceOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        start = self.options.concede_from
        if start <= context.step < start + self.options.concede_for:
            return Action.CONCEDE
        return Action.ENGAGE


class SanctionEvery(Strategy):
    """Engage, and sanction every `every` steps from step `from` (a dual track)."""

    name = "sanction_every"
    description = "engage, but sanction every `every` steps from step `from`"
    Options = SanctionEveryOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        start, every = self.options.from_, self.options.every
        if context.step >= start and (context.step - start) % every == 0:
            return Action.SANCTION
        return Action.ENGAGE


class Adaptive(Strategy):
    """Choose by a logit rule over the utilities of rule 11 (0: at random; large: best reply)."""

    name = "adaptive"
    description = "logit choice over the escalation utilities of rule 11"
    Options = AdaptiveOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        index = logit_choice(context.utilities, self.options.rationality, context.uniform)
        return ADAPTIVE_ACTIONS[index]


class Silent(Strategy):
    """Neither talk nor act: no channel."""

    name = "silent"
    description = "no contact: silent every step"
    Options = SilentOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.SILENT


class Scripted(Strategy):
    """Follow a timeline {step: action}; each action holds until the next entry.

    Before the first entry the side engages (the default strategy's action).
    """

    name = "scripted"
    description = "follow a {step: action} timeline; an action holds until the next entry"
    Options = ScriptedOptions

    def __init__(self, options: StrategyOptions | None = None) -> None:
        super().__init__(options)
        timeline = self.options.timeline
        self._steps = np.array(sorted(timeline), dtype=np.int64)
        self._actions = [timeline[s] for s in sorted(timeline)]

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        i = int(np.searchsorted(self._steps, context.step, side="right")) - 1
        return self._actions[i] if i >= 0 else Action.ENGAGE


STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (
        AlwaysEngage,
        WalkAwayAt,
        AddConditionsAt,
        TitForTat,
        CostlyReassurance,
        SanctionEvery,
        Adaptive,
        Silent,
        Scripted,
    )
}
"""Strategies by config name."""

StrategyChoice = Annotated[
    AlwaysEngageOptions
    | WalkAwayAtOptions
    | AddConditionsAtOptions
    | TitForTatOptions
    | CostlyReassuranceOptions
    | SanctionEveryOptions
    | AdaptiveOptions
    | SilentOptions
    | ScriptedOptions,
    Field(discriminator="name"),
]
"""A side's strategy as its resolved spec holds it: the options of one strategy, by `name`."""

STRATEGY_CHOICE: TypeAdapter[StrategyOptions] = TypeAdapter(StrategyChoice)
"""Validates a strategy's options ({name, keys...}) strictly, as a config is checked."""

ALL_STRATEGY_KEYS: frozenset[str] = frozenset(
    key for cls in STRATEGIES.values() for key in cls.Options.config_keys()
)
"""Every key that some strategy takes (a side's mapping holds them beside its parameters)."""


def strategy_keys(name: str) -> tuple[str, ...]:
    """The config keys that strategy `name` takes."""
    return STRATEGIES[name].Options.config_keys()


def choose_strategy(name: str, keys: Mapping[str, Any] | None = None) -> StrategyOptions:
    """Strategy `name` with its config keys, validated (pydantic's ValidationError if invalid)."""
    return STRATEGY_CHOICE.validate_python({**(keys or {}), "name": name})


def build_strategy(options: StrategyOptions) -> Strategy:
    """The strategy that `options` choose, ready to decide."""
    return STRATEGIES[options.name](options)
