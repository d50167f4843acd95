"""The roles of a classroom run, the choices they make, and how a team's votes become one.

A role is one of the two sides (a team of participants choosing that side's `Action` each
week) or one media outlet (choosing its editorial bias, its slant, within [-1, 1]). A team
decides by the majority of its members' votes or by its captain, as the lecturer sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from agents.actions import SIDES, Action

MEDIA_PREFIX = "media:"
"""How a media role's key starts; the outlet's name follows."""

SLANT_RANGE = (-1.0, 1.0)
"""The range of an outlet's editorial bias (MODEL_SPEC: b in [-1, 1])."""


class TeamRule(Enum):
    """How a side's team turns its members' choices into the side's action."""

    MAJORITY = "majority"
    CAPTAIN = "captain"


class Source(Enum):
    """Where the action or slant applied to a role in one week came from."""

    MAJORITY = "majority"
    CAPTAIN = "captain"
    PARTICIPANT = "participant"
    STRATEGY = "strategy"
    TIMER = "timer: strategy"


@dataclass(frozen=True)
class Role:
    """A role a participant can play: a side (`side` set) or a media outlet (`outlet` set)."""

    side: str | None = None
    outlet: str | None = None

    @property
    def key(self) -> str:
        """The role's key: ``negotiator``, ``adversary`` or ``media:<outlet name>``."""
        return self.side if self.side is not None else f"{MEDIA_PREFIX}{self.outlet}"

    @property
    def is_side(self) -> bool:
        """Whether the role is one of the two sides (it chooses actions, not a slant)."""
        return self.side is not None

    @property
    def label(self) -> str:
        """The role's name for people."""
        if self.side is not None:
            return "Negotiator (N)" if self.side == "negotiator" else "Adversary (A)"
        return f"Media: {self.outlet}"


def roles_for(outlets: Iterable[str]) -> tuple[Role, ...]:
    """Every role of a run with these outlets: the two sides, then one per outlet."""
    return (*(Role(side=s) for s in SIDES), *(Role(outlet=o) for o in outlets))


def team_choice(
    votes: Mapping[str, Action],
    order: Iterable[str],
    rule: TeamRule,
    captain: str | None,
    tie_break: Action,
) -> tuple[Action | None, Source | None]:
    """A team's action from its members' votes, and where it came from.

    Under `TeamRule.CAPTAIN` the captain's vote decides (None if the captain has not chosen).
    Under `TeamRule.MAJORITY` the most chosen action decides; a tie goes to `tie_break` (the
    side's own strategy's action) if it is among the tied actions, else to the tied action
    first in the model's order of actions. `order` lists the team's members.
    """
    if rule is TeamRule.CAPTAIN:
        if captain is None or captain not in votes:
            return None, None
        return votes[captain], Source.CAPTAIN
    counted = Counter(votes[m] for m in order if m in votes)
    if not counted:
        return None, None
    most = max(counted.values())
    tied = [a for a in Action if counted.get(a, 0) == most]
    return (tie_break if tie_break in tied else tied[0]), Source.MAJORITY


def parse_slant(value: object) -> float:
    """A slant sent by a browser as a number in `SLANT_RANGE`, or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"slant: expected a number from -1 to 1, found {type(value).__name__}")
    number = float(value)
    low, high = SLANT_RANGE
    if not low <= number <= high:  # NaN fails too
        raise ValueError("slant: expected a number from -1 to 1")
    return number
