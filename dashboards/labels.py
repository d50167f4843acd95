"""How the dashboard names the two sides and their actions: by role, never by country."""

from __future__ import annotations

import math

from agents.actions import Action

ROLE_LABELS = {"negotiator": "Negotiator (N)", "adversary": "Adversary (A)"}
"""How the two sides are named on the page."""


def action_label(action: Action | str | None) -> str:
    """An action as words (``walk away``); an em dash for no action."""
    if action is None or (isinstance(action, float) and math.isnan(action)):
        return "—"
    value = action.value if isinstance(action, Action) else str(action)
    return value.replace("_", " ")
