"""Marks for scenario discovery: where in a swept batch a claim fails, or a metric crosses.

Each design point of a sweep is marked when the essay's claim fails there, or when a metric
crosses a threshold (`Target`); PRIM (Friedman & Fisher 1999) or CART, as EMA Workbench
implements them (Kwakkel 2017), then find the boxes of parameter ranges that hold most of the
marked points, and extra-trees feature scores rank every swept parameter
(`experiments.discover_boxes`). A claim fails at a design point when the mean over its
replicates of the claim's paired difference (treatment minus control on the same seed, common
random numbers) does not reach `MINIMUM_EFFECT` on the side the essay predicts: reversed,
absent or negligible (Bryant & Lempert 2010 call such points the cases of interest); for a
claim that fails almost everywhere, the points where it holds can be marked instead. Each box
comes with its representative runs (the design points inside it, each replicate with its seed)
and a config that replays one of them exactly (`experiments.discover_replay`), gathered in a
`experiments.discovery.Discovery`. ``run.py discover`` writes the tables, figures and configs
(`discover`, `experiments.discover_output`); ``run.py report`` and the model card show the
boxes of the claims (`experiments.discover_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.claims import CLAIMS, Claim
from experiments.errors import UsageError
from experiments.store import Results

MINIMUM_EFFECT = 0.01
"""A claim holds at a design point only with a mean paired difference at least this large on
the predicted side (MODEL_SPEC: one point of legitimacy is the minimum meaningful effect)."""


@dataclass(frozen=True)
class Target:
    """What marks a design point: a metric (or a paired difference) past a threshold.

    The value of a design point is the mean over its replicates of `metric` at `step` in
    `scenario`, minus its value in `baseline` on the same seed when there is a baseline. The
    point is marked when the value is below `below` (or above `above`).

    Attributes:
        metric: the output column.
        scenario: the scenario read (a claim's treatment).
        baseline: the scenario subtracted (a claim's control), or None.
        step: the step read.
        below: mark values under this, or None.
        above: mark values over this, or None.
        claim: the claim whose failure (or success) this is, or None.
        holds: whether the marked points are those where the claim holds, not fails.
    """

    metric: str
    scenario: str
    baseline: str | None
    step: int
    below: float | None = None
    above: float | None = None
    claim: Claim | None = None
    holds: bool = False

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios the value reads."""
        return (self.scenario,) if self.baseline is None else (self.scenario, self.baseline)

    def marks(self, values: np.ndarray) -> np.ndarray:
        """Which values are marked."""
        values = np.asarray(values, dtype=float)
        return values < self.below if self.below is not None else values > self.above

    def quantity(self) -> str:
        """The value in words: ``legitimacy_negotiator at step 102: a - b``."""
        where = self.scenario if self.baseline is None else f"{self.scenario} - {self.baseline}"
        return f"{self.metric} at step {self.step}: {where}"

    def describe(self) -> str:
        """What a marked point is, in one line."""
        side = f"below {self.below:+g}" if self.below is not None else f"above {self.above:+g}"
        if self.claim is None:
            return f"{self.quantity()} {side}"
        verb = "holds" if self.holds else "fails"
        return (
            f"claim {self.claim.name} {verb} ({self.claim.text}): {self.quantity()} {side} "
            f"(the essay predicts {'+' if self.claim.sign > 0 else '-'}; at least "
            f"{MINIMUM_EFFECT:g} counts)"
        )


def claim_names() -> list[str]:
    """The names of the essay's claims (`experiments.claims.CLAIMS`)."""
    return [c.name for c in CLAIMS]


def _numeric_metrics() -> tuple[str, ...]:
    from experiments import analysis

    return analysis.NUMERIC_METRICS


def require_sweep(results: Results) -> pd.DataFrame:
    """The design points of a swept batch with finished runs.

    Raises:
        UsageError: a batch without a sweep, without finished runs, or with one design point.
    """
    if results.method is None or not results.parameters:
        raise UsageError(
            f"{results.path}: the batch has no sweep (one design point); discover needs the "
            "results of a config with a sweep: section"
        )
    if results.runs_done == 0:
        raise UsageError(f"{results.path}: the results folder has no finished run yet")
    points = results.design_points()
    if len(points) < 2:
        raise UsageError(f"{results.path}: the sweep has one design point; discover needs more")
    return points


def _last_step(results: Results) -> int:
    return int(results.manifest.steps or results.timeseries([]).step.max())


def _check_step(results: Results, at: int | None, default: int | None) -> int:
    last = _last_step(results)
    step = default if at is None else at
    step = last if step is None else step
    if not 0 <= step <= last:
        raise UsageError(f"--at: expected a step from 0 to {last}, found {step}")
    return int(step)


def claim_target(
    results: Results,
    name: str,
    at: int | None = None,
    margin: float = MINIMUM_EFFECT,
    holds: bool = False,
) -> Target:
    """The target of a claim: the design points where it fails (or, with `holds`, holds).

    Raises:
        UsageError: a batch without a sweep, an unknown claim, a claim whose scenarios the
            batch lacks, or a bad step.
    """
    require_sweep(results)
    by_name = {c.name: c for c in CLAIMS}
    if name not in by_name:
        raise UsageError(f"--claim: expected one of {', '.join(by_name)}, found {name!r}")
    claim = by_name[name]
    if not claim.applies_to(results.scenarios):
        raise UsageError(
            f"--claim {name}: compares scenarios {claim.treatment} and {claim.control}; "
            f"{results.path} has {', '.join(results.scenarios)}"
        )
    step = _check_step(results, at, claim.step)
    fails = {"below": margin} if claim.sign > 0 else {"above": -margin}
    succeeds = {"above": margin} if claim.sign > 0 else {"below": -margin}
    threshold = succeeds if holds else fails
    return Target(
        claim.metric, claim.treatment, claim.control, step, claim=claim, holds=holds, **threshold
    )


def metric_target(
    results: Results,
    metric: str,
    below: float | None = None,
    above: float | None = None,
    scenario: str | None = None,
    baseline: str | None = None,
    at: int | None = None,
) -> Target:
    """The target of a metric past a threshold, in a scenario or paired against a baseline.

    Raises:
        UsageError: a batch without a sweep, an unknown metric or scenario, no threshold or
            two, or a bad step.
    """
    require_sweep(results)
    metrics = _numeric_metrics()
    if metric not in metrics:
        raise UsageError(f"--metric: expected one of {', '.join(metrics)}, found {metric!r}")
    if (below is None) == (above is None):
        raise UsageError("--metric: expected one threshold, --below X or --above X")
    scenarios = results.scenarios
    for option, name in (("--scenario", scenario), ("--baseline", baseline)):
        if name is not None and name not in scenarios:
            raise UsageError(f"{option}: expected one of {', '.join(scenarios)}, found {name!r}")
    scenario = scenario or scenarios[0]
    if baseline == scenario:
        raise UsageError(f"--baseline: expected a scenario other than {scenario}, found it")
    step = _check_step(results, at, None)
    return Target(metric, scenario, baseline, step, below, above)


@dataclass
class Marked:
    """The design points with their values and marks, and every run's own value.

    Attributes:
        target: what was marked.
        parameters: the swept parameters (dotted paths).
        points: one row per design point: design_point, the parameters, replicates, value (the
            mean over replicates), low and high (the smallest and largest replicate's value),
            marked.
        runs: one row per design point and replicate: design_point, replicate, seed, value.
    """

    target: Target
    parameters: list[str]
    points: pd.DataFrame
    runs: pd.DataFrame = field(repr=False)

    @property
    def count(self) -> int:
        """How many design points are marked."""
        return int(self.points["marked"].sum())


def mark_points(results: Results, target: Target, require: bool = True) -> Marked:
    """Mark every design point of a swept batch by `target` (reads one step of one column).

    Raises:
        UsageError: a batch without a sweep, or (with `require`) a target that marks no design
            point (a clear message naming the values' range, not an empty box).
    """
    design = require_sweep(results)
    frame = results.timeseries(
        columns=[target.metric],
        filters=[("step", "==", target.step), ("scenario", "in", list(target.scenarios))],
    )
    wide = frame.pivot_table(
        index=["design_point", "replicate"],
        columns="scenario",
        values=target.metric,
        aggfunc="first",
        observed=True,
    )
    if target.scenario not in wide:
        raise UsageError(f"{results.path}: no finished run of scenario {target.scenario}")
    value = wide[target.scenario]
    if target.baseline is not None:
        if target.baseline not in wide:
            raise UsageError(f"{results.path}: no finished run of scenario {target.baseline}")
        value = value - wide[target.baseline]
    runs = value.dropna().rename("value").reset_index()
    seeds = frame.drop_duplicates(["design_point", "replicate"]).set_index(
        ["design_point", "replicate"]
    )["seed"]
    keys = pd.MultiIndex.from_frame(runs[["design_point", "replicate"]])
    runs.insert(2, "seed", seeds.reindex(keys).to_numpy(dtype="int64"))
    summary = runs.groupby("design_point")["value"].agg(
        replicates="count", value="mean", low="min", high="max"
    )
    points = design.merge(summary.reset_index(), on="design_point", how="inner")
    points["marked"] = target.marks(points["value"].to_numpy())
    marked = Marked(target, list(results.parameters), points, runs)
    if require and marked.count == 0:
        raise UsageError(_nothing_marked(results, target, points))
    return marked


def _nothing_marked(results: Results, target: Target, points: pd.DataFrame) -> str:
    low, high = points["value"].min(), points["value"].max()
    where = f"{len(points)} design points of {results.path}"
    spread = f"their values range from {low:+.4g} to {high:+.4g}"
    if target.claim is not None:
        verb = "fails" if target.holds else "holds"
        return (
            f"--claim {target.claim.name}: the claim {verb} at every one of the {where} "
            f"({target.quantity()}; {spread}): no design point to discover"
        )
    side = f"--below {target.below:g}" if target.below is not None else f"--above {target.above:g}"
    return f"{side}: no design point crosses it ({target.quantity()} at the {where}; {spread})"
