"""Batch designs: the sweep of a config turned into design points, and the plan of runs.

Grid, Latin hypercube and Sobol (Saltelli) designs, integer parameters, the empty design, and
the numbering of runs scenario x design point x replicate with common random numbers.
"""

from __future__ import annotations

import itertools

import numpy as np
from batchkit import small_config
from SALib.sample import sobol

from experiments.batch import plan_runs
from experiments.design import design_points, design_seed
from model.config import load_config
from model.streams import replicate_seed


def test_grid_is_every_combination_first_parameter_slowest():
    values = {"negotiator.deterrence": [0.2, 0.5, 0.85], "dynamics.contrast": [0.1, 0.6]}
    config = load_config(small_config(sweep={"method": "grid", "parameters": values}))
    design = design_points(config)
    assert len(design) == 3 * 2
    assert design.points == tuple(
        {"negotiator.deterrence": a, "dynamics.contrast": b}
        for a, b in itertools.product(*values.values())
    )


def _ranges(**bounds):
    return {path.replace("__", "."): {"min": lo, "max": hi} for path, (lo, hi) in bounds.items()}


def test_lhs_puts_exactly_one_point_in_every_stratum_of_every_parameter():
    samples = 17
    parameters = _ranges(negotiator__deterrence=(0.2, 0.9), dynamics__contrast=(0.1, 0.8))
    config = load_config(
        small_config(sweep={"method": "lhs", "samples": samples, "parameters": parameters})
    )
    design = design_points(config)
    assert len(design) == samples
    for path, bounds in parameters.items():
        values = np.array([p[path] for p in design.points])
        assert ((values >= bounds["min"]) & (values <= bounds["max"])).all()
        strata = np.floor((values - bounds["min"]) / (bounds["max"] - bounds["min"]) * samples)
        assert sorted(strata.astype(int)) == list(range(samples)), path


def test_random_designs_are_deterministic_for_a_seed_and_change_with_it():
    parameters = _ranges(negotiator__deterrence=(0.2, 0.9), dynamics__contrast=(0.1, 0.8))
    for method in ("lhs", "sobol"):
        sweep = {"method": method, "samples": 8, "parameters": parameters}
        first = design_points(load_config(small_config(sweep=sweep)))
        again = design_points(load_config(small_config(sweep=sweep)))
        other = design_points(load_config(small_config(sweep=sweep, seed=1)))
        assert first.points == again.points
        assert first.points != other.points


def test_sobol_is_saltelli_sampling_from_salib_with_n_times_d_plus_2_points():
    samples, seed = 8, 20261125
    parameters = _ranges(
        negotiator__deterrence=(0.2, 0.9),
        dynamics__contrast=(0.1, 0.8),
        adversary__hawkishness=(0.0, 1.0),
    )
    config = load_config(
        small_config(sweep={"method": "sobol", "samples": samples, "parameters": parameters})
    )
    design = design_points(config)
    dims = len(parameters)
    assert len(design) == samples * (dims + 2)
    problem = design.problem()
    assert problem["names"] == list(parameters)
    expected = sobol.sample(problem, samples, calc_second_order=False, seed=design_seed(seed))
    got = np.array([[p[name] for name in parameters] for p in design.points])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    for path, bounds in parameters.items():
        assert all(bounds["min"] <= p[path] <= bounds["max"] for p in design.points)
    # Saltelli's layout: A, then A with column k taken from B (k = 1..D), then B.
    for block in got.reshape(samples, dims + 2, dims):
        a, b = block[0], block[-1]
        for k in range(dims):
            changed = np.flatnonzero(block[k + 1] != a)
            assert set(changed) <= {k} and block[k + 1][k] == b[k]


def test_integer_parameters_are_rounded_inside_their_range():
    sweep = {
        "method": "lhs",
        "samples": 9,
        "parameters": {"observers": {"min": 20, "max": 60}, "elite_share": {"min": 0, "max": 1}},
    }
    design = design_points(load_config(small_config(sweep=sweep)))
    observers = [p["observers"] for p in design.points]
    assert all(isinstance(v, int) and 20 <= v <= 60 for v in observers)
    assert len(set(observers)) > 5  # still spread over the range
    assert all(isinstance(p["elite_share"], float) for p in design.points)


def test_without_a_sweep_there_is_one_empty_design_point():
    design = design_points(load_config(small_config()))
    assert design.points == ({},) and design.method is None and design.parameters == ()


def test_the_plan_is_every_scenario_design_point_and_replicate_numbered_scenario_first():
    values = {"negotiator.deterrence": [0.2, 0.5, 0.85], "dynamics.contrast": [0.1, 0.6]}
    config = load_config(small_config(sweep={"method": "grid", "parameters": values}))
    plan = plan_runs(config)
    assert len(plan) == 2 * 6 * 3  # scenarios x points x replicates
    keys = [plan.key(i) for i in range(len(plan))]
    assert keys == [
        (s, d, r) for s in ("both_engage", "adversary_walks") for d in range(6) for r in range(3)
    ]
    scenarios, points, replicates = zip(*keys, strict=True)
    assert list(plan.index_of(scenarios, points, replicates)) == list(range(len(plan)))
    assert list(plan.index_of(["nowhere", "both_engage"], [0, 6], [0, 0])) == [-1, -1]


def test_a_replicate_has_one_seed_derived_from_the_base_seed():
    plan = plan_runs(load_config(small_config(replications=4, seed=11)))
    assert plan.seed_plan() == {str(r): replicate_seed(11, r) for r in range(4)}
    assert len(set(plan.seed_plan().values())) == 4
