"""Actions a state can take in one step: postures (at the table or away) and events."""

from __future__ import annotations

from enum import Enum


class Action(Enum):
    """One state's action in one step (MODEL_SPEC, "Actions: postures and events").

    Each member carries its newsworthiness, whether it keeps the side at the table, whether it
    is a defection, and its base valence where that does not depend on the observer. The
    valence of `concede` and `sanction` differs per observer and is computed in
    `model.rules.valence.base_valence`.
    """

    ENGAGE = "engage"
    CONCEDE = "concede"
    ADD_CONDITIONS = "add_conditions"
    WALK_AWAY = "walk_away"
    ESCALATE_RHETORIC = "escalate_rhetoric"
    SANCTION = "sanction"
    SILENT = "silent"

    @property
    def at_table(self) -> bool:
        """Whether the side is at the negotiating table while taking this action."""
        return self in _AT_TABLE

    @property
    def is_defection(self) -> bool:
        """Whether the action counts as a defection (blame, tit-for-tat, justified exit)."""
        return self in _DEFECTION_SEVERITY

    @property
    def defection_severity(self) -> float:
        """Weight of the action as a defection in the blame rule (0 for non-defections)."""
        return _DEFECTION_SEVERITY.get(self, 0.0)

    @property
    def newsworthiness(self) -> float:
        """Newsworthiness n before persistence scaling."""
        return _NEWSWORTHINESS[self]

    @property
    def is_persistent_posture(self) -> bool:
        """Whether repeating this action is a posture whose newsworthiness decays."""
        return self in _POSTURES

    @property
    def is_provocation(self) -> bool:
        """Whether the action raises the crisis hazard (rhetoric or sanction)."""
        return self in (Action.ESCALATE_RHETORIC, Action.SANCTION)

    @classmethod
    def parse(cls, text: str) -> Action:
        """Return the action named `text` (its config spelling), or raise ValueError."""
        try:
            return cls(text)
        except ValueError:
            names = ", ".join(a.value for a in cls)
            raise ValueError(f"expected one of {names}, found {text!r}") from None


_AT_TABLE = frozenset({Action.ENGAGE, Action.CONCEDE, Action.ADD_CONDITIONS})
_POSTURES = frozenset({Action.ENGAGE, Action.WALK_AWAY, Action.SILENT})
_NEWSWORTHINESS = {
    Action.ENGAGE: 0.2,
    Action.CONCEDE: 0.6,
    Action.ADD_CONDITIONS: 0.5,
    Action.WALK_AWAY: 1.0,
    Action.ESCALATE_RHETORIC: 0.6,
    Action.SANCTION: 0.8,
    Action.SILENT: 0.0,
}
# Severity of a defection = minus its base valence (sanction at its unilateral maximum).
_DEFECTION_SEVERITY = {
    Action.ADD_CONDITIONS: 0.2,
    Action.WALK_AWAY: 0.6,
    Action.ESCALATE_RHETORIC: 0.3,
    Action.SANCTION: 0.8,
}
# Observer-independent base valences; concede and sanction are per observer.
BASE_VALENCE = {
    Action.ENGAGE: 0.5,
    Action.ADD_CONDITIONS: -0.2,
    Action.WALK_AWAY: -0.6,
    Action.ESCALATE_RHETORIC: -0.3,
    Action.SILENT: 0.0,
}
CONCEDE_VALENCE = (0.4, 0.8)  # v = 0.4 - 0.8 h_obs
SANCTION_VALENCE = 0.8  # v = -0.8 s u

SIDES = ("negotiator", "adversary")
"""The two roles; index 0 is the negotiator, 1 the adversary, in every side-indexed array."""
