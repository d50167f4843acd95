"""The figures the ODD quotes (docs/ODD.md, "Calibration"), and the check that they are current.

A figure is a measure of `figures.py`: a per-seed sample, quoted as its mean with a 95% t
interval over the replicate seeds (Monte Carlo intervals, not significance tests: White et al.
2014), or one number. `table_markdown` renders every figure as the ODD's table of figures; the
patterns' table of the ODD's section 1 quotes P1-P4 again. `tests/test_provenance.py` fails
when a quote differs from what the model gives. Rewrite the quotes with (a few minutes)::

    .venv/bin/python tests/odd_figures.py --write
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ensemble import REPLICATES, paired_interval
from figures import (
    concession_later,
    concession_window,
    defaults_walkout,
    leverage_difference,
    p1_walkout_change,
    p2_spread,
    p3_expected,
    p3_positive_share,
    p4_rank_correlation,
    polarized_spread,
    staying_minus_tit_for_tat,
    talks_after_silence,
    v1_change,
    v6_justified_exit,
    v6_talk_fatigue,
    v7_gain_without_contrast,
    v8b_ratio,
    v9_drift,
)

from model.documentation import replace_between_markers

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
COMMAND = "python tests/odd_figures.py --write"
BEGIN = f"<!-- BEGIN MEASURED: figures ({COMMAND}) -->"
END = "<!-- END MEASURED: figures -->"

Sample = np.ndarray | float
"""A figure's measure: a per-seed sample, or one number."""

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
        prog="python tests/odd_figures.py",
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
