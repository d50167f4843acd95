"""Where a claim holds: its effect mapped over the parameters it depends on, one at a time.

A map (`ClaimMap`) moves one parameter at a time over a few values (an `Axis`), all others at
their defaults (rivals on), and measures the claim's effect at each value on paired seeds
(`tools.model_card.measures`). Each cell gets the claims table's verdict (holds, fails, negligible,
no effect), so the map says where the claim becomes large and of which sign. The card's maps
are in `tools.model_card.maps`; they use fewer seeds than the table (`SEEDS`), and the card
says how many.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tools.model_card.measures import Measure, evaluate
from tools.model_card.scenarios import WALKOUT_STEP, Layer

SEEDS = 10
OBSERVERS = 300


def _at(path: str) -> Callable[[Any], Layer]:
    """A layer setting the dotted `path` (into `model`) to a value."""

    def layer(value: Any) -> Layer:
        out: Any = value
        for key in reversed(path.split(".")):
            out = {key: out}
        return out

    return layer


@dataclass(frozen=True)
class Axis:
    """One parameter of a map: its label, the values tried, the default, and how it is set.

    `layer` turns a value into a `model` layer stacked over the claim's scenarios; `rebuild`
    instead turns a value into the claim's measures (for the intervention time and other
    settings of the scenarios themselves).
    """

    label: str
    values: tuple[Any, ...]
    default: Any
    layer: Callable[[Any], Layer] | None = None
    rebuild: Callable[[Any], tuple[Measure, ...]] | None = None


def parameter(label: str, path: str, values: Sequence[Any], default: Any) -> Axis:
    """An axis over the dotted `path` into `model` (``dynamics.contrast``)."""
    return Axis(label, tuple(values), default, layer=_at(path))


def scenario_axis(
    label: str,
    values: Sequence[Any],
    rebuild: Callable[[Any], tuple[Measure, ...]],
    default: Any = WALKOUT_STEP,
) -> Axis:
    """An axis that rebuilds the claim's scenarios (default: the intervention time)."""
    return Axis(label, tuple(values), default, rebuild=rebuild)


@dataclass(frozen=True)
class ClaimMap:
    """A claim's measures for an intervention time, and the axes to map them over."""

    claim: str
    build: Callable[[int], tuple[Measure, ...]]
    axes: tuple[Axis, ...]

    def cells(self) -> list[tuple[Axis, Any, Measure]]:
        """Every (axis, value, measure) of the map, measures in `build` order."""
        out = []
        base = self.build(WALKOUT_STEP)
        for axis in self.axes:
            for value in axis.values:
                if axis.rebuild is not None:
                    out += [(axis, value, m) for m in axis.rebuild(value)]
                elif axis.layer is not None:
                    out += [(axis, value, m.under(axis.layer(value))) for m in base]
        return out


def evaluate_map(
    claim_map: ClaimMap,
    n_seeds: int = SEEDS,
    observers: int = OBSERVERS,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Every cell of a map measured.

    Returns:
        One row per cell: claim, measure, axis, value, default, mean, low, high, verdict.
    """
    rows = []
    for axis, value, measure in claim_map.cells():
        result = evaluate(measure, n_seeds, observers)
        rows.append(
            {
                "claim": claim_map.claim,
                "measure": measure.description,
                "axis": axis.label,
                "value": value,
                "default": value == axis.default,
                "mean": result.mean,
                "low": result.low,
                "high": result.high,
                "verdict": result.verdict,
            }
        )
        if progress:
            progress(f"{claim_map.claim}: {axis.label} = {value}")
    return pd.DataFrame(rows)


SHORT = {
    "holds": "holds",
    "fails (reversed)": "fails",
    "negligible": "negl.",
    "no effect": "none",
    "no effect (identical)": "none",
}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def map_markdown(table: pd.DataFrame, n_seeds: int = SEEDS, observers: int = OBSERVERS) -> str:
    """The maps as Markdown: per claim and measure, one row per axis, one cell per value.

    A cell reads `value: mean verdict`; the default value is in bold.
    """
    lines = [
        f"{n_seeds} paired seeds, {observers} observers per run; one parameter moved at a "
        "time, all others at their defaults (rivals on); each cell is `value: mean paired "
        "difference, verdict` (holds / fails = the interval on the essay's / the other side "
        "and at least 0.01; negl. = under 0.01; none = the interval covers zero); the "
        "default value is in bold.",
    ]
    for (claim, measure), rows in table.groupby(["claim", "measure"], sort=False):
        lines += ["", f"**{claim}**: {measure}", "", "| parameter | values |", "|---|---|"]
        for axis, cells in rows.groupby("axis", sort=False):
            text = " · ".join(
                f"{'**' if c.default else ''}{_value(c.value)}{'**' if c.default else ''}: "
                f"{c.mean:+.4f} {SHORT[c.verdict]}"
                for c in cells.itertuples()
            )
            lines.append(f"| {axis} | {text} |")
    return "\n".join(lines)
