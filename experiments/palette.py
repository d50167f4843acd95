"""The colours of every figure and chart: the report's figures and the dashboard's views.

Okabe and Ito's palette, safe for colour-blind readers. The two sides keep one pair
everywhere (blue for the negotiator, orange for the adversary); scenarios take the other
colours, the baseline first in black; actions on the dashboard's event strip take one hue each.
"""

from __future__ import annotations

from agents.actions import Action

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

NEGOTIATOR_COLOUR = BLUE
"""The negotiator (N) in every figure and view."""

ADVERSARY_COLOUR = ORANGE
"""The adversary (A) in every figure and view."""

SIDE_COLOURS = {"negotiator": NEGOTIATOR_COLOUR, "adversary": ADVERSARY_COLOUR}
"""Each side's colour, by role."""

SCENARIO_COLOURS = (
    BLACK,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    SKY_BLUE,
    VERMILLION,
    BLUE,
    ORANGE,
    YELLOW,
)
"""Colours for scenarios in the report's figures, the baseline (first) in black."""

SCENARIO_COLOURS_BESIDE_SIDES = tuple(c for c in SCENARIO_COLOURS if c not in SIDE_COLOURS.values())
"""Colours for scenarios on a page that also shows the sides: none of the sides' pair."""

INK = "#1F2933"
"""Text and marks that carry no side."""

MUTED = "#5F6B7A"
"""Secondary text: captions, axis labels."""

NEUTRAL = "#F4F4F4"
"""The middle of a diverging scale (no lean to either side)."""

RULE = "#AAB2BD"
"""Reference lines, axis domains and borders."""

GRID = "#E6E9EE"
"""Grid lines."""

QUIET = "#C9CED6"
"""Marks in the background: network links, the `engage` of the event strip."""

FOCUS = SKY_BLUE
"""The outline of a focused control."""

ACTION_COLOURS = {
    Action.ENGAGE: QUIET,
    Action.CONCEDE: BLUISH_GREEN,
    Action.ADD_CONDITIONS: YELLOW,
    Action.WALK_AWAY: VERMILLION,
    Action.ESCALATE_RHETORIC: REDDISH_PURPLE,
    Action.SANCTION: INK,
    Action.SILENT: "#FFFFFF",
}
"""One colour per action on the event strip (engage a quiet grey)."""
