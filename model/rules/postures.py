"""Postures and events: what a side holds, and whether this week's action is an act."""

from __future__ import annotations

from agents.actions import Action


def take_action(held: Action, action: Action) -> tuple[Action, bool]:
    """The posture held after `action`, and whether `action` is an act (news).

    An event is always an act and leaves the held posture as it was; a posture is an act only
    when it differs from the one held (taking it up), and is then held.
    """
    if action.is_event:
        return held, True
    return action, action is not held


def talks_held(held_negotiator: Action, held_adversary: Action) -> bool:
    """Talks are held in a week when both sides' held postures are at the table."""
    return held_negotiator.at_table and held_adversary.at_table
