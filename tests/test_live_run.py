"""The model's boundary, `LiveRun`: what it reads back is what the model holds.

Each test steps a `LiveRun` and a `DiplomacyModel` of the same spec and seed side by side and
compares what the run reports with the model's own arrays and tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.actions import Action
from model import ConfigError, DiplomacyModel, load_config
from model.config import resolve_model
from model.live import LiveRun, model_tables
from model.streams import replicate_seed

SEED = 31


@pytest.fixture(scope="module")
def spec():
    found, problems = resolve_model([("test", {"observers": 400})])
    assert found is not None, problems
    return found


def side_by_side(spec, steps: int, walk_from: int | None = None):
    """A run and a model of `spec`, stepped `steps` times (the adversary forced to walk away)."""
    run, model = LiveRun(spec, SEED, 50), DiplomacyModel(spec, rng=SEED, horizon=50)
    for step in range(steps):
        if step == walk_from:
            run.intervene("adversary", Action.WALK_AWAY)
            model.set_intervention("adversary", Action.WALK_AWAY)
        run.step()
        model.step()
    return run, model


def test_the_run_s_tables_are_the_model_s(spec):
    run, model = side_by_side(spec, 7, walk_from=3)
    ours, theirs = run.tables(), model_tables(model)
    for name in ("timeseries", "blocs", "media"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_exact=True)


def test_stepping_many_at_once_equals_stepping_one_by_one(spec):
    many, _ = side_by_side(spec, 0)
    many.step(9)
    single, _ = side_by_side(spec, 9)
    pd.testing.assert_frame_equal(
        many.tables().timeseries, single.tables().timeseries, check_exact=True
    )


def test_a_run_never_steps_past_its_horizon(spec):
    run = LiveRun(spec, SEED, 5)
    assert run.step(8) == 5 and run.finished and run.step() == 0
    assert run.step_count == 5 and len(run.tables().timeseries) == 6


def test_events_mark_the_steps_an_intervention_forced(spec):
    run, _ = side_by_side(spec, 6, walk_from=3)
    events = run.events()
    adversary = events[events["side"] == "adversary"]
    assert list(adversary["step"]) == [1, 2, 3, 4, 5, 6]
    assert list(adversary["intervention"]) == [False] * 3 + [True] * 3
    assert list(adversary["action"].iloc[3:]) == ["walk_away"] * 3
    assert run.intervention("adversary") is Action.WALK_AWAY
    assert run.intervention("negotiator") is None


def test_red_line_estimates_are_the_model_s_week_by_week(spec):
    run = LiveRun(spec, SEED, 50)
    model = DiplomacyModel(spec, rng=SEED, horizon=50)
    expected = [(model.redline_mean.copy(), model.redline_variance.copy())]
    for _ in range(5):
        run.step()
        model.step()
        expected.append((model.redline_mean.copy(), model.redline_variance.copy()))
    for role, side in (("negotiator", 0), ("adversary", 1)):
        estimates = run.redline_estimates(role)
        assert list(estimates["step"]) == list(range(6))
        assert list(estimates["estimate"]) == [mean[side] for mean, _ in expected]
        assert list(estimates["sd"] ** 2) == pytest.approx([v[side] for _, v in expected])
    assert run.true_red_line("adversary") == model.red_line[1]


def test_the_observer_frame_and_the_gap_are_the_model_s_arrays(spec):
    run, model = side_by_side(spec, 4)
    frame = run.observer_frame()
    assert len(frame) == spec.observers and set(frame["step"]) == {4}
    np.testing.assert_array_equal(frame["legitimacy_adversary"], model.legitimacy[1])
    np.testing.assert_array_equal(frame["bloc"], np.array(model.bloc_names)[model.observer_bloc])
    np.testing.assert_array_equal(run.legitimacy_gap(), model.legitimacy[0] - model.legitimacy[1])


def test_act_evidence_is_what_observers_read_of_the_side_s_act(spec):
    run, model = side_by_side(spec, 4, walk_from=3)
    np.testing.assert_array_equal(run.act_evidence("adversary"), model.evidence_now.act[1])
    assert (run.act_evidence("adversary") != 0).any()


def test_the_network_sample_is_connected_around_observer_zero(spec):
    run, model = side_by_side(spec, 0)
    sample = run.network_sample(50)
    chosen = set(sample.observers.tolist())
    assert len(chosen) == 50 and 0 in chosen
    indptr, indices = model.network_indptr, model.network_indices
    inside = {
        (int(v), int(j))
        for v in chosen
        for j in indices[indptr[v] : indptr[v + 1]]
        if int(j) in chosen and v < j
    }
    links = {(int(sample.observers[a]), int(sample.observers[b])) for a, b in sample.links}
    assert links == inside
    reached, frontier = {0}, [0]
    while frontier:
        v = frontier.pop()
        for a, b in links:
            for here, there in ((a, b), (b, a)):
                if here == v and there not in reached:
                    reached.add(there)
                    frontier.append(there)
    assert reached == chosen
    np.testing.assert_array_equal(sample.elite, model.is_elite[sample.observers])


def test_a_small_network_is_sampled_whole(spec):
    run = LiveRun(spec, SEED, 5)
    assert list(run.network_sample(1000).observers) == list(range(spec.observers))


def test_a_run_of_a_config_uses_replicate_zero_s_seed_and_the_config_s_length():
    config = load_config("configs/walkout.yaml")
    run = LiveRun.from_config(config, "adversary_walks")
    assert run.seed == replicate_seed(config.seed, 0) and run.horizon == config.steps
    assert run.spec == config.scenario_spec("adversary_walks")


def test_overrides_that_do_not_validate_are_named_by_their_layer():
    config = load_config("configs/walkout.yaml")
    with pytest.raises(ConfigError, match=r"dashboard\.observers: expected a value >= 2"):
        LiveRun.from_config(config, overrides={"observers": 1}, layer="dashboard")
