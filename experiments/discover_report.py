"""Scenario discovery in the HTML report and the model card: the boxes of the essay's claims.

`claim_discoveries` runs PRIM (`experiments.discover`) for every claim whose scenarios a swept
batch holds; `report_html` is the report's section (`run.py report`); `card_markdown` is the
model card's generated block for chosen claims, from a results folder of
configs/discover.yaml (``python -m tools.model_card --discover RESULTS --write``).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.claims import CLAIMS
from experiments.discover_boxes import CHANCE_QP, MIN_DENSITY, Box
from experiments.discover_marks import claim_target, mark_points
from experiments.discovery import Discovery, analyse
from experiments.errors import UsageError
from experiments.store import Results, open_results

ClaimChoice = tuple[str, int | None, bool]
"""A claim's name, the step it is read at (None: its own) and whether to mark where it holds."""
CARD_CLAIMS: tuple[ClaimChoice, ...] = (
    ("staying_beats_tit_for_tat", 56, True),
    ("reassurance_costs_first", 40, True),
    ("burden_shift", 102, False),
)
"""The claims whose boxes the model card shows: where staying beats tit-for-tat and where a
concession costs (each fails at most design points), and the burden shift."""


def claim_discoveries(
    results: Results, claims: Sequence[ClaimChoice] | None = None
) -> tuple[list[Discovery], list[str]]:
    """PRIM's boxes for each chosen claim that applies (default: where each claim fails).

    Returns the discoveries and a note per applicable claim with no box (it holds, or fails,
    at every design point).
    """
    chosen = claims if claims is not None else [(c.name, None, False) for c in CLAIMS]
    found, notes = [], []
    for name, step, holds in chosen:
        claim = next(c for c in CLAIMS if c.name == name)
        if not claim.applies_to(results.scenarios):
            continue
        target = claim_target(results, name, step, holds=holds)
        marked = mark_points(results, target, require=False)
        if marked.count:
            found.append(analyse(results, marked))
            continue
        values = marked.points["value"]
        notes.append(
            f"{name} at step {target.step}: the claim {'fails' if holds else 'holds'} at every "
            f"one of the {len(values)} design points ({target.quantity()} from "
            f"{values.min():+.4f} to {values.max():+.4f})."
        )
    return found, notes


def _limits_text(discovery: Discovery, box_index: int) -> str:
    box = discovery.boxes[box_index]
    rows = box.limits[box.limits["restricted"]]
    if rows.empty:
        return "the whole sweep"
    return "; ".join(f"`{r.parameter}` {r.low:.3g} to {r.high:.3g}" for r in rows.itertuples())


def report_html(results_dir: Path, scratch: Path) -> str:
    """The report's section: for each applicable claim, where it fails (empty without a sweep)."""
    from experiments.discover_output import limits_figure

    results = open_results(results_dir)
    if results.method is None or not results.parameters:
        return ""
    discoveries, notes = claim_discoveries(results)
    if not discoveries and not notes:
        return ""
    parts = [
        "<h2>Where the claims fail (scenario discovery)</h2>",
        "<p>Each design point is marked where the claim's mean paired difference does not "
        "reach 0.01 on the predicted side; PRIM (EMA Workbench) finds the boxes of parameter "
        f"ranges that hold most marked points, each the most covering box of density at least "
        f"{MIN_DENSITY:g} on its peeling trajectory. <code>python run.py discover "
        "RESULTS_DIR --claim NAME</code> gives the trajectories, feature scores and replay "
        "configs.</p>",
    ]
    for d in discoveries:
        target = d.marked.target
        parts.append(
            f"<h3>{html.escape(target.claim.name if target.claim else '')}</h3><p>"
            f"{html.escape(target.describe())}: {d.marked.count} of {len(d.marked.points)} "
            "design points.</p>"
        )
        rows = [
            {
                "box": b.number,
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "points": b.points,
                "limits": _limits_text(d, i).replace("`", ""),
                "replays design point": b.replay_point,
            }
            for i, b in enumerate(d.boxes)
        ]
        parts.append(
            pd.DataFrame(rows).to_html(index=False, float_format=lambda v: f"{v:.2f}", border=0)
        )
        name = target.claim.name if target.claim else "metric"
        path = limits_figure(d.boxes, f"{name} fails", scratch / f"discover_{name}.png")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        parts.append(
            f'<figure><img alt="boxes of {html.escape(name)}" src="data:image/png;base64,'
            f'{data}"><figcaption>PRIM boxes where {html.escape(name)} fails, within the '
            "sweep's ranges</figcaption></figure>"
        )
    parts += [f"<p>{html.escape(note)}</p>" for note in notes]
    return "\n".join(parts)


def _qp(row: Any) -> float:
    """The larger quasi-p value of a restriction's two ends (-1 without one)."""
    return max((v for v in (row.qp_low, row.qp_high) if v == v), default=-1.0)


def _ranges_cell(box: Box) -> str:
    """A box's restrictions; those whose quasi-p value says they could be chance apart."""
    rows = list(box.limits[box.limits["restricted"]].itertuples())
    text = [
        f"`{r.parameter}` {r.low:.3g} to {r.high:.3g} ({r.sweep_low:.3g} to "
        f"{r.sweep_high:.3g})" + (f" [qp {_qp(r):.1g}]" if _qp(r) >= 0 else "")
        for r in rows
        if _qp(r) <= CHANCE_QP
    ]
    chance = [f"`{r.parameter}`" for r in rows if _qp(r) > CHANCE_QP]
    if chance:
        text.append(f"could be chance (qp > {CHANCE_QP:g}): {', '.join(chance)}")
    return "; ".join(text) or "none: the whole sweep"


def card_markdown(results_dir: Path, claims: Sequence[ClaimChoice] = CARD_CLAIMS) -> str:
    """The model card's block: the PRIM boxes where each chosen claim fails (or holds).

    Raises:
        UsageError: a folder that is not a swept batch holding the claims' scenarios.
    """
    results = open_results(results_dir)
    discoveries, notes = claim_discoveries(results, claims)
    if len(discoveries) + len(notes) < len(claims):
        names = ", ".join(name for name, _, _ in claims)
        raise UsageError(f"{results_dir}: expected the scenarios of the claims {names}")
    observers = results.manifest.config.get("model", {}).get("observers", "?")
    lines = [
        f"A {results.method} design of {len(results.design_points())} points over "
        f"{len(results.parameters)} parameters x {len(results.scenarios)} scenarios x "
        f"{len(results.seed_plan)} seeds (common random numbers), {observers} observers; a "
        "claim fails at a design point where its mean paired difference over the seeds does "
        "not reach 0.01 on the predicted side, and holds elsewhere; the design points marked "
        "are those where it fails, or (*holds*) those where it holds. PRIM (EMA Workbench); "
        f"each box is the most covering of density at least {MIN_DENSITY:g} on its peeling "
        "trajectory, and the next is sought among the points left. Each restriction is given "
        "with its quasi-p value (the larger of its two ends; Bryant & Lempert 2010); those "
        f"above {CHANCE_QP:g} are listed apart, as restrictions that chance could have made. "
        "*replays*: the design point whose config `run.py discover` writes.",
        "",
        "| claim | marked | box | coverage | density | mass "
        "| restricted ranges (sweep range) | replays |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in discoveries:
        target = d.marked.target
        verb = "holds" if target.holds else "fails"
        label = f"{target.claim.name} at step {target.step}" if target.claim else ""
        share = f"{d.marked.count} of {len(d.marked.points)} ({verb})"
        for b in d.boxes:
            lines.append(
                f"| {label} | {share} | {b.number} | {b.coverage:.2f} | {b.density:.2f} | "
                f"{b.mass:.2f} | {_ranges_cell(b)} | design point {b.replay_point} |"
            )
            label, share = "", ""
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)
