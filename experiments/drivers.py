"""Which parameters drive each claim: a Sobol analysis of the claims' effects over the registry.

Each claim's effect is a paired difference between two scenarios of one design point (the same
seed, common random numbers), e.g. the negotiator's legitimacy at week 102 when the adversary
walks away at week 50 minus when both engage. `configs/sensitivity.yaml` sweeps every registry
parameter that the scenarios read over a plausible range around its default with Saltelli's
scheme (`experiments.batch`, ``sobol`` design); `effect_frame` turns the batch's results into one
value per effect and design point and `driver_indices` computes first-order and total indices
with `experiments.sensitivity.sobol_indices` (SALib). Commands::

    python -m experiments.drivers config > configs/sensitivity.yaml   # the shipped config
    python run.py batch configs/sensitivity.yaml --out /tmp/card --workers 2
    python -m experiments.drivers summarize /tmp/card/sensitivity      # the card's section

The range rule (`plausible_range`): act evidence cells (LLR) +-0.5 around the default, standing
evidence cells (LLR per week) +-0.1; memories m (weekly decay factors) by their time scale
1 / (1 - m) x [0.5, 1.5]; a default of 0 from the bottom of the valid range up to an eighth of
it; every other parameter default x [0.5, 1.5]; all clipped to the valid range, integers
rounded inward. The red-line bounds move +-0.1 so that their order holds. Parameters that no
scenario reads (`INERT`: bloc outputs, the crisis index and the adaptive strategy's utilities,
which feed nothing back; switched-off rivals; acts no scenario takes) are left out and listed;
`inert_check` verifies that moving each of them leaves every scenario bit-identical.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from experiments.card_scenarios import SOBOL_SCENARIOS
from experiments.clitypes import EXIT_BAD_INPUT, EXIT_OK, positive_int
from experiments.errors import UsageError
from experiments.sensitivity import sobol_indices
from experiments.store import Results, open_results
from model.parameters import BY_NAME, DYNAMICS_PARAMETERS, SIDE_PARAMETERS, Parameter

SIDES = ("negotiator", "adversary")
SAMPLES = 32
"""Saltelli's base sample N: N (D + 2) design points per scenario, without second order."""
OBSERVERS = 200
STEPS = 102
SEED = 20261125
ACT_SHIFT = 0.5
STANDING_SHIFT = 0.1
FACTOR = 0.5
"""default x [1 - FACTOR, 1 + FACTOR]."""
SHIFTED = {"redline_low": 0.1, "redline_high": 0.1}
"""Parameters moved by +- a fixed amount instead (ordered pairs that must keep their order)."""
THRESHOLD = 0.05
"""The card lists a parameter for an effect when its total index reaches this."""

INERT: dict[str, str] = {
    **{
        f"dynamics.{name}": "bloc outputs only (no feedback)"
        for name in (
            "vote_threshold",
            "vote_interval",
            "compliance_intercept",
            "compliance_legitimacy",
            "compliance_scepticism",
            "compliance_exposure",
        )
    },
    **{
        f"dynamics.{name}": "crisis index only (no feedback)"
        for name in ("hazard_base", "hazard_provocation", "hazard_misperception", "hazard_talks")
    },
    **{
        f"dynamics.{name}": "adaptive strategy only (no scenario uses it)"
        for name in (
            "escalation_cost_base",
            "escalation_cost_slope",
            "engage_utility",
            "sanction_utility",
            "preparing_bonus",
            "crossing_bonus",
            "crossing_memory",
        )
    },
    **{
        f"dynamics.{name}": "beliefs about the other's type: crisis index and adaptive only"
        for name in ("signal_accuracy_talks", "signal_accuracy_outside", "prior_type_belief")
    },
    **{
        f"{role}.{name}": "adaptive strategy and crisis index only"
        for role in SIDES
        for name in ("hawkishness", "prepare_probability")
    },
    "dynamics.backfire_rate": "rival `backfire` is off",
    "dynamics.backfire_margin": "rival `backfire` is off",
    "dynamics.multilateral_factor": "no scenario sanctions multilaterally",
    **{
        f"dynamics.{cell}": "no scenario takes this act"
        for act in ("add_conditions", "escalate_rhetoric")
        for cell in (
            f"evidence.{act}.faith",
            f"evidence.{act}.strength",
            f"evidence.{act}.standing_faith",
            f"evidence.{act}.standing_strength",
            f"newsworthiness.{act}",
        )
        if f"{cell}" in BY_NAME
    },
}
"""Registry paths left out of the Sobol design, with the reason nothing in it reads them."""
FIXED = {"observers": "the run size (fixed at the analysis's observers)"}


@dataclass(frozen=True)
class Effect:
    """A claim's effect: `column` at `step` in `treatment` minus in `control`, per design point.

    `bloc` names a bloc whose mean replaces the model-level mean; `expected` is the sign the
    essay predicts.
    """

    name: str
    claim: str
    description: str
    treatment: str
    control: str
    column: str
    step: int
    expected: int
    bloc: str | None = None


EFFECTS: tuple[Effect, ...] = (
    Effect(
        "burden_shift_ln_60",
        "burden shift",
        "L^N at 60: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "legitimacy_negotiator",
        60,
        1,
    ),
    Effect(
        "burden_shift_ln_102",
        "burden shift",
        "L^N at 102: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "burden_shift_la_60",
        "burden shift",
        "L^A at 60: A walks at 50 - both engage (pattern P1)",
        "adversary_walks",
        "both_engage",
        "legitimacy_adversary",
        60,
        -1,
    ),
    Effect(
        "burden_shift_share_102",
        "burden shift",
        "narrative share at 102: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "narrative_share",
        102,
        1,
    ),
    Effect(
        "staying_56",
        "staying beats tit-for-tat",
        "L^N at 56 after A walks at 50: N stays - N plays tit-for-tat",
        "adversary_walks",
        "negotiator_tit_for_tat",
        "legitimacy_negotiator",
        56,
        1,
    ),
    Effect(
        "staying_102",
        "staying beats tit-for-tat",
        "L^N at 102 after A walks at 50: N stays - N plays tit-for-tat",
        "adversary_walks",
        "negotiator_tit_for_tat",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "reassurance_40",
        "costly reassurance",
        "L^N at 40: N concedes in weeks 20-39 - N engages (A walks at 50)",
        "reassure_then_adversary_walks",
        "adversary_walks",
        "legitimacy_negotiator",
        40,
        -1,
    ),
    Effect(
        "reassurance_102",
        "costly reassurance",
        "L^N at 102: N concedes in weeks 20-39 - N engages (A walks at 50)",
        "reassure_then_adversary_walks",
        "adversary_walks",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "talks_signal_60",
        "talks signal weight",
        "L^N at 60: N silent until 50 then talks - N stays silent",
        "talks_from_50",
        "negotiator_silent",
        "legitimacy_negotiator",
        60,
        1,
    ),
    Effect(
        "talks_signal_102",
        "talks signal weight",
        "L^N at 102: N silent until 50 then talks - N stays silent",
        "talks_from_50",
        "negotiator_silent",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "media_spread_102",
        "polarized media polarize",
        "gap_spread at 102 after A walks at 50: polarized - neutral media",
        "polarized_media",
        "neutral_media",
        "gap_spread",
        102,
        1,
    ),
    Effect(
        "media_bimodality_102",
        "polarized media polarize",
        "bimodality at 102 after A walks at 50: polarized - neutral media",
        "polarized_media",
        "neutral_media",
        "bimodality",
        102,
        1,
    ),
    Effect(
        "sanctions_bloc_c_102",
        "unilateral sanctions cost the sanctioner",
        "L^A in bloc C at 102: A sanctions every 2 weeks from 50 - A engages",
        "unilateral_sanctions",
        "both_engage",
        "legitimacy_adversary",
        102,
        -1,
        "Bloc C",
    ),
)
"""The effects whose drivers the card shows; leverage is read from the burden shift's indices
of the negotiator's deterrence and `leverage_half`."""


# --------------------------------------------------------------------------------------------
# The design
# --------------------------------------------------------------------------------------------


def registry_paths() -> list[tuple[str, Parameter, str | None]]:
    """Every side and dynamics parameter as (sweep path, parameter, role)."""
    out: list[tuple[str, Parameter, str | None]] = [("elite_share", BY_NAME["elite_share"], None)]
    out += [(f"{role}.{p.name}", p, role) for role in SIDES for p in SIDE_PARAMETERS]
    out += [(f"dynamics.{p.name}", p, None) for p in DYNAMICS_PARAMETERS]
    return out


def plausible_range(
    p: Parameter, role: str | None = None, spread: float = 1.0
) -> tuple[float, float]:
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
        low, high = float(math.ceil(low)), float(math.floor(high))
    return float(low), float(high)


def swept_parameters() -> dict[str, tuple[float, float]]:
    """The Sobol design's parameters {path: (min, max)}: the registry minus `INERT`."""
    ranges = {}
    for path, p, role in registry_paths():
        if path in INERT or path in FIXED:
            continue
        low, high = plausible_range(p, role)
        if low < high:
            ranges[path] = (round(low, 6), round(high, 6))
    return ranges


def sensitivity_config(samples: int = SAMPLES, observers: int = OBSERVERS) -> dict[str, Any]:
    """The experiment config of the Sobol analysis (what configs/sensitivity.yaml holds)."""
    return {
        "name": "sensitivity",
        "description": (
            "Sobol analysis of the claims' effects over the registry (python -m "
            "experiments.drivers summarize turns the results into the model card's section)"
        ),
        "steps": STEPS,
        "replications": 1,
        "seed": SEED,
        "model": {"observers": observers},
        "scenarios": {name: dict(layer) or None for name, layer in SOBOL_SCENARIOS.items()},
        "sweep": {
            "method": "sobol",
            "samples": samples,
            "parameters": {
                path: {"min": low, "max": high} for path, (low, high) in swept_parameters().items()
            },
        },
    }


def config_yaml(samples: int = SAMPLES, observers: int = OBSERVERS) -> str:
    """`sensitivity_config` as the YAML text of configs/sensitivity.yaml."""
    head = (
        "# Which parameters drive each claim: Sobol indices of the claims' effects (paired\n"
        "# scenarios) over every registry parameter the scenarios read, each over a plausible\n"
        "# range around its default (the rule is in experiments/drivers.py). Generated by\n"
        "# `python -m experiments.drivers config`; N (D + 2) design points per scenario.\n"
        "#   python run.py batch configs/sensitivity.yaml --out /tmp/card --workers 2\n"
        "#   python -m experiments.drivers summarize /tmp/card/sensitivity\n"
    )
    body = yaml.safe_dump(
        sensitivity_config(samples, observers), sort_keys=False, default_flow_style=None
    )
    return head + body


def nested(path: str, value: Any) -> dict[str, Any]:
    """A dotted path and its value as the nested mapping of a `model` layer."""
    out: Any = value
    for key in reversed(path.split(".")):
        out = {key: out}
    return out


def inert_check(
    paths: Sequence[str] | None = None, seed: int = SEED, observers: int = 100
) -> list[str]:
    """The paths of `INERT` (or `paths`) that change an effect's outputs: should be none.

    Each is moved to both ends of its widened plausible range, one at a time, and every Sobol
    scenario is run on one seed; the outputs the effects read must stay bit-identical.
    """
    from experiments.card_scenarios import deep_merge
    from experiments.runner import simulate
    from model.config import resolve_model

    columns = sorted({e.column for e in EFFECTS})
    registry = {path: (p, role) for path, p, role in registry_paths()}

    def outputs(extra: Mapping[str, Any]) -> list[np.ndarray]:
        out = []
        for layer in SOBOL_SCENARIOS.values():
            merged = deep_merge(layer, {"observers": observers}, extra)
            spec, problems = resolve_model([("drivers", merged)])
            if spec is None:
                raise ValueError("; ".join(problems))
            result = simulate(spec, seed, STEPS)
            out.append(result.timeseries[columns].to_numpy(dtype=float))
            out.append(result.blocs["legitimacy_adversary"].to_numpy(dtype=float))
        return out

    reference = outputs({})
    moved = []
    for path in INERT if paths is None else paths:
        p, role = registry[path]
        for value in plausible_range(p, role, spread=2.0):
            if p.integer:
                value = int(value)
            if any(
                not np.array_equal(a, b, equal_nan=True)
                for a, b in zip(reference, outputs(nested(path, value)), strict=True)
            ):
                moved.append(path)
                break
    return moved


# --------------------------------------------------------------------------------------------
# From results to indices
# --------------------------------------------------------------------------------------------


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
    """The card's section: per effect, the parameters whose total index reaches `threshold`.

    Args:
        indices: `driver_indices` output.
        summary: `effect_summary` output.
        problem: SALib's problem of the design.
        design: facts of the run shown in the header (samples, observers, points, runs).
        effects: the effects, in table order.
        threshold: the least total index listed.
    """
    lines = [
        f"Saltelli design, N = {design['samples']} without second order, "
        f"{problem['num_vars']} parameters, {design['points']} design points x "
        f"{design['scenarios']} scenarios ({design['runs']} runs), {design['observers']} "
        f"observers, one seed per design point (common random numbers); indices from "
        "SALib with 95% bootstrap half-widths. A parameter is listed when its total index "
        f"ST is at least {threshold}; *assumption* marks a parameter whose registry source is "
        "an assumption only.",
        "",
        "| effect | over the design: mean [5%, 95%] | share with the essay's sign | "
        "share >= 0.01 | drivers: S1 +- ci / ST +- ci |",
        "|---|---|---|---|---|",
    ]
    by_effect = {row["effect"]: row for _, row in summary.iterrows()}
    for effect in effects:
        if effect.name not in by_effect:
            continue
        s = by_effect[effect.name]
        rows = indices[(indices["effect"] == effect.name) & (indices["ST"] >= threshold)]
        rows = rows.sort_values("ST", ascending=False)
        drivers = "; ".join(
            f"`{_short(r.parameter)}`{' *assumption*' if rests_on_assumption(r.parameter) else ''}"
            f" {r.S1:.2f} +- {r.S1_conf:.2f} / {r.ST:.2f} +- {r.ST_conf:.2f}"
            for r in rows.itertuples()
        )
        lines.append(
            f"| {effect.description} | {s['mean']:+.4f} [{s['q05']:+.4f}, {s['q95']:+.4f}] | "
            f"{s['expected_sign']:.2f} | {s['large']:.2f} | {drivers or 'none reaches the line'} |"
        )
    return "\n".join(lines)


def assumption_summary(indices: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Per effect: the share of the summed total index carried by assumption-only parameters."""
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
    problem = results.manifest["problem"]
    frame = effect_frame(results)
    indices = driver_indices(frame, problem)
    design = {
        "samples": results.manifest.get("samples"),
        "points": len(results.manifest.get("design_points", [])),
        "scenarios": len(results.scenarios),
        "runs": results.runs_done,
        "observers": results.manifest.get("config", {}).get("model", {}).get("observers", "?"),
    }
    return drivers_markdown(indices, effect_summary(frame), problem, design)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the shipped config, or summarize a results folder for the card."""
    parser = argparse.ArgumentParser(
        prog="python -m experiments.drivers",
        description="Sobol drivers of the claims' effects.",
        epilog="example: python -m experiments.drivers summarize /tmp/card/sensitivity",
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
