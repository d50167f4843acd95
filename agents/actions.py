"""Actions a state can take in one step (postures, held until changed, and events) and the roles."""

from __future__ import annotations

from enum import Enum


class Action(Enum):
    """One state's action in one step (MODEL_SPEC, "Actions: postures, events, evidence").

    `engage`, `concede`, `add_conditions`, `walk_away` and `silent` are postures: a side holds
    one until it takes up another. `escalate_rhetoric` and `sanction` are events: each
    occurrence is new and leaves the side's held posture as it was. What an act or a held
    posture carries as evidence, and how newsworthy it is, are registry parameters
    (`dynamics.evidence`, `dynamics.newsworthiness`), keyed by `value`.
    """

    ENGAGE = "engage"
    CONCEDE = "concede"
    ADD_CONDITIONS = "add_conditions"
    WALK_AWAY = "walk_away"
    ESCALATE_RHETORIC = "escalate_rhetoric"
    SANCTION = "sanction"
    SILENT = "silent"

    @property
    def is_event(self) -> bool:
        """Whether the action is an event (new each time; the held posture stays)."""
        return self in _EVENTS

    @property
    def at_table(self) -> bool:
        """Whether holding this posture keeps the side at the negotiating table."""
        return self in _AT_TABLE

    @property
    def is_defection(self) -> bool:
        """Whether taking this action is a defection (blame, tit-for-tat, justified exit)."""
        return self in _DEFECTIONS

    @property
    def raises_hazard(self) -> bool:
        """Whether the action raises the crisis hazard in its step (rhetoric or a sanction)."""
        return self in _EVENTS

    @classmethod
    def parse(cls, text: str) -> Action:
        """Return the action named `text` (its config spelling), or raise ValueError."""
        try:
            return cls(text)
        except ValueError:
            names = ", ".join(a.value for a in cls)
            raise ValueError(f"expected one of {names}, found {text!r}") from None


_EVENTS = frozenset({Action.ESCALATE_RHETORIC, Action.SANCTION})
_AT_TABLE = frozenset({Action.ENGAGE, Action.CONCEDE, Action.ADD_CONDITIONS})
_DEFECTIONS = frozenset(
    {Action.ADD_CONDITIONS, Action.WALK_AWAY, Action.ESCALATE_RHETORIC, Action.SANCTION}
)

ACTIONS: tuple[Action, ...] = tuple(Action)
"""Every action in a fixed order: the row order of the evidence arrays (`EvidenceTable`)."""

AGREEMENT = "agreement"
"""The key of a concluded deal in the evidence table: an act of both sides, not a choice."""

SIDES = ("negotiator", "adversary")
"""The two roles; index 0 is the negotiator, 1 the adversary, in every side-indexed array."""

ADAPTIVE_ACTIONS = (
    Action.ENGAGE,
    Action.ADD_CONDITIONS,
    Action.ESCALATE_RHETORIC,
    Action.WALK_AWAY,
    Action.SANCTION,
)
"""The actions the adaptive strategy chooses among, in the order of the utilities of rule 11
(`model.rules.escalation.adaptive_utilities`)."""
