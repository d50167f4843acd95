"""The plan of a batch: every scenario x design point x replicate of a config, numbered.

Runs are numbered in plan order: scenario (config order), then design point, then replicate.
Replicate r has the seed ``model.streams.replicate_seed(config.seed, r)`` in every scenario
and design point (common random numbers), so results do not depend on how the batch ran.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.design import Design, design_points
from model.config import ExperimentConfig, ModelSpec
from model.streams import replicate_seed


@dataclass(frozen=True)
class RunPlan:
    """Every run of a batch, numbered scenario-major: index = (s * P + d) * R + r.

    Attributes:
        scenarios: scenario names in config order.
        design: the design points.
        replications: replicates per scenario and design point.
        base_seed: the config's seed, from which each replicate's seed derives.
    """

    scenarios: tuple[str, ...]
    design: Design
    replications: int
    base_seed: int

    def __len__(self) -> int:
        return len(self.scenarios) * len(self.design) * self.replications

    def key(self, index: int) -> tuple[str, int, int]:
        """(scenario, design point, replicate) of run `index`."""
        per_scenario = len(self.design) * self.replications
        scenario, rest = divmod(int(index), per_scenario)
        point, replicate = divmod(rest, self.replications)
        return self.scenarios[scenario], point, replicate

    def index_of(self, scenarios: Any, points: Any, replicates: Any) -> np.ndarray:
        """Plan indices of runs given as key arrays; -1 for a key outside the plan."""
        order = {name: i for i, name in enumerate(self.scenarios)}
        s = np.array([order.get(str(name), -1) for name in scenarios], dtype=np.int64)
        d = np.asarray(points, dtype=np.int64)
        r = np.asarray(replicates, dtype=np.int64)
        inside = (s >= 0) & (d >= 0) & (d < len(self.design)) & (r >= 0)
        inside &= r < self.replications
        index = (s * len(self.design) + d) * self.replications + r
        return np.where(inside, index, -1)

    def seed(self, replicate: int) -> int:
        """The seed of `replicate`: the same in every scenario and design point."""
        return replicate_seed(self.base_seed, replicate)

    def seed_plan(self) -> dict[str, int]:
        """{replicate: seed} for every replicate, as the manifest records it."""
        return {str(r): self.seed(r) for r in range(self.replications)}


def plan_runs(config: ExperimentConfig, design: Design | None = None) -> RunPlan:
    """The runs of a validated config (its design points computed unless given)."""
    return RunPlan(
        config.scenarios,
        design if design is not None else design_points(config),
        config.replications,
        config.seed,
    )


def check_design(config: ExperimentConfig, design: Design) -> None:
    """Resolve every scenario at every design point, so that a bad point fails before any run.

    Raises:
        ConfigError: naming the first design point that does not resolve.
    """
    if design.method is None:
        return
    for point in design.points:
        for scenario in config.scenarios:
            config.design_spec(scenario, point)


def spec_for(config: ExperimentConfig, design: Design) -> Callable[[str, int], ModelSpec]:
    """A cached function (scenario, design point) -> the resolved model of that run."""

    @functools.lru_cache(maxsize=1024)
    def resolve(scenario: str, point: int) -> ModelSpec:
        if design.method is None:
            return config.scenario_spec(scenario)
        return config.design_spec(scenario, design.points[point])

    return resolve
