"""Which parameters drive each claim: Sobol indices of the claims' effects over the registry.

`configs/sensitivity.yaml` (`tools.model_card.sobol_design`) sweeps every registry parameter
that the scenarios read over a plausible range around its default with Saltelli's scheme
(`experiments.batch`, ``sobol`` design). `effect_frame` turns the batch's results into one value
per effect (`tools.model_card.effects`) and design point, `driver_indices` computes first-order
and total indices with `experiments.sensitivity.sobol_indices` (SALib), and `drivers_markdown`
writes the model card's section, marking the parameters whose registry source is an assumption
only. Commands::

    python -m tools.model_card.drivers config > configs/sensitivity.yaml   # the shipped config
    python run.py batch configs/sensitivity.yaml --out /tmp/card --workers 2
    python -m tools.model_card.drivers summarize /tmp/card/sensitivity      # the card's section
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.clitypes import EXIT_BAD_INPUT, EXIT_OK, positive_int
from experiments.errors import UsageError
from experiments.ranges import registry_paths
from experiments.sensitivity import sobol_indices
from experiments.store import Results, open_results
from tools.model_card.effects import EFFECTS, Effect
from tools.model_card.sobol_design import OBSERVERS, SAMPLES, config_yaml

THRESHOLD = 0.05
"""The card lists a parameter for an effect when its total index reaches this."""
TOP = 6
"""At most this many parameters per effect, by total index."""
RARELY_LARGE = 0.05
"""An effect of at least 0.01 at fewer than this share of the design points gets no drivers:
its variance is noise around a negligible effect."""


def effect_frame(results: Results, effects: Sequence[Effect] = EFFECTS) -> pd.DataFrame:
    """One row per effect, design point and replicate: the paired difference as `value`.

    Columns scenario (the effect's name), design_point, replicate, step, value: the shape that
    `experiments.sensitivity.sobol_indices` reads.
    """
    frames = []
    steps = sorted({e.step for e in effects})
    series = results.timeseries(filters=[("step", "in", steps)])
    blocs = None
    for effect in effects:
        if effect.bloc is None:
            table = series
        else:
            if blocs is None:
                blocs = results.blocs(filters=[("step", "in", steps)])
            table = blocs[blocs["bloc"] == effect.bloc]
        here = table[table["step"] == effect.step].set_index(["design_point", "replicate"])
        treated = here[here["scenario"] == effect.treatment][effect.column]
        control = here[here["scenario"] == effect.control][effect.column]
        value = (treated - control).dropna()
        frame = value.rename("value").reset_index()
        frame.insert(0, "scenario", effect.name)
        frame["step"] = effect.step
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def complete_blocks(frame: pd.DataFrame, num_vars: int) -> tuple[pd.DataFrame, list[int]]:
    """The rows of the Saltelli base samples that every effect has in full, and those dropped.

    Saltelli's scheme without second order numbers its design points in blocks of D + 2 per
    base sample (A, the D mixed rows, B); a run that failed leaves its block incomplete, and the
    estimators stay valid over the remaining base samples (their number is N less the dropped).

    Returns:
        The rows of complete blocks, and the numbers of the blocks dropped.
    """
    size = num_vars + 2
    block = frame["design_point"].to_numpy() // size
    counts = frame.assign(block=block).groupby(["scenario", "block"]).size()
    names = frame["scenario"].unique()
    complete = counts[counts == size].reset_index().groupby("block")["scenario"].nunique()
    kept = set(complete[complete == len(names)].index)
    dropped = sorted(set(np.unique(block)) - kept)
    return frame[np.isin(block, sorted(kept))], [int(b) for b in dropped]


def driver_indices(
    frame: pd.DataFrame, problem: Mapping[str, Any], effects: Sequence[Effect] = EFFECTS
) -> pd.DataFrame:
    """First-order and total indices of every effect (columns of `sobol_indices`, plus `effect`)."""
    out = []
    for effect in effects:
        rows = frame[frame["scenario"] == effect.name]
        if rows.empty:
            continue
        indices = sobol_indices(rows, problem, "value", at=effect.step)
        out.append(indices.rename(columns={"scenario": "effect"}))
    return pd.concat(out, ignore_index=True)


def effect_summary(frame: pd.DataFrame, effects: Sequence[Effect] = EFFECTS) -> pd.DataFrame:
    """Per effect, over the design: mean, 5% and 95% quantiles, and the share with each sign."""
    rows = []
    for effect in effects:
        values = frame.loc[frame["scenario"] == effect.name, "value"].to_numpy(dtype=float)
        if values.size == 0:
            continue
        rows.append(
            {
                "effect": effect.name,
                "mean": float(values.mean()),
                "q05": float(np.quantile(values, 0.05)),
                "q95": float(np.quantile(values, 0.95)),
                "expected_sign": float(np.mean(np.sign(values) == effect.expected)),
                "large": float(np.mean(np.abs(values) >= 0.01)),
            }
        )
    return pd.DataFrame(rows)


def source_of(path: str) -> str:
    """The registry source of a sweep path (``negotiator.deterrence`` -> its parameter's)."""
    for candidate, p, _ in registry_paths():
        if candidate == path:
            return p.source
    return ""


def rests_on_assumption(path: str) -> bool:
    """Whether a parameter's only source is an assumption (its source begins 'assumption')."""
    return source_of(path).startswith("assumption")


def _short(path: str) -> str:
    return path.removeprefix("dynamics.")


def drivers_markdown(
    indices: pd.DataFrame,
    summary: pd.DataFrame,
    problem: Mapping[str, Any],
    design: Mapping[str, Any],
    effects: Sequence[Effect] = EFFECTS,
    threshold: float = THRESHOLD,
) -> str:
    """The card's section: per effect, the `TOP` parameters whose total index reaches `threshold`.

    An effect that reaches 0.01 at fewer than `RARELY_LARGE` of the design points gets no
    drivers: the indices would apportion noise around a negligible effect.

    Args:
        indices: `driver_indices` output.
        summary: `effect_summary` output.
        problem: SALib's problem of the design.
        design: facts of the run shown in the header (samples, observers, points, runs).
        effects: the effects, in table order.
        threshold: the least total index listed.
    """
    dropped = design.get("dropped") or []
    lost = (
        f" ({len(dropped)} base sample{'s' if len(dropped) > 1 else ''} left out because a run "
        "of its block failed, see failures.jsonl)"
        if dropped
        else ""
    )
    lines = [
        f"Saltelli design, N = {design['samples']}{lost} without second order, "
        f"{problem['num_vars']} parameters, {design['points']} design points x "
        f"{design['scenarios']} scenarios ({design['runs']} runs), {design['observers']} "
        f"observers, one seed per design point (common random numbers); indices from "
        "SALib with 95% bootstrap half-widths (wide at this N: read the ranking of ST more than "
        f"its value). Listed: the {TOP} parameters with the largest total index ST, if at least "
        f"{threshold}; *assumption* marks a parameter whose registry source is an assumption "
        "only. The last column is the share of the summed ST carried by such parameters. An "
        f"effect that reaches 0.01 at fewer than {RARELY_LARGE:.0%} of the design points gets "
        "no drivers (its indices would apportion noise).",
        "",
        "| effect | over the design: mean [5%, 95%] | share with the essay's sign | "
        "share >= 0.01 | drivers: S1 +- ci / ST +- ci | share of ST on assumptions |",
        "|---|---|---|---|---|---|",
    ]
    assumed = assumption_summary(indices).set_index("effect")["assumption_share"]
    by_effect = {row["effect"]: row for _, row in summary.iterrows()}
    for effect in effects:
        if effect.name not in by_effect:
            continue
        s = by_effect[effect.name]
        rows = indices[(indices["effect"] == effect.name) & (indices["ST"] >= threshold)]
        rows = rows.sort_values("ST", ascending=False).head(TOP)
        drivers = "; ".join(
            f"`{_short(r.parameter)}`{' *assumption*' if rests_on_assumption(r.parameter) else ''}"
            f" {r.S1:.2f} +- {r.S1_conf:.2f} / {r.ST:.2f} +- {r.ST_conf:.2f}"
            for r in rows.itertuples()
        )
        share = f"{assumed.get(effect.name, float('nan')):.2f}"
        if s["large"] < RARELY_LARGE:
            drivers, share = "negligible nearly everywhere: none reported", "-"
        lines.append(
            f"| {effect.description} | {s['mean']:+.4f} [{s['q05']:+.4f}, {s['q95']:+.4f}] | "
            f"{s['expected_sign']:.2f} | {s['large']:.2f} | {drivers or 'none reaches the line'} "
            f"| {share} |"
        )
    return "\n".join(lines)


def assumption_summary(indices: pd.DataFrame) -> pd.DataFrame:
    """Per effect: how much of the total indices rests on assumption-only parameters.

    Returns:
        effect, assumption_share (the share of the summed total index carried by parameters
        whose source is an assumption only), top (the parameter with the largest total index)
        and top_is_assumption.
    """
    rows = []
    for effect, table in indices.groupby("effect", sort=False):
        total = table["ST"].clip(lower=0).sum()
        assumed = table[[rests_on_assumption(p) for p in table["parameter"]]]["ST"].clip(lower=0)
        top = table.sort_values("ST", ascending=False).iloc[0]
        rows.append(
            {
                "effect": effect,
                "assumption_share": float(assumed.sum() / total) if total > 0 else float("nan"),
                "top": str(top["parameter"]),
                "top_is_assumption": rests_on_assumption(str(top["parameter"])),
            }
        )
    return pd.DataFrame(rows)


def summarize(path: str | Path) -> str:
    """The card's drivers section from a results folder of configs/sensitivity.yaml."""
    results = open_results(path)
    problem = results.manifest.problem or {}
    frame, dropped = complete_blocks(effect_frame(results), int(problem["num_vars"]))
    indices = driver_indices(frame, problem)
    design = {
        "samples": results.manifest.samples,
        "dropped": dropped,
        "points": len(results.manifest.design_points),
        "scenarios": len(results.scenarios),
        "runs": results.runs_done,
        "observers": results.manifest.config.get("model", {}).get("observers", "?"),
    }
    return drivers_markdown(indices, effect_summary(frame), problem, design)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the shipped config, or summarize a results folder for the card."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.model_card.drivers",
        description="Sobol drivers of the claims' effects.",
        epilog="example: python -m tools.model_card.drivers summarize /tmp/card/sensitivity",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("config", help="print configs/sensitivity.yaml")
    make.add_argument("--samples", type=positive_int, default=SAMPLES)
    make.add_argument("--observers", type=positive_int, default=OBSERVERS)
    summary = commands.add_parser("summarize", help="the card's section from a results folder")
    summary.add_argument("results", help="the results folder of configs/sensitivity.yaml")
    args = parser.parse_args(argv)
    if args.command == "config":
        print(config_yaml(args.samples, args.observers), end="")
        return EXIT_OK
    try:
        print(summarize(args.results))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
