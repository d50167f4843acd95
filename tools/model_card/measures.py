"""A claim measured over paired seeds: terms, measures, their intervals and verdicts.

A measure is a linear combination of one output over a few scenarios (usually treatment minus
control), computed per seed on common random numbers and reported as a mean with its 95% t
interval over the seeds. Its verdict: *negligible* when the mean is under `NEGLIGIBLE` in
absolute value, whatever the interval (MODEL_SPEC: one point of legitimacy is the minimum
meaningful effect); else *holds* when the interval lies on the side the claim predicts, *fails
(reversed)* when it lies on the other side, *no effect* when it covers zero. Every run goes
through the boundary function `experiments.runner.simulate`. The intervals are Monte Carlo
intervals of the simulation, not significance tests of the world (White et al. 2014).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from experiments.intervals import mean_interval
from experiments.runner import RunResult, simulate
from model.config import ModelSpec, resolve_model
from model.streams import replicate_seed
from tools.model_card.scenarios import Layer

BASE_SEED = 20261125
"""Base seed of the ensembles; replicate r runs with `replicate_seed(BASE_SEED, r)`."""
SEEDS = 30
OBSERVERS = 300
NEGLIGIBLE = 0.01
"""Differences under this, in absolute value, are negligible whatever their interval."""
RUN_LENGTHS = (102, 160, 200)
"""Runs last the shortest of these that reaches the measured step (so measures share runs)."""


@dataclass(frozen=True)
class Term:
    """One scenario's contribution to a measure: `coefficient` x its output.

    `layers` are `model` mappings merged over the defaults in order; `bloc` names a bloc whose
    mean replaces the model-level mean (the per-bloc table).
    """

    coefficient: float
    layers: tuple[Layer, ...]
    bloc: str | None = None


@dataclass(frozen=True)
class Measure:
    """A claim under one condition: sum of the terms' `column` at `step`, per seed."""

    claim: str
    condition: str
    description: str
    column: str
    step: int
    terms: tuple[Term, ...]
    expected: int
    observers: int = OBSERVERS

    def under(self, layer: Layer, condition: str | None = None) -> Measure:
        """The same measure with `layer` stacked over every term's layers."""
        terms = tuple(replace(t, layers=(*t.layers, layer)) for t in self.terms)
        return replace(self, terms=terms, condition=condition or self.condition)


def verdict(mean: float, low: float, high: float, expected: int) -> str:
    """The verdict of a mean difference with its interval, given the predicted sign."""
    if low == high == mean == 0.0:
        return "no effect (identical)"
    if abs(mean) < NEGLIGIBLE:
        return "negligible"
    signed = (low * expected, high * expected)
    if min(signed) > 0:
        return "holds"
    if max(signed) < 0:
        return "fails (reversed)"
    return "no effect"


@dataclass(frozen=True)
class Result:
    """A measure's mean over seeds with its 95% interval and its verdict."""

    measure: Measure
    mean: float
    low: float
    high: float
    seeds: int

    @property
    def verdict(self) -> str:
        """'negligible', 'holds', 'fails (reversed)' or 'no effect' (see `verdict`)."""
        return verdict(self.mean, self.low, self.high, self.measure.expected)


def difference(
    treatment: Layer, control: Layer, condition: Layer | None = None, bloc: str | None = None
) -> tuple[Term, Term]:
    """Terms of treatment minus control, both under `condition`."""
    extra = (condition,) if condition else ()
    return (
        Term(1.0, (treatment, *extra), bloc),
        Term(-1.0, (control, *extra), bloc),
    )


def difference_in_differences(
    treatment: Layer, control: Layer, high: Layer, low: Layer
) -> tuple[Term, ...]:
    """(treatment - control) under condition `high` minus the same under condition `low`."""
    return (
        Term(1.0, (treatment, high)),
        Term(-1.0, (control, high)),
        Term(-1.0, (treatment, low)),
        Term(1.0, (control, low)),
    )


def resolve(layers: Sequence[Layer], observers: int) -> ModelSpec:
    """The model of a term: the defaults, then `layers` in order, with `observers`.

    Raises:
        ValueError: when the layers do not resolve to a valid model (naming the problems).
    """
    stacked = [("claims", layer) for layer in layers]
    spec, problems = resolve_model([*stacked, ("claims", {"observers": observers})])
    if spec is None:
        raise ValueError("; ".join(problems))
    return spec


def run_length(step: int) -> int:
    """How long a run must be to reach `step` (one of `RUN_LENGTHS`, or `step`)."""
    return next((n for n in RUN_LENGTHS if n >= step), step)


@functools.lru_cache(maxsize=1024)
def _run(spec_json: str, seed: int, steps: int) -> RunResult:
    return simulate(ModelSpec.model_validate_json(spec_json), seed, steps)


def clear_cache() -> None:
    """Forget the cached runs."""
    _run.cache_clear()


def term_values(
    term: Term, observers: int, seeds: Sequence[int], step: int, column: str
) -> np.ndarray:
    """The output `column` at `step` of one term's scenario, one value per seed."""
    spec = resolve(term.layers, observers)
    out = []
    for seed in seeds:
        result = _run(spec.model_dump_json(), seed, run_length(step))
        if term.bloc is None:
            out.append(float(result.timeseries[column].iloc[step]))
        else:
            table = result.blocs
            row = table[(table["step"] == step) & (table["bloc"] == term.bloc)]
            out.append(float(row[column].iloc[0]))
    return np.array(out)


def seeds(n: int) -> list[int]:
    """The first `n` replicate seeds of `BASE_SEED` (common random numbers)."""
    return [replicate_seed(BASE_SEED, r) for r in range(n)]


def evaluate(measure: Measure, n_seeds: int = SEEDS, observers: int | None = None) -> Result:
    """Run the measure's scenarios on common seeds and summarize the per-seed combination."""
    n = measure.observers if observers is None else observers
    plan = seeds(n_seeds)
    total = np.zeros(n_seeds)
    for term in measure.terms:
        total += term.coefficient * term_values(term, n, plan, measure.step, measure.column)
    mean, low, high = mean_interval(total)
    return Result(measure, mean, low, high, n_seeds)
