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
"""Marks in the background: network links."""

WHITE = "#FFFFFF"
"""The page's background."""

FOCUS = SKY_BLUE
"""The outline of a focused control."""

STONE = "#A7AFBA"
"""A mid grey: the `engage` of the event strip, the usual state, drawn quietly."""

PURPLE = "#7B3294"
"""A dark purple: rhetoric on the event strip (apart from concede's green for every reader)."""

ADVERSARY_TEXT = "#8A5A00"
"""The adversary's orange darkened for text on white (readable as text, WCAG AA)."""

SIDE_TEXT_COLOURS = {"negotiator": NEGOTIATOR_COLOUR, "adversary": ADVERSARY_TEXT}
"""Each side's colour for text on white (the orange itself is too light for text)."""

ACTION_COLOURS = {
    Action.ENGAGE: STONE,
    Action.CONCEDE: BLUISH_GREEN,
    Action.ADD_CONDITIONS: YELLOW,
    Action.WALK_AWAY: VERMILLION,
    Action.ESCALATE_RHETORIC: PURPLE,
    Action.SANCTION: INK,
    Action.SILENT: WHITE,
}
"""One colour per action on the event strip, told apart by readers with any of the three
colour-vision deficiencies (engage a quiet grey, silent white with an outline)."""

AA_TEXT = 4.5
"""The least contrast ratio of text against its background (WCAG 2.1, level AA)."""


def relative_luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour ``#RRGGBB`` (WCAG 2.1), from 0 to 1."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """The text colour for a filled `background`: white or ink, whichever reads better."""
    return max((WHITE, INK), key=lambda text: contrast_ratio(text, background))


TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("text", INK, WHITE),
    ("captions and axis labels", MUTED, WHITE),
    ("secondary text on a neutral band", MUTED, NEUTRAL),
    ("negotiator's status", SIDE_TEXT_COLOURS["negotiator"], WHITE),
    ("adversary's status and label", SIDE_TEXT_COLOURS["adversary"], WHITE),
    ("active negotiator button", text_on(NEGOTIATOR_COLOUR), NEGOTIATOR_COLOUR),
    ("active adversary button", text_on(ADVERSARY_COLOUR), ADVERSARY_COLOUR),
    ("app bar", WHITE, INK),
)
"""Every pair of text and background colours the dashboard draws: (what, text, background)."""
