"""The two states: one class and one rule set for both roles."""

from __future__ import annotations

import mesa

from agents.actions import SIDES, Action
from agents.strategies import DecisionContext, Strategy
from agents.views import ArrayView


class State(mesa.Agent):
    """A state in the conflict, as negotiator (N) or adversary (A): the same class for both.

    Every difference between the two sides is a parameter: strategy, deterrence D,
    hawkishness h, private type theta (preparing or posturing), red line rho and caution. Its
    dynamic state (the posture it holds, face F, good-faith record R, escalation cost C,
    belief pi that the other is preparing, red-line estimate mu with variance tau^2, weeks
    waiting at the table without progress) lives in the model; this agent is a view onto entry
    `side` of the side-indexed arrays and holds its strategy and any intervention. `model` is
    the `DiplomacyModel` that owns the arrays (agents know it only through its attributes).
    """

    deterrence = ArrayView("deterrence", index_attr="side")
    hawkishness = ArrayView("hawkishness", index_attr="side")
    caution = ArrayView("caution", index_attr="side")
    red_line = ArrayView("red_line", index_attr="side")
    preparing = ArrayView("preparing", index_attr="side")
    face = ArrayView("face", index_attr="side")
    record = ArrayView("record", index_attr="side")
    fruitless_weeks = ArrayView("fruitless_weeks", index_attr="side")
    escalation_cost = ArrayView("escalation_cost", index_attr="side")
    type_belief = ArrayView("type_belief", index_attr="side")
    redline_estimate = ArrayView("redline_mean", index_attr="side")
    redline_variance = ArrayView("redline_variance", index_attr="side")

    def __init__(self, model: mesa.Model, role: str, strategy: Strategy) -> None:
        super().__init__(model)
        if role not in SIDES:
            raise ValueError(f"role must be one of {SIDES}, found {role!r}")
        self.role = role
        self.side = SIDES.index(role)
        self.strategy = strategy
        self.intervention: Action | None = None
        self.action: Action | None = None
        self.previous_action: Action | None = None

    @property
    def other(self) -> State:
        """The other state."""
        return self.model.states[1 - self.side]

    @property
    def held(self) -> Action:
        """The posture the state holds (events leave it as it was)."""
        return self.model.held[self.side]

    @property
    def at_table(self) -> bool:
        """Whether the posture the state holds keeps it at the table."""
        return self.held.at_table

    @property
    def redline_uncertainty(self) -> float:
        """tau: sd of the state's estimate of the other side's red line."""
        return float(self.redline_variance) ** 0.5

    @property
    def belief_error(self) -> float:
        """|pi - [other is preparing]|."""
        return abs(self.type_belief - float(self.other.preparing))

    def decide(self, context: DecisionContext) -> Action:
        """This step's action: the intervention if one is set, else the strategy's choice."""
        return self.intervention if self.intervention is not None else self.strategy.decide(context)
