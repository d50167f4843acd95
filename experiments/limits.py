"""Limits on what a valid config may ask of the machine, checked before anything runs.

A config can be valid and still plan more than a machine can hold: millions of runs, or
observers and snapshots that no memory fits. `validate`, `run` and `batch` estimate, from the
config alone, how many runs it plans and how much memory one run takes, and refuse past the
limits below unless given `--force`. The memory estimate is a linear model of a run's peak
resident memory whose coefficients were measured with `benchmarks/bench_memory.py` (see
BENCHMARKS.md, "Hostile configs"); it errs on the high side.

The limits of the config file itself (its size, how many values its aliases expand to, how
deep it nests, how many scenarios and grid values it has, how much validating it resolves)
are in `model.config` (`loading` and `experiment`): those are refused whatever the options.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from experiments.design import design_size
from model.config import ConfigError, ExperimentConfig, RangeSpec

MAX_PLANNED_RUNS = 1_000_000
"""Most runs (scenarios x design points x replications) that a config may plan."""

MAX_RUN_MEMORY = 2 * 2**30
"""Most estimated peak memory of one run, in bytes (2 GiB): `run`, and each batch worker."""

BATCH_MEMORY_SHARE = 0.8
"""Most of this machine's memory that the runs of a local batch may hold at once (one run per
worker), as a share; see `batch_memory_limit`."""

FALLBACK_MACHINE_MEMORY = 8 * 2**30
"""The machine's memory assumed where the operating system does not tell it (bytes)."""

BASE_MEMORY = 170 * 2**20
"""Bytes of a process that has imported the model and its libraries and made a small run
(measured: 167 MiB at 1,000 observers x 200 steps)."""

BYTES_PER_OBSERVER = 720
"""Bytes per observer of a run: its arrays, its network and its Mesa agent (measured: 680 to
710 from 100,000 to 1,000,000 observers)."""

BYTES_PER_STEP = 6_000
"""Bytes per step of a run: the collected time series, bloc and media rows (measured: 4,800
to 6,700 with the default four blocs and four outlets)."""

BYTES_PER_SNAPSHOT_ROW = 250
"""Bytes per observer and snapshot when `outputs.agents_every` > 0 (measured: 110 for the
snapshot tables of a run; a batch worker holds them a second time as an Arrow table)."""

FORCE_HINT = "use --force to go past it"


@dataclass(frozen=True)
class Estimate:
    """What a config asks of the machine: its planned runs and the memory of its largest run.

    Attributes:
        scenarios: scenarios in the config.
        design_points: design points of its sweep (1 without a sweep).
        replications: replicates per scenario and design point.
        observers: the most observers of any run.
        observers_key: the key that sets them (e.g. ``model.observers``).
        steps: steps per run.
        agents_every: steps between observer snapshots (0: none).
    """

    scenarios: int
    design_points: int
    replications: int
    observers: int
    observers_key: str
    steps: int
    agents_every: int

    @property
    def runs(self) -> int:
        """Planned runs: scenarios x design points x replications."""
        return self.scenarios * self.design_points * self.replications

    @property
    def run_memory(self) -> int:
        """Estimated peak memory of the largest run, in bytes."""
        return run_memory(self.observers, self.steps, self.agents_every)


def snapshots(steps: int, agents_every: int) -> int:
    """Observer snapshots of a run: step 0, every `agents_every`-th step and the last step."""
    if agents_every <= 0:
        return 0
    return 1 + steps // agents_every + (1 if steps % agents_every else 0)


def run_memory(observers: int, steps: int, agents_every: int = 0) -> int:
    """Estimated peak resident memory of one run in a fresh process, in bytes."""
    return (
        BASE_MEMORY
        + observers * BYTES_PER_OBSERVER
        + steps * BYTES_PER_STEP
        + snapshots(steps, agents_every) * observers * BYTES_PER_SNAPSHOT_ROW
    )


def estimate(
    config: ExperimentConfig, scenario: str | None = None, steps: int | None = None
) -> Estimate:
    """The planned runs and the largest run of a validated config, counted without making them.

    With `scenario` and `steps` (a single run, `run.py run`): the largest run is that scenario's
    for that many steps, without observer snapshots.
    """
    observers, key = largest_observers(config, scenario)
    return Estimate(
        scenarios=len(config.scenarios),
        design_points=design_size(config.sweep),
        replications=config.replications,
        observers=observers,
        observers_key=key,
        steps=config.steps if steps is None else steps,
        agents_every=config.outputs.agents_every if scenario is None else 0,
    )


def largest_observers(config: ExperimentConfig, scenario: str | None = None) -> tuple[int, str]:
    """The most observers of any run of `config` (or of `scenario`), and the key that sets them."""
    best, key = 0, "model.observers"
    for name in config.scenarios if scenario is None else (scenario,):
        observers = config.scenario_spec(name).observers
        if observers > best:
            best = observers
            layer = config.spec.scenarios[name] or {}
            key = f"scenarios.{name}.observers" if "observers" in layer else "model.observers"
    sweep = config.sweep if scenario is None else None
    swept = sweep.parameters.get("observers") if sweep is not None else None
    if isinstance(swept, RangeSpec):
        swept = [math.floor(swept.max)]
    if swept and max(swept) > best:
        best, key = int(max(swept)), "sweep.parameters.observers"
    return best, key


def check(
    config: ExperimentConfig,
    *,
    workers: int | None = None,
    force: bool = False,
    scenario: str | None = None,
    steps: int | None = None,
) -> Estimate:
    """Refuse a config that plans too much, unless `force`; return the estimate.

    Args:
        config: the validated experiment.
        workers: local batch workers that each hold one run at once; None checks one run.
        force: skip the refusal (the estimate is still returned).
        scenario: check the single run of this scenario (`run.py run`) instead of the batch
            plan: its memory only, not the planned run count.
        steps: the single run's steps (default: the config's).

    Raises:
        ConfigError: one line per limit passed, naming the keys, the estimate and the limit.
    """
    found = estimate(config, scenario, steps)
    runs = scenario is None
    problems = [] if force else limit_problems(found, runs=runs, workers=workers)
    if problems:
        raise ConfigError(problems, config.source)
    return found


def machine_memory() -> int:
    """This machine's physical memory in bytes (`FALLBACK_MACHINE_MEMORY` if unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_MACHINE_MEMORY


def batch_memory_limit() -> int:
    """Most estimated memory that a local batch's workers may hold at once, in bytes."""
    return int(BATCH_MEMORY_SHARE * machine_memory())


def limit_problems(found: Estimate, *, runs: bool, workers: int | None) -> list[str]:
    """One line per limit that `found` passes (empty when it keeps to them all)."""
    problems = []
    if runs and found.runs > MAX_PLANNED_RUNS:
        problems.append(_runs_problem(found))
    memory = found.run_memory
    if memory > MAX_RUN_MEMORY:
        problems.append(
            f"{_memory_keys(found)}: one run needs about {_size(memory)} "
            f"({_memory_terms(found)}), above the limit of {_size(MAX_RUN_MEMORY)} per run; "
            f"{FORCE_HINT}"
        )
    elif workers is not None and min(workers, found.runs) > 1:
        busy = min(workers, found.runs)  # a worker holds one run at a time
        limit = batch_memory_limit()
        if memory * busy > limit:
            problems.append(
                f"{_memory_keys(found)}: {busy} workers at once need about "
                f"{_size(memory * busy)} ({_size(memory)} per run: {_memory_terms(found)}), "
                f"above the limit of {_size(limit)} ({BATCH_MEMORY_SHARE:.0%} of this "
                f"machine's memory); use fewer --workers or {FORCE_HINT}"
            )
    return problems


def _runs_problem(found: Estimate) -> str:
    keys = ["scenarios"]
    if found.design_points > 1:
        keys.append("sweep")
    if found.replications > 1:
        keys.append("replications")
    terms = (
        f"{found.scenarios:,} scenario{'s' * (found.scenarios != 1)} x "
        f"{found.design_points:,} design point{'s' * (found.design_points != 1)} x "
        f"{found.replications:,} replication{'s' * (found.replications != 1)}"
    )
    return (
        f"{', '.join(keys)}: the config plans {_count(found.runs)} runs ({terms}), above the "
        f"limit of {MAX_PLANNED_RUNS:,}; {FORCE_HINT}"
    )


def _memory_keys(found: Estimate) -> str:
    keys = [found.observers_key, "steps"]
    if found.agents_every > 0:
        keys.append("outputs.agents_every")
    return ", ".join(keys)


def _memory_terms(found: Estimate) -> str:
    terms = f"{found.observers:,} observers x {found.steps:,} steps"
    if found.agents_every > 0:
        count = snapshots(found.steps, found.agents_every)
        terms += f", {count:,} observer snapshots"
    return terms


def _count(value: int) -> str:
    return f"{value:,}" if value < 10**15 else f"{value:.2e}"


def _size(nbytes: int) -> str:
    if nbytes >= 2**40:
        return f"{nbytes / 2**40:,.1f} TiB"
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.1f} GiB"
    return f"{nbytes / 2**20:.0f} MiB"
