"""The model as an EMA Workbench model: EMA's own tools drive it, and it equals `run.py batch`."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from batchkit import batch_in_process, small_config

from experiments.ema import OUTCOME_COLUMNS, SERIES_SUFFIX, ema_model, ema_name, parameter_path
from experiments.errors import UsageError
from experiments.store import open_results

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import ema_workbench as ema

SWEEP = {
    "method": "lhs",
    "samples": 3,
    "parameters": {
        "negotiator.deterrence": {"min": 0.2, "max": 0.9},
        "dynamics.network_degree": {"min": 3, "max": 9},
    },
}


def test_perform_experiments_samples_and_returns_every_outcome_column():
    config = small_config("ema", steps=15, observers=40)
    model = ema_model(
        config,
        scenario="adversary_walks",
        parameters={"dynamics.contrast": (0.5, 1.5), "dynamics.network_degree": (3, 9)},
    )
    experiments, outcomes = ema.perform_experiments(
        model,
        scenarios=4,
        evaluator=ema.SequentialEvaluator(model),
        uncertainty_sampling_kwargs={"rng": 7},
    )
    assert len(experiments) == 4
    assert {"dynamics__contrast", "dynamics__network_degree"} <= set(experiments.columns)
    assert experiments["dynamics__network_degree"].between(3, 9).all()
    for column in OUTCOME_COLUMNS:
        assert outcomes[column].shape == (4,)
        assert outcomes[column + SERIES_SUFFIX].shape == (4, 16)
        np.testing.assert_array_equal(outcomes[column], outcomes[column + SERIES_SUFFIX][:, -1])
    np.testing.assert_array_equal(outcomes["TIME"][0], np.arange(16))
    assert len(np.unique(outcomes["legitimacy_negotiator"])) == 4


def test_results_equal_those_of_batch_for_the_same_points_and_seeds(tmp_path):
    config = small_config("ema_batch", steps=12, observers=30, replications=2, sweep=SWEEP)
    batch_in_process(config, tmp_path, workers=1)
    results = open_results(tmp_path / "ema_batch")
    frame = results.timeseries(["legitimacy_negotiator", "blame_adversary"])
    model = ema_model(config, scenario="adversary_walks", replications=2)
    assert sorted(u.name for u in model.uncertainties) == sorted(
        ema_name(p) for p in SWEEP["parameters"]
    )
    design = results.design_points()
    samples = [
        ema.Sample(**{ema_name(p): point[p] for p in results.parameters})
        for point in design.to_dict("records")
    ]
    experiments, outcomes = ema.perform_experiments(model, scenarios=samples)
    assert outcomes["legitimacy_negotiator_series"].shape == (3, 2, 13)
    for path in results.parameters:
        np.testing.assert_array_equal(experiments[ema_name(path)], design[path])
    for i, (_, row) in enumerate(design.iterrows()):
        for replicate in (0, 1):
            run = frame[
                (frame["scenario"] == "adversary_walks")
                & (frame["design_point"] == row["design_point"])
                & (frame["replicate"] == replicate)
            ]
            for column in ("legitimacy_negotiator", "blame_adversary"):
                series = outcomes[column + SERIES_SUFFIX][i, replicate]
                np.testing.assert_array_equal(series, run[column].to_numpy())
        finals = outcomes["legitimacy_negotiator_series"][i, :, -1]
        assert outcomes["legitimacy_negotiator"][i] == pytest.approx(finals.mean())
    single = ema_model(config, scenario="adversary_walks")  # one replication: replicate 0
    _, alone = ema.perform_experiments(single, scenarios=samples[:1])
    np.testing.assert_array_equal(
        alone["legitimacy_negotiator_series"][0],
        outcomes["legitimacy_negotiator_series"][0, 0],
    )


def test_uncertainties_default_to_the_registry_and_skip_what_the_scenario_sets():
    config = small_config("ema_defaults", steps=5)
    model = ema_model(config, scenario="adversary_walks")
    names = {parameter_path(u.name) for u in model.uncertainties}
    assert "dynamics.strength_orientation_mean" in names and "negotiator.deterrence" in names
    assert "observers" not in names and all(n.isidentifier() for n in map(ema_name, names))
    kinds = {parameter_path(u.name): type(u).__name__ for u in model.uncertainties}
    assert kinds["dynamics.network_degree"] == "IntegerParameter"
    assert kinds["dynamics.contrast"] == "RealParameter"
    sets = small_config(
        "sets", scenarios={"a": {"dynamics": {"contrast": 0.5}, "negotiator": {"caution": 2.0}}}
    )
    names = {parameter_path(u.name) for u in ema_model(sets).uncertainties}
    assert "dynamics.contrast" not in names and "negotiator.caution" not in names
    chosen = ema_model(config, parameters=["dynamics.contrast"])
    assert [u.name for u in chosen.uncertainties] == ["dynamics__contrast"]
    assert (chosen.uncertainties[0].lower_bound, chosen.uncertainties[0].upper_bound) == (0.5, 1.5)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"parameters": {"dynamics.nothing": (0, 1)}}, "names no parameter"),
        ({"parameters": {"dynamics.contrast": (1.5, 0.5)}}, "expected low < high"),
        ({"parameters": ["adversary.at"]}, "has no registry range"),
        ({"scenario": "nowhere"}, "scenario: expected one of"),
        ({"replications": 0}, "replications: expected an integer >= 1"),
    ],
)
def test_bad_arguments_are_one_clear_error(kwargs, expected):
    with pytest.raises(UsageError, match=expected):
        ema_model(small_config("bad"), **kwargs)
    scenario_sets = small_config("sets", scenarios={"a": {"dynamics": {"contrast": 0.5}}})
    with pytest.raises(UsageError, match="scenario a sets it"):
        ema_model(scenario_sets, parameters={"dynamics.contrast": (0.5, 1.5)})
