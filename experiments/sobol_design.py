"""The design of the Sobol analysis: which registry parameters it sweeps, and over what range.

The range rule (`plausible_range`): act evidence cells (LLR) +-0.5 around the default, standing
evidence cells (LLR per week) +-0.1; memories m (weekly decay factors) by their time scale
1 / (1 - m) x [0.5, 1.5]; a default of 0 from the bottom of the valid range up to an eighth of
it; every other parameter default x [0.5, 1.5]; all clipped to the valid range, integers
rounded inward. The red-line bounds move +-0.1 so that their order holds. Parameters that no
scenario reads (`INERT`: bloc outputs, the crisis index and the adaptive strategy's utilities,
which feed nothing back; switched-off rivals; acts no scenario takes) are left out and listed;
`inert_check` verifies that moving each of them leaves every scenario bit-identical.
`config_yaml` writes configs/sensitivity.yaml (``python -m experiments.drivers config``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import yaml

from agents.actions import SIDES
from experiments.card_scenarios import SOBOL_SCENARIOS
from experiments.claim_effects import EFFECTS
from model.parameters import BY_NAME, DYNAMICS_PARAMETERS, SIDE_PARAMETERS, Parameter

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
        "# range around its default (the rule is in experiments/sobol_design.py). Generated by\n"
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
