"""The dashboard's colours and words: readable contrast, actions told apart, plain labels.

Colour-vision deficiencies are simulated with Machado, Oliveira and Fernandes (2009) at full
severity (colorspacious); colours are compared by CIEDE2000 in CIELab.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
from pathlib import Path

import colorspacious
import numpy as np
import pandas as pd
import pytest
import solara
from dashboardkit import BASELINE

from dashboards import views
from dashboards.charts.kit import START_HINT
from dashboards.help import CHART_HELP, HEADLINE_HELP, control_help
from dashboards.labels import action_label
from dashboards.snapshot import action_changes, pin
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


# --- words, axes and marks of the charts -------------------------------------------------------


TIME_CHARTS = ("legitimacy", "narrative", "crisis", "red_line", "blocs")


def every_spec(snap) -> dict[str, dict]:
    """The spec of every view of `snap`, by key (the red line with its truth shown)."""
    specs = {"events": views.EVENT_STRIP.spec(snap)}
    for chart in views.CHARTS:
        specs[chart.key] = chart.spec(snap, True) if chart.switch else chart.spec(snap)
    return specs


def walk(node):
    """Every dict inside a spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_no_caret_notation_in_any_title_caption_or_description(stepped):
    words = [c.caption for c in (*views.CHARTS, views.EVENT_STRIP)]
    words += [json.dumps(spec) for spec in every_spec(stepped.snapshot()).values()]
    for text in words:
        assert "^" not in text and "one-issue" not in text


def test_tooltips_name_the_week_as_the_axes_do(stepped):
    for key, spec in every_spec(stepped.snapshot()).items():
        for node in walk(spec):
            for tip in node.get("tooltip", []) if isinstance(node.get("tooltip"), list) else []:
                if isinstance(tip, dict) and tip.get("field") == "step":
                    assert tip.get("title") == "Week", key
                assert tip != "step:Q", key


@pytest.mark.parametrize("key", TIME_CHARTS)
def test_time_charts_keep_their_y_axis_from_0_to_1_while_playing(stepped, key):
    snap = stepped.snapshot()
    spec = every_spec(snap)[key]
    domains = [
        node["y"]["scale"]["domain"]
        for node in walk(spec)
        if isinstance(node.get("y"), dict) and "scale" in node["y"]
    ]
    assert domains and all(domain == [0, 1] for domain in domains)


def test_narrative_share_reads_in_percent(stepped):
    snap = stepped.snapshot()
    spec = every_spec(snap)["narrative"]
    share = float(snap.timeseries["narrative_share"].iloc[-1])
    assert f"narrative share {share:.1%}" in spec["description"]
    axes = [node["y"]["axis"]["format"] for node in walk(spec) if "axis" in node.get("y", {})]
    assert axes == ["%"]


def test_a_time_chart_says_what_to_do_at_week_0_and_nothing_after(stepped, tmp_path):
    from dashboards.session import DashboardSession

    fresh = DashboardSession.open(BASELINE).snapshot()
    for key in ("legitimacy", "narrative", "crisis"):
        assert every_spec(fresh)[key]["datasets"]["hint"][0]["text"] == START_HINT
        assert every_spec(stepped.snapshot())[key]["datasets"]["hint"] == []


def test_a_change_of_action_by_a_strategy_is_marked_as_well_as_an_intervention(stepped):
    snap = stepped.snapshot()
    events = snap.events.copy()
    negotiator = (events["side"] == "negotiator") & (events["step"] >= 6)
    events.loc[negotiator, "action"] = "walk_away"  # as tit-for-tat would answer the walkout
    changed = dataclasses.replace(snap, events=events, changes=action_changes(events))
    for key in ("legitimacy", "narrative", "crisis"):
        marks = every_spec(changed)[key]["datasets"]["changes"]
        assert [(m["step"], m["side"], m["cause"]) for m in marks] == [
            (5, "Adversary (A)", "intervention"),
            (6, "Negotiator (N)", "strategy"),
        ]
        assert marks[1]["what"] == "Negotiator (N): engage → walk away (strategy)"
    dashes = [
        layer["encoding"]["strokeDash"]["scale"]
        for layer in every_spec(changed)["legitimacy"]["layer"]
        if layer["data"] == {"name": "changes"}
    ]
    assert dashes[0]["domain"] == ["intervention", "strategy"]
    assert dashes[0]["range"][0] != dashes[0]["range"][1]


def test_pinned_runs_are_drawn_faded_and_labelled(stepped):
    snap = stepped.snapshot()
    runs = []
    for label, shift in (("run 1: A walks", -0.1), ("run 2: N walks", 0.1)):
        timeseries = snap.timeseries.copy()
        timeseries["legitimacy_negotiator"] += shift
        runs.append(pin(dataclasses.replace(snap, timeseries=timeseries), label, label))
    pinned = dataclasses.replace(snap, pinned=tuple(runs))
    for key in ("legitimacy", "narrative", "crisis", "red_line"):
        spec = every_spec(pinned)[key]
        series = pd.DataFrame(spec["datasets"]["pinned"])
        assert sorted(series["run"].unique()) == ["run 1: A walks", "run 2: N walks"]
        ends = spec["datasets"]["pinned_end"]
        assert [(end["run"], end["step"]) for end in ends] == [
            ("run 1: A walks", 8),
            ("run 2: N walks", 8),
        ]
        faded = [layer for layer in spec["layer"] if layer["data"] == {"name": "pinned"}]
        assert len(faded) == 1 and faded[0]["mark"]["opacity"] < 0.5
        assert faded[0]["encoding"]["detail"]["field"] == "run"
        assert spec["description"].endswith("Pinned for reference: run 1: A walks; run 2: N walks.")
    legitimacy = every_spec(pinned)["legitimacy"]
    first = pd.DataFrame(legitimacy["datasets"]["pinned"]).query("run == 'run 1: A walks'")
    expected = snap.timeseries["legitimacy_negotiator"].to_numpy() - 0.1
    assert np.abs(first["N"].to_numpy() - expected).max() <= 5e-7


def test_media_view_keeps_both_sides_visible_when_an_outlet_says_the_same_of_both(stepped):
    snap = stepped.snapshot()
    media = snap.media.copy()
    media["report_adversary"] = media["report_negotiator"]
    spec = every_spec(dataclasses.replace(snap, media=media))["media"]
    frames = pd.DataFrame(spec["datasets"]["frames"])
    same = frames.groupby("outlet")["frame"].nunique()
    assert (same == 1).all()  # both sides at one x on every row
    marks = [layer for layer in spec["layer"] if layer["data"] == {"name": "frames"}]
    offsets = {layer["mark"]["yOffset"] for layer in marks}
    shapes = marks[0]["encoding"]["shape"]["scale"]["range"]
    assert len(marks) == 2 and len(offsets) == 2 and len(set(shapes)) == 2
    assert min(offsets) < 0 < max(offsets)


def test_event_strip_outlines_forced_weeks_in_white_under_ink_and_marks_whole_starts(stepped):
    spec = every_spec(stepped.snapshot())["events"]
    outlines = [layer["mark"] for layer in spec["layer"] if layer["data"] == {"name": "forced"}]
    assert [(m["stroke"], m["strokeWidth"]) for m in outlines] == [("#FFFFFF", 4), ("#1F2933", 2)]
    starts = next(layer for layer in spec["layer"] if layer["data"] == {"name": "starts"})
    assert starts["encoding"]["y"]["bandPosition"] == 0 and starts["mark"]["yOffset"] < 0
    legend = next(
        layer["encoding"]["color"]["legend"]
        for layer in spec["layer"]
        if "color" in layer["encoding"]
    )
    assert legend["columns"] < len(ACTION_COLOURS)


def test_tables_show_rounded_numbers_newest_first_and_the_rows_they_say(stepped):
    frame = views.CHARTS[0].data(stepped.snapshot())
    shown = views.table_view(frame)
    assert list(shown["step"]) == sorted(frame["step"], reverse=True)
    for column in ("legitimacy_negotiator", "legitimacy_gap"):
        assert (shown[column] == shown[column].round(views.TABLE_DIGITS)).all()
    template = (Path(solara.__file__).parent / "components" / "datatable.vue").read_text()
    offered = re.search(r"'items-per-page-options': \[([0-9, ]+)\]", template).group(1)
    assert views.TABLE_ROWS in [int(n) for n in offered.split(",")]


def test_every_chart_and_headline_says_what_moves_it():
    assert set(CHART_HELP) == {c.key for c in (*views.CHARTS, views.EVENT_STRIP)}
    assert set(HEADLINE_HELP) >= {
        "legitimacy_negotiator",
        "legitimacy_adversary",
        "narrative_share",
        "crisis_index",
        "polarization",
    }


def test_every_intervention_button_has_its_own_help():
    from dashboards.session import INTERVENTIONS

    texts = [
        control_help(f"intervene.{role}.{action.value}")
        for role, actions in INTERVENTIONS.items()
        for action in actions
    ]
    assert len(set(texts)) == len(texts)
    adversary = INTERVENTIONS["adversary"]
    last = texts[-len(adversary) :]
    assert all(action_label(a) in t for a, t in zip(adversary, last, strict=True))
