"""Strategies: how a state chooses its action each step. Both sides may use any of them.

Each strategy is a class with a pydantic `Options` model (its config keys, validated in
strict mode with ranges: a step is an integer, never a string or a float) and a `decide`
method from a `DecisionContext` to an `Action`. The model builds one per side with
`build_strategy`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

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
)
from pydantic_core import PydanticCustomError

from model.actions import Action
from model.rules.escalation import ADAPTIVE_ACTIONS, logit_choice


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


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


def _action_name(value: Any) -> Any:
    """Let only text (or an Action) through to the Action enum: no bytes, no numbers."""
    if isinstance(value, str):
        return value
    expected = [repr(a.value) for a in Action]
    raise PydanticCustomError(
        "enum",
        "Input should be {expected}",
        {"expected": f"{', '.join(expected[:-1])} or {expected[-1]}"},
    )


ActionName = Annotated[Action, Strict(False), BeforeValidator(_action_name)]
"""An action as a config spells it: its name, e.g. ``walk_away``."""


class Strategy(ABC):
    """A rule for choosing one side's action each step."""

    name: ClassVar[str]
    description: ClassVar[str]
    Options: ClassVar[type[BaseModel]] = _Options

    def __init__(self, options: BaseModel | None = None) -> None:
        self.options = options if options is not None else self.Options()

    @abstractmethod
    def decide(self, context: DecisionContext) -> Action:
        """The action for `context.step`."""

    def __repr__(self) -> str:
        values = self.options.model_dump(by_alias=True)
        inner = ", ".join(f"{k}={v!r}" for k, v in values.items())
        return f"{type(self).__name__}({inner})"


class AlwaysEngage(Strategy):
    """Stay at the table and engage every step."""

    name = "always_engage"
    description = "engage every step"

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.ENGAGE


class _AtOptions(_Options):
    at: NonNegativeInt = Field(description="step from which the action holds")


class WalkAwayAt(Strategy):
    """Engage until step `at`, then walk away and stay away."""

    name = "walk_away_at"
    description = "engage, then walk away from step `at` on"
    Options = _AtOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.WALK_AWAY if context.step >= self.options.at else Action.ENGAGE


class AddConditionsAt(Strategy):
    """Engage until step `at`, then stay at the table adding conditions."""

    name = "add_conditions_at"
    description = "engage, then add conditions from step `at` on"
    Options = _AtOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.ADD_CONDITIONS if context.step >= self.options.at else Action.ENGAGE


class TitForTat(Strategy):
    """Engage first, then answer the other side's last action in kind (a concession: engage)."""

    name = "tit_for_tat"
    description = "engage first, then mirror the other side's previous action"

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        other = context.other_previous
        if other is None or other is Action.CONCEDE:
            return Action.ENGAGE
        return other


class _ReassuranceOptions(_Options):
    concede_from: NonNegativeInt = Field(description="first step of the concession window")
    concede_for: PositiveInt = Field(description="length of the concession window in steps")


class CostlyReassurance(Strategy):
    """Concede during a window, otherwise engage, and never retaliate (Kydd; Hudaybiyyah)."""

    name = "costly_reassurance"
    description = "engage; concede for `concede_for` steps from `concede_from`; never retaliate"
    Options = _ReassuranceOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        start = self.options.concede_from
        if start <= context.step < start + self.options.concede_for:
            return Action.CONCEDE
        return Action.ENGAGE


class _SanctionOptions(_Options):
    every: PositiveInt = Field(description="steps between sanctions")
    from_: NonNegativeInt = Field(0, alias="from", description="step of the first sanction")


class SanctionEvery(Strategy):
    """Engage, and sanction every `every` steps from step `from` (a dual track)."""

    name = "sanction_every"
    description = "engage, but sanction every `every` steps from step `from`"
    Options = _SanctionOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        start, every = self.options.from_, self.options.every
        if context.step >= start and (context.step - start) % every == 0:
            return Action.SANCTION
        return Action.ENGAGE


class _AdaptiveOptions(_Options):
    rationality: float = Field(5.0, ge=0.0, le=100.0, description="logit choice sharpness")


class Adaptive(Strategy):
    """Choose by a logit rule over the utilities of rule 11 (0: at random; large: best reply)."""

    name = "adaptive"
    description = "logit choice over the escalation utilities of rule 11"
    Options = _AdaptiveOptions

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        index = logit_choice(context.utilities, self.options.rationality, context.uniform)
        return ADAPTIVE_ACTIONS[index]


class Silent(Strategy):
    """Neither talk nor act: no channel."""

    name = "silent"
    description = "no contact: silent every step"

    def decide(self, context: DecisionContext) -> Action:  # noqa: D102
        return Action.SILENT


class _ScriptedOptions(_Options):
    timeline: dict[NonNegativeInt, ActionName] = Field(
        min_length=1, description="{step: action}; an action holds until the next entry"
    )


class Scripted(Strategy):
    """Follow a timeline {step: action}; each action holds until the next entry.

    Before the first entry the side engages (the default strategy's action).
    """

    name = "scripted"
    description = "follow a {step: action} timeline; an action holds until the next entry"
    Options = _ScriptedOptions

    def __init__(self, options: BaseModel | None = None) -> None:
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


def strategy_keys(name: str) -> tuple[str, ...]:
    """The config keys that strategy `name` takes."""
    return tuple(field.alias or key for key, field in STRATEGIES[name].Options.model_fields.items())


ALL_STRATEGY_KEYS: frozenset[str] = frozenset(k for n in STRATEGIES for k in strategy_keys(n))


def build_strategy(name: str, options: Mapping[str, Any] | None = None) -> Strategy:
    """Build strategy `name` from its validated options as a `SideSpec` stores them.

    The stored options are in JSON spelling (a timeline's steps are strings, its actions their
    names), so they are read back without strict mode; configs are checked strictly before.
    """
    cls = STRATEGIES[name]
    return cls(cls.Options.model_validate(dict(options or {}), strict=False))


def config_spelling(options: Mapping[str, Any]) -> dict[str, Any]:
    """Stored strategy options (JSON spelling) as a config spells them: integer steps."""
    spelled = dict(options)
    if isinstance(spelled.get("timeline"), Mapping):
        spelled["timeline"] = {int(step): a for step, a in spelled["timeline"].items()}
    return spelled
