"""What scenario discovery writes: the summary on stdout, CSV tables, PNG figures, replay configs.

Files under the output folder (``RESULTS_DIR/discover/`` by default)::

    summary.txt               the table printed on stdout
    points.csv                every design point: parameters, replicates, value, low, high, marked
    boxes.csv                 one row per box: coverage, density, mass, points, marked, ...
    box_limits.csv            one row per box and swept parameter: the box's and the sweep's
                              range, whether the box restricts it, quasi-p values (PRIM)
    peeling_trajectory.csv    PRIM only: every box of every trajectory, the chosen one marked
    feature_scores.csv        extra-trees scores of every swept parameter
    representatives.csv       every run of every box: design point, parameters, replicate, seed
    replay_box<N>.yaml        a config that replays box N's representative design point
    peeling_trajectory.png    PRIM only: coverage against density along each trajectory
    box_limits.png            each box's ranges within the sweep's
    feature_scores.png        the feature scores
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.discover_boxes import CHANCE_QP, Box
from experiments.discover_replay import replay_yaml
from experiments.discovery import Discovery
from experiments.figures import CAPTION
from experiments.io import ensure_writable_dir, write_atomic, write_text
from experiments.palette import SCENARIO_COLOURS as PALETTE

NOTE = (
    "Model indices from simulated ensembles, not forecasts: a box says where in the sweep "
    "the model's claim fails or its metric crosses the threshold, not where the world is."
)


def _range(low: float, high: float) -> str:
    return f"{low:.4g} to {high:.4g}"


def box_lines(box: Box, discovery: Discovery) -> list[str]:
    """The lines of the summary that describe one box."""
    step = ""
    if len(box.trajectory):
        t = box.trajectory
        picked = int(np.flatnonzero(t["picked"].to_numpy())[0])
        step = f", step {picked} of {int((~t['dropped']).sum()) - 1} of its peeling trajectory"
    restricted = box.restricted
    head = (
        f"box {box.number} ({box.method.upper()}{step}): coverage {box.coverage:.2f}, density "
        f"{box.density:.2f}, mass {box.mass:.2f}; {box.points} design points inside, "
        f"{box.marked} marked; restricts {len(restricted)} of {len(box.limits)} parameters"
    )
    lines = [head]
    if not box.meets_density:
        lines.append(
            f"  (no box reaches density {discovery.min_density:g}: this is the densest found)"
        )
    if box.dropped:
        t = box.trajectory
        picked = t[t["picked"]].iloc[0]
        lines.append(
            f"  (picked with coverage {picked['coverage']:.2f}, density {picked['density']:.2f}; "
            f"then dropped as chance, quasi-p value above {discovery.max_qp:g}: "
            f"{', '.join(box.dropped)})"
        )
    if restricted:
        lines.append(f"  {'parameter':<44}{'box':>22}{'sweep':>22}{'qp-value':>10}")
        chance = False
        for row in box.limits[box.limits["restricted"]].itertuples():
            qp = np.nanmax([row.qp_low, row.qp_high, -1.0]) if box.method == "prim" else -1.0
            qp_text = "" if qp < 0 else f"{qp:.2g}" + ("*" if qp > CHANCE_QP else " ")
            chance = chance or qp > CHANCE_QP
            lines.append(
                f"  {row.parameter:<44}{_range(row.low, row.high):>22}"
                f"{_range(row.sweep_low, row.sweep_high):>22}{qp_text:>11}"
            )
        if chance:
            lines.append(
                f"  * quasi-p value above {CHANCE_QP:g}: the restriction could be chance "
                "(--max-qp drops such restrictions)"
            )
    else:
        lines.append("  no parameter restricted: the box is the whole sweep")
        if box.meets_density:
            hint = "" if discovery.marked.target.claim is None else " (or --holds)"
            lines.append(
                f"  (the marked points are at least {discovery.min_density:g} of the sweep; a "
                f"higher --min-density{hint} narrows it)"
            )
    if box.replay_point is not None:
        runs = discovery.marked.runs
        here = runs[runs["design_point"] == box.replay_point]
        seeds = ", ".join(f"{s}" for s in here["seed"].head(3))
        more = f", ... ({len(here)} replicates)" if len(here) > 3 else ""
        where = discovery.files.get(f"replay_box{box.number}")
        lines.append(
            f"  representative: design point {box.replay_point}, seeds {seeds}{more}"
            + (f"; replay with {where}" if where else "")
        )
    return lines


def summary(discovery: Discovery) -> str:
    """The readable report printed on stdout."""
    marked = discovery.marked
    points = marked.points
    results = discovery.results
    replicates = int(points["replicates"].max())
    lines = [
        f"discover: {results.path} ({results.method} sweep of {len(marked.parameters)} "
        f"parameters, {len(points)} design points x {replicates} replicates); "
        f"{discovery.method.upper()}",
        f"marked: {marked.target.describe()}",
        f"  {marked.count} of {len(points)} design points ({marked.count / len(points):.0%})",
    ]
    for box in discovery.boxes:
        lines += ["", *box_lines(box, discovery)]
    lines += ["", "feature scores (extra trees; for the marks, and for the value):"]
    for row in discovery.scores.itertuples():
        mark = "" if np.isnan(row.marked) else f"{row.marked:.3f}"
        lines.append(f"  {row.parameter:<44}{mark:>8}{row.value:>8.3f}")
    lines += ["", NOTE]
    return "\n".join(lines)


def boxes_table(discovery: Discovery) -> pd.DataFrame:
    """One row per box."""
    return pd.DataFrame(
        [
            {
                "box": b.number,
                "method": b.method,
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "points": b.points,
                "marked": b.marked,
                "restricted": len(b.restricted),
                "restricted_parameters": "; ".join(b.restricted),
                "meets_density": b.meets_density,
                "replay_point": b.replay_point,
            }
            for b in discovery.boxes
        ]
    )


def _stacked(discovery: Discovery, attribute: str) -> pd.DataFrame:
    frames = [getattr(b, attribute).assign(box=b.number) for b in discovery.boxes]
    frames = [f[["box", *[c for c in f.columns if c != "box"]]] for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _save(fig: Any, path: Path) -> Path:
    fig.text(0.01, 0.005, CAPTION, fontsize=7, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    write_atomic(path, lambda temp: fig.savefig(temp, format="png", dpi=110))
    plt.close(fig)
    return path


def trajectory_figure(boxes: list[Box], title: str, path: Path) -> Path:
    """Coverage against density along each box's peeling trajectory, the chosen box ringed.

    Colour is the number of restricted dimensions (as EMA Workbench's tradeoff plot); a dotted
    line leads from the box picked on the trajectory to the box left when the restrictions
    that chance could have made are dropped.
    """
    fig, ax = plt.subplots(figsize=(6.4, 5.0))
    top = max(int(b.trajectory["res_dim"].max()) for b in boxes)
    cmap = plt.get_cmap("viridis", top + 1)
    markers = "os^Dv"
    for box in boxes:
        t = box.trajectory
        peeled = t[~t["dropped"]]
        ax.plot(peeled["coverage"], peeled["density"], color="#999999", lw=0.8, zorder=1)
        ax.plot(
            t[t["picked"] | t["dropped"]]["coverage"],
            t[t["picked"] | t["dropped"]]["density"],
            color="#999999",
            lw=0.8,
            ls=":",
            zorder=1,
        )
        points = ax.scatter(
            t["coverage"],
            t["density"],
            c=t["res_dim"],
            cmap=cmap,
            vmin=-0.5,
            vmax=top + 0.5,
            marker=markers[(box.number - 1) % len(markers)],
            s=28,
            zorder=2,
            label=f"box {box.number}",
        )
        chosen = t[t["chosen"]]
        ax.scatter(
            chosen["coverage"], chosen["density"], s=160, facecolors="none", edgecolors="black"
        )
        ax.annotate(
            f"box {box.number}",
            (float(chosen["coverage"].iloc[0]), float(chosen["density"].iloc[0])),
            xytext=(6, -12),
            textcoords="offset points",
            fontsize=8,
        )
    bar = fig.colorbar(points, ax=ax, ticks=range(top + 1))
    bar.set_label("restricted dimensions")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("coverage (share of the marked points inside)")
    ax.set_ylabel("density (share of the points inside that are marked)")
    ax.set_title(textwrap.fill(title, 70), fontsize=9)
    if len(boxes) > 1:
        ax.legend(fontsize=8, loc="lower left")
    return _save(fig, path)


def limits_figure(boxes: list[Box], title: str, path: Path) -> Path:
    """Each box's range of every restricted parameter within the sweep's range (0 to 1)."""
    rows = [max(1, len(b.restricted)) for b in boxes]
    fig, axes = plt.subplots(
        len(boxes),
        1,
        figsize=(7.5, 0.9 + 0.45 * sum(rows) + 0.5 * len(boxes)),
        gridspec_kw={"height_ratios": rows},
        squeeze=False,
    )
    for ax, box in zip(axes[:, 0], boxes, strict=True):
        limits = box.limits[box.limits["restricted"]]
        colour = PALETTE[box.number % len(PALETTE)]
        for i, row in enumerate(limits.itertuples()):
            span = max(row.sweep_high - row.sweep_low, 1e-12)
            low, high = (row.low - row.sweep_low) / span, (row.high - row.sweep_low) / span
            ax.barh(i, 1.0, left=0.0, color="#eeeeee", height=0.6)
            ax.barh(i, max(high - low, 0.01), left=low, color=colour, height=0.6)
            qp = np.nanmax([row.qp_low, row.qp_high, -1.0])
            qp_text = f" (qp {qp:.1g})" if qp >= 0 else ""
            ax.text(1.02, i, f"{_range(row.low, row.high)}{qp_text}", va="center", fontsize=7)
        if limits.empty:
            ax.text(0.5, 0, "no parameter restricted", ha="center", va="center", fontsize=8)
        ax.set_yticks(range(len(limits)), limits["parameter"].tolist(), fontsize=7)
        ax.set_ylim(-0.6, max(len(limits), 1) - 0.4)
        ax.set_xlim(0, 1.45)
        ax.set_xticks([0, 0.5, 1], ["sweep min", "", "sweep max"], fontsize=7)
        ax.invert_yaxis()
        ax.set_title(
            f"box {box.number}: coverage {box.coverage:.2f}, density {box.density:.2f}",
            fontsize=8,
        )
    fig.suptitle(textwrap.fill(title, 90), fontsize=9)
    return _save(fig, path)


def scores_figure(scores: pd.DataFrame, title: str, path: Path) -> Path:
    """Feature scores of the swept parameters (the marks', else the value's)."""
    column = "marked" if scores["marked"].notna().any() else "value"
    table = scores.sort_values(column, ascending=True).tail(20)
    fig, ax = plt.subplots(figsize=(7.0, 1.0 + 0.3 * len(table)))
    ax.barh(table["parameter"], table[column], color=PALETTE[5])
    ax.set_xlabel(
        f"extra-trees feature score ({'of the marks' if column == 'marked' else 'of the value'})"
    )
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(textwrap.fill(title, 80), fontsize=9)
    return _save(fig, path)


def write_discovery(discovery: Discovery, out: Path, figures: bool = True) -> dict[str, Path]:
    """Write every table, figure and replay config under `out`; return them by name."""
    out = ensure_writable_dir(Path(out), "--out")
    files = discovery.files
    target = discovery.marked.target
    verb = "holds" if target.holds else "fails"
    title = (
        target.describe()
        if target.claim is None
        else f"{target.claim.name} {verb} (step {target.step})"
    )

    def table(name: str, frame: pd.DataFrame) -> None:
        files[name] = out / f"{name}.csv"
        write_text(frame.to_csv(index=False), files[name])

    for box in discovery.boxes:
        if box.replay is not None:
            name = f"replay_box{box.number}"
            seeds = discovery.marked.runs
            seeds = seeds[seeds["design_point"] == box.replay_point]
            files[name] = out / f"{name}.yaml"
            source = f"box {box.number} of {discovery.results.path}, {title}"
            plan = dict(zip(seeds["replicate"], seeds["seed"], strict=True))
            text = replay_yaml(box.replay, plan, source)
            write_text(text, files[name])
    table("points", discovery.marked.points)
    table("boxes", boxes_table(discovery))
    table("box_limits", _stacked(discovery, "limits"))
    if discovery.method == "prim":
        table("peeling_trajectory", _stacked(discovery, "trajectory"))
    table("feature_scores", discovery.scores)
    table("representatives", discovery.representatives())
    if figures and discovery.boxes:
        if discovery.method == "prim":
            files["peeling_trajectory_png"] = trajectory_figure(
                discovery.boxes,
                f"PRIM peeling trajectories: {title}",
                out / "peeling_trajectory.png",
            )
        files["box_limits_png"] = limits_figure(
            discovery.boxes, f"{discovery.method.upper()} boxes: {title}", out / "box_limits.png"
        )
        files["feature_scores_png"] = scores_figure(
            discovery.scores, f"Feature scores: {title}", out / "feature_scores.png"
        )
    files["summary"] = out / "summary.txt"
    write_text(summary(discovery) + "\n", files["summary"])
    return files
