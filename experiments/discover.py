"""Scenario discovery: where in a swept batch a claim fails, as boxes of parameter ranges.

`discover` marks the design points (`experiments.discover_marks`), finds the boxes with EMA
Workbench's PRIM or CART and scores the parameters (`experiments.discovery`,
`experiments.discover_boxes`), and writes them (`experiments.discover_output`). References:
Friedman & Fisher 1999 (PRIM); Bryant & Lempert 2010 (scenario discovery); Kwakkel 2017 (EMA
Workbench).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.discover_marks import (
    MINIMUM_EFFECT,
    Marked,
    Target,
    claim_target,
    mark_points,
    metric_target,
)
from experiments.discover_output import write_discovery
from experiments.discovery import Discovery, analyse
from experiments.store import Results

__all__ = [
    "MINIMUM_EFFECT",
    "Discovery",
    "Marked",
    "Target",
    "claim_target",
    "discover",
    "mark_points",
    "metric_target",
]


def discover(
    results: Results,
    target: Target,
    method: str = "prim",
    out: Path | None = None,
    **options: Any,
) -> Discovery:
    """Mark the design points, find the boxes, score the parameters; write them under `out`.

    Options go to `experiments.discover_boxes.find_boxes` (min_density, max_boxes, mass_min,
    max_qp).
    """
    marked = mark_points(results, target)
    discovery = analyse(results, marked, method, **options)
    if out is not None:
        write_discovery(discovery, out)
    return discovery
