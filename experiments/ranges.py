"""Plausible ranges of the registry's parameters around their defaults, for sampling designs.

The rule (`plausible_range`): act evidence cells (LLR) +-0.5 around the default, standing
evidence cells (LLR per week) +-0.1; memories m (weekly decay factors) by their time scale
1 / (1 - m) x [0.5, 1.5]; a default of 0 from the bottom of the valid range up to an eighth of
it; every other parameter default x [0.5, 1.5]; all clipped to the valid range, integers
rounded inward. The red-line bounds move +-0.1 so that their order holds. The model card's
Sobol analysis and the EMA Workbench model (`experiments.ema`) sample within these ranges.
"""

from __future__ import annotations

import math

from agents.actions import SIDES
from model.config import ORDERED_RANGES
from model.parameters import BY_NAME, DYNAMICS_PARAMETERS, SIDE_PARAMETERS, Parameter

ACT_SHIFT = 0.5
STANDING_SHIFT = 0.1
FACTOR = 0.5
"""default x [1 - FACTOR, 1 + FACTOR]."""
SHIFTED = {"redline_low": 0.1, "redline_high": 0.1}
"""Parameters moved by +- a fixed amount instead (ordered pairs that must keep their order)."""


def registry_paths() -> list[tuple[str, Parameter, str | None]]:
    """Every side and dynamics parameter as (sweep path, parameter, role)."""
    out: list[tuple[str, Parameter, str | None]] = [("elite_share", BY_NAME["elite_share"], None)]
    out += [(f"{role}.{p.name}", p, role) for role in SIDES for p in SIDE_PARAMETERS]
    out += [(f"dynamics.{p.name}", p, None) for p in DYNAMICS_PARAMETERS]
    return out


def plausible_range(
    p: Parameter, role: str | None = None, spread: float = 1.0
) -> tuple[float, float] | tuple[int, int]:
    """A plausible range around the default of `p` (module docstring), widened by `spread`.

    Args:
        p: the registry parameter.
        role: the side, for side parameters.
        spread: 1 for the rule as stated; 1.5 makes every move half as large again.
    """
    value = float(p.default_for(role))
    last = p.path[-1]
    if p.name.startswith("evidence."):
        half = (ACT_SHIFT if last in ("faith", "strength") else STANDING_SHIFT) * spread
        low, high = value - half, value + half
    elif p.name in SHIFTED:
        low, high = value - SHIFTED[p.name] * spread, value + SHIFTED[p.name] * spread
    elif p.name.endswith("_memory") and not p.integer and 0 < value < 1:
        scale = 1.0 / (1.0 - value)
        factor = min(FACTOR * spread, 0.9)
        low, high = 1 - 1 / (scale * (1 - factor)), 1 - 1 / (scale * (1 + factor))
    elif value == 0:
        width = (p.high - p.low) / 8 * spread
        low, high = max(p.low, -width), min(p.high, width)
    else:
        factor = min(FACTOR * spread, 0.95)
        low, high = sorted((value * (1 - factor), value * (1 + factor)))
    low, high = max(low, p.low), min(high, p.high)
    if p.integer:
        return math.ceil(low), math.floor(high)
    return float(low), float(high)


def overlapping_ends() -> frozenset[str]:
    """Paths of ordered-range ends whose plausible ranges overlap (sampled alone they can cross)."""
    out = set()
    for low, high in ORDERED_RANGES:
        a, b = (plausible_range(BY_NAME[name]) for name in (low, high))
        if a[1] > b[0]:
            out |= {f"dynamics.{low}", f"dynamics.{high}"}
    return frozenset(out)


def plausible_ranges(exclude: frozenset[str] = frozenset()) -> dict[str, tuple[float, float]]:
    """{sweep path: (low, high)} for every registry parameter with a range, less `exclude`."""
    ranges = {}
    for path, p, role in registry_paths():
        if path in exclude:
            continue
        low, high = plausible_range(p, role)
        if low < high:
            ranges[path] = (round(low, 6), round(high, 6))
    return ranges
