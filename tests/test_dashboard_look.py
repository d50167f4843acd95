"""The dashboard's colours and words: readable contrast, actions told apart, plain labels.

Colour-vision deficiencies are simulated with Machado, Oliveira and Fernandes (2009) at full
severity (colorspacious); colours are compared by CIEDE2000 in CIELab.
"""

from __future__ import annotations

import itertools
import math

import colorspacious
import numpy as np
import pytest

from dashboards.labels import action_label
from experiments.palette import (
    AA_TEXT,
    ACTION_COLOURS,
    ADVERSARY_COLOUR,
    SIDE_COLOURS,
    TEXT_PAIRS,
    WHITE,
    contrast_ratio,
    text_on,
)

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
"""Machado's three simulations; at severity 100 they are deuteranopia, protanopia, tritanopia."""

LEAST_DIFFERENCE = 15.0
"""The least CIEDE2000 difference between two action colours, for any reader (15: clearly apart)."""


def ciede2000(first: np.ndarray, second: np.ndarray) -> float:
    """The CIEDE2000 colour difference of two CIELab colours (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def seen_as_lab(colour: str, deficiency: str | None) -> np.ndarray:
    """`colour` (``#RRGGBB``) in CIELab as a reader with `deficiency` (None: typical) sees it."""
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    if deficiency is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CIELab")


def closest_pair(colours: dict[str, str], deficiency: str | None) -> tuple[float, str, str]:
    """The least CIEDE2000 difference among `colours` as seen with `deficiency`, and whose."""
    lab = {name: seen_as_lab(colour, deficiency) for name, colour in colours.items()}
    return min((ciede2000(lab[a], lab[b]), a, b) for a, b in itertools.combinations(lab, 2))


def test_ciede2000_matches_sharma_reference_pairs():
    # Pairs 1, 7 and 17 of Sharma, Wu and Dalal's (2005) test data, with their published answers.
    pairs = [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ]
    for first, second, expected in pairs:
        assert ciede2000(np.array(first), np.array(second)) == pytest.approx(expected, abs=1e-4)


def test_white_on_the_adversary_orange_is_below_aa_so_its_buttons_take_ink():
    assert contrast_ratio(WHITE, ADVERSARY_COLOUR) == pytest.approx(2.25, abs=0.01)
    assert text_on(ADVERSARY_COLOUR) != WHITE
    assert contrast_ratio(text_on(ADVERSARY_COLOUR), ADVERSARY_COLOUR) >= AA_TEXT


@pytest.mark.parametrize("what, text, background", TEXT_PAIRS, ids=[p[0] for p in TEXT_PAIRS])
def test_every_text_colour_reaches_wcag_aa_on_its_background(what, text, background):
    assert contrast_ratio(text, background) >= AA_TEXT, what


def test_contrast_ratio_is_the_wcag_one():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_action_colours_stay_apart_for_every_reader(deficiency):
    colours = {action_label(a): c for a, c in ACTION_COLOURS.items()}
    difference, first, second = closest_pair(colours, deficiency)
    assert difference >= LEAST_DIFFERENCE, (deficiency, first, second, round(difference, 1))


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_the_two_sides_stay_apart_for_every_reader(deficiency):
    difference, _, _ = closest_pair(SIDE_COLOURS, deficiency)
    assert difference >= 2 * LEAST_DIFFERENCE


def test_the_former_action_colours_fail_under_deuteranopia():
    # engage (light grey), concede (green) and rhetoric (pink) came close under deuteranopia
    former = {"engage": "#C9CED6", "concede": "#009E73", "rhetoric": "#CC79A7"}
    assert closest_pair(former, "deuteranomaly")[0] < LEAST_DIFFERENCE
