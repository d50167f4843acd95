"""Replaying a design point of a swept batch: a config that gives the same rows, and its runs.

`replay_config` turns one design point into a config of its own (the batch's config as given,
without the sweep, the point's values in `model`, the batch's seed, steps and replications),
checked to resolve every scenario to the very model the batch ran; `replay_yaml` writes it with
the commands that run it. `replay_point` picks the design point that stands for a box: the
marked point nearest the box's centre.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.discover_boxes import Box
from experiments.discover_marks import Marked
from experiments.errors import UsageError
from experiments.store import Results


def _merged(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _nested(point: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in point.items():
        here = out
        *head, last = path.split(".")
        for key in head:
            here = here.setdefault(key, {})
        here[last] = value
    return out


def replay_config(
    results: Results, design_point: int, scenarios: Sequence[str] | None = None
) -> dict[str, Any]:
    """A config that replays one design point of a swept batch exactly.

    The batch's config as given, without its sweep, with the design point's values merged into
    `model` and only `scenarios` (default: all) kept, in the batch's order; base seed, steps and
    replications are the batch's, so replicate r has the same seed as in the batch: `run.py
    batch` on it gives the same rows, and `run.py run` (replicate 0's seed by default, any
    other with ``--seed``) the same time series. Each scenario is checked to resolve to the
    very model it ran.

    Raises:
        UsageError: a design point outside the sweep, or a manifest without its config.
    """
    from model.config import load_config

    manifest = results.manifest
    given = manifest.config
    points = manifest.design_points or []
    if not given:
        raise UsageError(f"{results.path}: the manifest holds no config to replay")
    if not 0 <= design_point < len(points):
        raise UsageError(f"design point: expected 0 to {len(points) - 1}, found {design_point}")
    point = points[design_point]
    kept = [s for s in given["scenarios"] if scenarios is None or s in scenarios]
    config = {
        "name": f"{str(given['name'])[:80]}-dp{design_point}",
        "description": f"Design point {design_point} of {given['name']}: "
        + ", ".join(f"{p} = {v}" for p, v in point.items()),
    }
    config.update((k, copy.deepcopy(v)) for k, v in given.items() if k not in ("sweep", *config))
    config["model"] = _merged(config.get("model") or {}, _nested(point))
    config["scenarios"] = {name: copy.deepcopy(given["scenarios"][name]) for name in kept}
    original, replay = load_config(dict(given)), load_config(config)
    for name in kept:
        if replay.scenario_spec(name) != original.design_spec(name, point):
            raise RuntimeError(f"the replay of design point {design_point} differs in {name}")
    return config


def replay_yaml(config: Mapping[str, Any], seeds: Mapping[int, int], source: str) -> str:
    """The YAML text of a replay config, opening with how to run it."""
    import yaml

    scenario = next(iter(config["scenarios"]))
    listed = list(seeds.items())[:10]
    lines = [
        f"# {config['description']}",
        f"# (from {source}). Every replicate keeps its seed from the batch:",
        "#   python run.py batch THIS.yaml    # every scenario and replicate, the same rows",
        f"#   python run.py run THIS.yaml --scenario {scenario} --seed SEED   # one run",
        "# replicate: seed  " + ", ".join(f"{r}: {s}" for r, s in listed),
    ]
    if len(seeds) > len(listed):
        lines[-1] += f", ... ({len(seeds)} replicates)"
    body = yaml.safe_dump(dict(config), sort_keys=False, default_flow_style=None)
    return "\n".join(lines) + "\n" + body


@dataclass(frozen=True)
class Replay:
    """One run of a box, ready to replay: a config, the scenario in it and the run's seed.

    `run.py run` on `config` with `scenario` and `seed` (or a model made from them) gives the
    run's rows; `run.py batch` on `config` gives every replicate of the design point.
    """

    config: dict[str, Any]
    scenario: str
    seed: int
    design_point: int
    replicate: int


def replay_point(marked: Marked, box: Box) -> int:
    """The design point a box replays: the marked member nearest the box's centre.

    Distances are measured in each parameter's sweep range (restricted parameters only; all
    when none is restricted); ties go to the lowest design point.
    """
    points = marked.points.set_index("design_point").loc[box.members]
    candidates = points[points["marked"]] if points["marked"].any() else points
    limits = box.limits.set_index("parameter")
    used = box.restricted or list(limits.index)
    distance = np.zeros(len(candidates))
    for p in used:
        span = max(limits.loc[p, "sweep_high"] - limits.loc[p, "sweep_low"], 1e-12)
        centre = (limits.loc[p, "low"] + limits.loc[p, "high"]) / 2
        distance += ((candidates[p].to_numpy(dtype=float) - centre) / span) ** 2
    order = np.lexsort((candidates.index.to_numpy(), distance))
    return int(candidates.index[order[0]])
