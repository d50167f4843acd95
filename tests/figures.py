"""The figures the ODD quotes (docs/ODD.md, "Calibration"), each measured over the seed ensemble.

A figure is either a per-seed sample over the common random numbers, quoted as its mean with a
95% t interval over 30 seeds (Monte Carlo intervals, not significance tests: White et al.
2014), or one number (a ratio of means, or an exact expectation). The patterns P1-P4 are the
samples that `test_calibration.py` checks against their targets; the other figures are the
ones MODEL_SPEC's Calibration section lists for the prototype, measured here the same way.

`table_markdown` renders every figure as the ODD's table of figures; the patterns' table of the
ODD quotes P1-P4 again. `tests/test_provenance.py` fails when a quote differs from what the
model gives. Rewrite them with::

    .venv/bin/python tests/figures.py --write
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ensemble import REPLICATES, make_spec, paired_interval, seeds, values, verify
from scipy import stats

from model.config import ModelSpec, default_model_spec
from model.documentation import replace_between_markers
from model.rules.evidence import positive_share
from model.rules.leverage import leverage_gain

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
COMMAND = "python tests/figures.py --write"
BEGIN = f"<!-- BEGIN MEASURED: figures ({COMMAND}) -->"
END = "<!-- END MEASURED: figures -->"

WALKS_50 = {"strategy": "walk_away_at", "at": 50}
WALKS_100 = {"strategy": "walk_away_at", "at": 100}
TIT_FOR_TAT = {"strategy": "tit_for_tat"}
REASSURANCE = {"strategy": "costly_reassurance", "concede_from": 20, "concede_for": 20}
SILENT = {"strategy": "silent"}
TALKS_AFTER_SILENCE = {"strategy": "scripted", "timeline": {0: "silent", 50: "engage"}}
BOTH_ESCALATE = {
    "strategy": "scripted",
    "timeline": {0: "engage", 50: "escalate_rhetoric", 51: "engage"},
}
LOPSIDED_MEDIA = {
    "media": [
        {"name": "Outlet leaning to N", "bias": 0.6, "reach": 0.1, "indexing": 0.4},
        {"name": "Outlet leaning to A", "bias": -0.6, "reach": 0.6, "indexing": 0.4},
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
    ],
    "mechanisms": {"leverage": False},
}
"""V8(b)'s setting: an outlet leaning to A with six times the reach of the one leaning to N."""

HORIZON = 103
"""Steps of the runs behind the figures with the defaults at step 102 or before (the figures of
the checks use the checks' own 200-step runs, which a test session shares)."""

SWITCH_OBSERVERS = 300
"""Observers in the runs of check V6 (`test_switches.py`)."""

Sample = np.ndarray | float


# ------------------------------------------------------------------------------------------
# The patterns P1-P4 (MODEL_SPEC, "Calibration")
# ------------------------------------------------------------------------------------------


def p1_walkout_change(**dynamics: Any) -> np.ndarray:
    """P1: the change of L^A at step 60 when A walks away at 50, against both engaging."""
    walks = make_spec(adversary=WALKS_50, dynamics=dynamics)
    engage = make_spec(dynamics=dynamics)
    steps = 61 if dynamics else HORIZON  # the default runs serve the other figures too
    column = "legitimacy_adversary"
    return values(walks, column, 60, steps) - values(engage, column, 60, steps)


def p2_spread(concentration: float | None = None) -> np.ndarray:
    """P2: the standard deviation of L^A over observers at step 0 (after the spin-up)."""
    if concentration is None:
        return values(make_spec(), "spread_adversary", 0, HORIZON)
    adversary = {"initial_legitimacy": {"concentration": concentration}}
    return values(make_spec(adversary=adversary), "spread_adversary", 0, steps=1)


def p3_positive_share() -> np.ndarray:
    """P3: the share of observers for whom A's walkout act (step 50) is positive evidence."""
    return np.array([positive_share(m.evidence_now.act[1]) for m in _runs(WALKS_50, 50)])


def p3_expected(concentration: float | None = None) -> float:
    """P3's expectation: P(h_obs > t), the strength orientation beyond which a walkout reads well.

    A's walkout act, read against N's engagement (no act), has contrasted faith evidence
    ehat = e_f (1 + chi_A / 2) with chi_A = contrast g(D_A) (A's record at its start) and
    strength evidence g(D_A) e_s, so e > 0 exactly when h_obs > -ehat / (g(D_A) e_s - ehat).
    """
    spec = default_model_spec()
    dyn = spec.dynamics
    gain = float(leverage_gain(spec.adversary.deterrence, dyn.leverage_half))
    walk = dyn.evidence.walk_away
    faith = walk.faith * (1.0 + dyn.contrast * gain / 2.0)
    strength = gain * walk.strength
    threshold = -faith / (strength - faith)
    mean = dyn.strength_orientation_mean
    c = dyn.strength_orientation_concentration if concentration is None else concentration
    return float(stats.beta.sf(threshold, mean * c, (1.0 - mean) * c))


def p4_rank_correlation(**dynamics: Any) -> np.ndarray:
    """P4: Spearman's correlation of observers' L^A between steps 0 and 52, both engaging."""
    from model.model import DiplomacyModel

    spec = make_spec(dynamics=dynamics)
    out = []
    for seed in seeds():
        model = DiplomacyModel(spec, rng=seed, horizon=52)
        start = model.legitimacy[1].copy()
        model.run_for(52)
        out.append(stats.spearmanr(start, model.legitimacy[1]).statistic)
    return np.array(out)


def _runs(adversary: Mapping[str, Any], steps: int) -> list:
    from model.model import DiplomacyModel

    spec = make_spec(adversary=dict(adversary))
    out = []
    for seed in seeds():
        model = DiplomacyModel(spec, rng=seed, horizon=steps)
        model.run_for(steps)
        out.append(model)
    return out


# ------------------------------------------------------------------------------------------
# The prototype's other figures: checks in their verification settings, and the defaults
# ------------------------------------------------------------------------------------------


def _change(
    treatment: ModelSpec, control: ModelSpec, column: str, step: int, steps: int = 200
) -> np.ndarray:
    return values(treatment, column, step, steps) - values(control, column, step, steps)


def v1_change(column: str, step: int = 102) -> np.ndarray:
    """V1: what A's walkout at 50 changes at `step`, in the verification settings."""
    return _change(verify(adversary=WALKS_50), verify(), column, step)


def v7_gain_without_contrast() -> np.ndarray:
    """V7: N's gain at step 102 from A's walkout with `contrast` off."""
    off = {"contrast": False}
    return _change(
        verify(adversary=WALKS_50, mechanisms=off),
        verify(mechanisms=off),
        "legitimacy_negotiator",
        102,
    )


def v8b_ratio(step: int) -> float:
    """V8(b): |change of the gap when both escalate| / |V1's change of the gap|, at `step`."""
    same = _change(
        verify(negotiator=BOTH_ESCALATE, adversary=BOTH_ESCALATE, **LOPSIDED_MEDIA),
        verify(**LOPSIDED_MEDIA),
        "legitimacy_gap",
        step,
    )
    walkout = v1_change("legitimacy_gap", step)
    return float(abs(same.mean()) / abs(walkout.mean()))


def v9_drift() -> np.ndarray:
    """V9: the change of L^A between steps 0 and 50, both engaging."""
    return values(verify(), "legitimacy_adversary", 50) - values(
        verify(), "legitimacy_adversary", 0
    )


def _switched(model: Mapping[str, Any], **switches: bool) -> ModelSpec:
    return verify(**{**model, "observers": SWITCH_OBSERVERS, "mechanisms": switches})


def v6_talk_fatigue() -> np.ndarray:
    """V6: N's gain at 102 from A's walkout, `talk_fatigue` off minus on."""
    walks = {"adversary": WALKS_50}

    def gain(on: bool) -> np.ndarray:
        return _change(
            _switched(walks, talk_fatigue=on),
            _switched({}, talk_fatigue=on),
            "legitimacy_negotiator",
            102,
        )

    return gain(False) - gain(True)


def v6_justified_exit() -> np.ndarray:
    """V6: N's legitimacy at 56 after a tit-for-tat reply to A's walkout, excused minus not."""
    reply = {"negotiator": TIT_FOR_TAT, "adversary": WALKS_50}
    return _change(
        _switched(reply, justified_exit=True),
        _switched(reply, justified_exit=False),
        "legitimacy_negotiator",
        56,
    )


def defaults_walkout(column: str, step: int = 102) -> np.ndarray:
    """With the defaults: what A's walkout at 50 changes at `step`."""
    return _change(make_spec(adversary=WALKS_50), make_spec(), column, step, HORIZON)


def staying_minus_tit_for_tat(step: int) -> np.ndarray:
    """With the defaults: L^N when N keeps engaging minus when it answers A's walkout in kind."""
    return _change(
        make_spec(adversary=WALKS_50),
        make_spec(negotiator=TIT_FOR_TAT, adversary=WALKS_50),
        "legitimacy_negotiator",
        step,
        HORIZON,
    )


def leverage_difference() -> np.ndarray:
    """With the defaults: N's gain at 102 from A's walkout at D_N 0.9 minus at D_N 0.3."""

    def gain(deterrence: float) -> np.ndarray:
        side = {"deterrence": deterrence}
        return _change(
            make_spec(negotiator=side, adversary=WALKS_50),
            make_spec(negotiator=side),
            "legitimacy_negotiator",
            102,
            HORIZON,
        )

    return gain(0.9) - gain(0.3)


def talks_after_silence(**model: Any) -> np.ndarray:
    """L^N at 102 when both sides end a silence at 50 with talks, minus both staying silent."""
    negotiator = model.pop("negotiator", {})
    return _change(
        make_spec(
            negotiator={**TALKS_AFTER_SILENCE, **negotiator}, adversary=TALKS_AFTER_SILENCE, **model
        ),
        make_spec(negotiator={**SILENT, **negotiator}, adversary=SILENT, **model),
        "legitimacy_negotiator",
        102,
        HORIZON,
    )


def concession_window() -> np.ndarray:
    """With the defaults: L^N at 39, conceding from 20 to 39, minus engaging (A engages)."""
    return _change(
        make_spec(negotiator=REASSURANCE), make_spec(), "legitimacy_negotiator", 39, HORIZON
    )


def concession_later() -> np.ndarray:
    """With the defaults: L^N at 150 after A walks at 100, a conceder minus a plain engager."""
    return _change(
        make_spec(negotiator=REASSURANCE, adversary=WALKS_100),
        make_spec(adversary=WALKS_100),
        "legitimacy_negotiator",
        150,
        151,
    )


def polarized_spread() -> np.ndarray:
    """The widening of gap_spread at 55 by A's walkout, polarized media minus the default mix."""

    def widening(media: str) -> np.ndarray:
        return _change(
            make_spec(adversary=WALKS_50, media=media),
            make_spec(media=media),
            "gap_spread",
            55,
            HORIZON,
        )

    return widening("polarized") - widening("mixed")


# ------------------------------------------------------------------------------------------
# The table
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One quoted figure: its key, what it measures, how to measure it, the prototype's value.

    Attributes:
        key: the row's name in the ODD (P1, V1-N, D-walkout-N, ...).
        measure: what is measured, in words.
        compute: returns a per-seed sample or one number.
        prototype: the prototype's figure as MODEL_SPEC lists it ("-" if it lists none).
        digits: decimals quoted.
        signed: whether the figure is a difference (quoted with its sign).
    """

    key: str
    measure: str
    compute: Callable[[], Sample]
    prototype: str
    digits: int = 4
    signed: bool = True


FIGURES: tuple[Figure, ...] = (
    Figure("P1", "change of L^A at step 60, A walks at 50 (defaults)", p1_walkout_change, "-0.020"),
    Figure("P2", "sd of L^A over observers at step 0", p2_spread, "0.156", signed=False),
    Figure(
        "P3",
        "share reading A's walkout act as positive evidence",
        p3_positive_share,
        "0.349",
        3,
        False,
    ),
    Figure("P3-exact", "P3's expectation, P(h_obs > t)", p3_expected, "-", 3, signed=False),
    Figure("P4", "Spearman of L^A, steps 0 and 52", p4_rank_correlation, "0.987", 3, False),
    Figure(
        "P1-slow",
        "P1 with event_rate = 0.25",
        lambda: p1_walkout_change(event_rate=0.25),
        "-",
    ),
    Figure(
        "P1-fast",
        "P1 with event_rate = 1.0",
        lambda: p1_walkout_change(event_rate=1.0),
        "-",
    ),
    Figure(
        "P2-wide",
        "P2 with A's initial_legitimacy.concentration = 4",
        lambda: p2_spread(4.0),
        "-",
        signed=False,
    ),
    Figure(
        "P2-narrow",
        "P2 with A's initial_legitimacy.concentration = 10",
        lambda: p2_spread(10.0),
        "-",
        signed=False,
    ),
    Figure(
        "P3-mixed",
        "P3's expectation with strength_orientation_concentration = 2",
        lambda: p3_expected(2.0),
        "-",
        3,
        False,
    ),
    Figure(
        "P3-alike",
        "P3's expectation with strength_orientation_concentration = 20",
        lambda: p3_expected(20.0),
        "-",
        3,
        False,
    ),
    Figure(
        "P4-loose",
        "P4 with anchoring = 0",
        lambda: p4_rank_correlation(anchoring=0.0),
        "-",
        3,
        False,
    ),
    Figure(
        "P4-weak",
        "P4 with anchoring = 0.02",
        lambda: p4_rank_correlation(anchoring=0.02),
        "-",
        3,
        False,
    ),
    Figure(
        "V1-N", "V1: change of L^N at 102", lambda: v1_change("legitimacy_negotiator"), "+0.0016"
    ),
    Figure(
        "V1-A", "V1: change of L^A at 102", lambda: v1_change("legitimacy_adversary"), "-0.0049"
    ),
    Figure(
        "V1-blame",
        "V1: change of blame on A at 102",
        lambda: v1_change("blame_adversary"),
        "+0.081",
    ),
    Figure(
        "V1-share",
        "V1: change of the narrative share at 102",
        lambda: v1_change("narrative_share"),
        "+0.007",
    ),
    Figure(
        "V7",
        "V7: N's gain at 102 with contrast off",
        v7_gain_without_contrast,
        "0 (all from contrast)",
    ),
    Figure(
        "V8b-55",
        "V8(b): the same act's change of the gap at 55, over V1's",
        lambda: v8b_ratio(55),
        "0.09",
        3,
        False,
    ),
    Figure("V8b-102", "V8(b): the same, at 102", lambda: v8b_ratio(102), "0.07", 3, False),
    Figure("V9", "V9: change of L^A between steps 0 and 50", v9_drift, "0.001"),
    Figure(
        "V6-fatigue",
        "V6: N's gain at 102, talk_fatigue off minus on (300 observers)",
        v6_talk_fatigue,
        "+0.0013",
    ),
    Figure(
        "V6-excused",
        "V6: L^N at 56 after a tit-for-tat walkout, excused minus not (300 observers)",
        v6_justified_exit,
        "+0.026",
    ),
    Figure(
        "D-walkout-N",
        "defaults: change of L^N at 102, A walks at 50",
        lambda: defaults_walkout("legitimacy_negotiator"),
        "-0.016",
    ),
    Figure(
        "D-walkout-A",
        "defaults: change of L^A at 102, A walks at 50",
        lambda: defaults_walkout("legitimacy_adversary"),
        "-0.020",
    ),
    Figure(
        "D-walkout-share",
        "defaults: change of the narrative share at 102",
        lambda: defaults_walkout("narrative_share"),
        "+0.002",
    ),
    Figure(
        "D-stay-56",
        "defaults: L^N at 56, staying minus tit-for-tat after A's walkout",
        lambda: staying_minus_tit_for_tat(56),
        "-0.015",
    ),
    Figure(
        "D-stay-102", "defaults: the same at 102", lambda: staying_minus_tit_for_tat(102), "+0.003"
    ),
    Figure(
        "D-leverage",
        "defaults: N's gain at 102 from A's walkout, D_N 0.9 minus 0.3",
        leverage_difference,
        "no difference",
    ),
    Figure(
        "D-silence",
        "defaults: L^N at 102, talks from 50 after a silence minus silence",
        talks_after_silence,
        "+0.018",
    ),
    Figure(
        "D-dependence",
        "D-silence with D_N 0.2 and dependence = 0.5",
        lambda: talks_after_silence(negotiator={"deterrence": 0.2}, dynamics={"dependence": 0.5}),
        "-0.005",
    ),
    Figure(
        "D-dependence-1",
        "D-silence with D_N 0.2 and dependence = 1.0",
        lambda: talks_after_silence(negotiator={"deterrence": 0.2}, dynamics={"dependence": 1.0}),
        "-",
    ),
    Figure(
        "D-concede",
        "defaults: L^N at 39, conceding from 20 minus engaging",
        concession_window,
        "-0.0065",
    ),
    Figure(
        "D-concede-later",
        "defaults: L^N at 150 after A walks at 100, conceder minus engager",
        concession_later,
        "nothing gained",
    ),
    Figure(
        "D-polarized",
        "defaults: widening of gap_spread at 55 by A's walkout, polarized minus mixed media",
        polarized_spread,
        "hardly any",
    ),
)
"""Every figure the ODD's table quotes, in its order."""

HEADER = (
    f"| figure | measured | this model ({REPLICATES} seeds, 95% interval) | prototype |",
    "|---|---|---|---|",
)


def summary(sample: Sample) -> tuple[float, float | None, float | None]:
    """Mean and 95% interval of a per-seed sample; a single number has no interval."""
    if np.ndim(sample) == 0:
        return float(sample), None, None
    return paired_interval(np.asarray(sample, float), np.zeros(np.size(sample)))


def quote(figure: Figure, sample: Sample) -> str:
    """The figure as the ODD quotes it: `mean [low, high]`, or one number."""
    sign = "+" if figure.signed else ""
    mean, low, high = summary(sample)
    text = f"{mean:{sign}.{figure.digits}f}"
    if low is not None and high is not None:
        text += f" [{low:{sign}.{figure.digits}f}, {high:{sign}.{figure.digits}f}]"
    return text


def row(figure: Figure, quoted: str) -> str:
    """One row of the table."""
    return f"| {figure.key} | {figure.measure} | {quoted} | {figure.prototype} |"


def measure_all() -> dict[str, Sample]:
    """Every figure's sample, by key."""
    return {f.key: f.compute() for f in FIGURES}


def table_markdown(samples: Mapping[str, Sample]) -> str:
    """The ODD's table of figures from measured samples (Markdown, no trailing newline)."""
    return "\n".join([*HEADER, *(row(f, quote(f, samples[f.key])) for f in FIGURES)])


NUMBER = r"[-+]?\d+\.\d+"
QUOTED = re.compile(rf"^({NUMBER})(?: \[({NUMBER}), ({NUMBER})\])?$")
"""A quoted figure: `mean` or `mean [low, high]`."""

QUOTE_CELL = 2
"""In every table row of the ODD whose first cell is a figure's key, the cell (counted from 0)
that quotes the model's figure."""


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split(" | ")]


def _figure_row(line: str) -> bool:
    keys = {f.key for f in FIGURES}
    return line.startswith("| ") and _cells(line)[0] in keys


def block(text: str) -> str:
    """The ODD's table of figures (between its markers).

    Raises:
        ValueError: if the markers are missing.
    """
    if BEGIN not in text or END not in text:
        raise ValueError(f"markers not found: {BEGIN!r} ... {END!r}")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def quotes(text: str) -> list[tuple[str, str]]:
    """(key, quoted figure) of every table row of `text` that quotes a figure, in order.

    The ODD's table of figures has one such row per figure; other tables (the patterns of
    section 1) may quote some figures again, in the same column.
    """
    return [
        (_cells(line)[0], _cells(line)[QUOTE_CELL])
        for line in text.splitlines()
        if _figure_row(line)
    ]


def agrees(quoted: str, sample: Sample) -> bool:
    """Whether `quoted` is `sample`'s mean (and interval) to the decimals quoted."""
    match = QUOTED.match(quoted)
    if not match:
        return False
    numbers = [g for g in match.groups() if g is not None]
    mean, low, high = summary(sample)
    measured = [mean] if low is None else [mean, low, high]
    if len(numbers) != len(measured):
        return False
    for text, value in zip(numbers, measured, strict=True):
        decimals = len(text.split(".")[1])
        if abs(float(text) - value) > 0.5 * 10.0**-decimals + 1e-9:
            return False
    return True


def refreshed(text: str, samples: Mapping[str, Sample]) -> str:
    """`text` with the table of figures regenerated and every other quote of a figure updated."""
    by_key = {f.key: f for f in FIGURES}
    lines = []
    for line in text.splitlines(keepends=True):
        if _figure_row(line):
            cells = _cells(line)
            cells[QUOTE_CELL] = quote(by_key[cells[0]], samples[cells[0]])
            line = "| " + " | ".join(cells) + " |\n"
        lines.append(line)
    return replace_between_markers("".join(lines), BEGIN, END, table_markdown(samples))


def write_table(path: Path = ODD) -> bool:
    """Measure every figure and rewrite its quotes in the ODD at `path`; True if it changed."""
    old = path.read_text(encoding="utf-8")
    new = refreshed(old, measure_all())
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str] | None = None) -> int:
    """Print the table of figures, or rewrite the figures quoted in docs/ODD.md."""
    parser = argparse.ArgumentParser(
        prog="python tests/figures.py",
        description="Measure the figures the ODD quotes (a few minutes).",
        epilog=f"example: {COMMAND}",
    )
    parser.add_argument("--write", action="store_true", help="rewrite the figures in the ODD")
    args = parser.parse_args(argv)
    if args.write:
        print(f"{'rewrote' if write_table() else 'up to date:'} {ODD}")
    else:
        print(table_markdown(measure_all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
