"""The model as a Mesa model: construction, agents as views, outputs, reproducibility, streams."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from agents import MediaOutlet, Observer, State
from model import OUTPUT_COLUMNS, Action, ConfigError, DiplomacyModel, load_config
from model.model import BLOC_COLUMNS, MEDIA_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))


def test_default_model_builds_without_arguments_and_runs():
    model = DiplomacyModel()
    model.run_for(5)
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(OUTPUT_COLUMNS)
    assert list(frame["step"]) == [0, 1, 2, 3, 4, 5]
    assert frame["action_negotiator"].iloc[1:].eq("engage").all()
    assert isinstance(model.seed, int)


def test_observers_states_and_outlets_are_mesa_agents_viewing_model_arrays():
    model = DiplomacyModel(observers=50, rng=3)
    observers = model.agents_by_type[Observer]
    assert len(observers) == 50
    assert len(model.agents_by_type[State]) == 2
    assert len(model.agents_by_type[MediaOutlet]) == 4
    first = model.observers[7]
    assert first.legitimacy_negotiator == model.legitimacy[0, 7]
    model.step()
    assert first.legitimacy_adversary == model.legitimacy[1, 7]  # a live view, not a copy
    first.blame_adversary = 0.9
    assert model.blame[7] == 0.9
    assert first.bloc in model.bloc_names
    assert len(first.neighbours) >= 1 and all(isinstance(j, Observer) for j in first.neighbours)
    assert set(first.subscriptions) <= {o.name for o in model.outlets}
    negotiator, adversary = model.states
    assert (negotiator.role, adversary.role) == ("negotiator", "adversary")
    assert type(negotiator) is type(adversary)  # one class, one rule set
    assert negotiator.other is adversary
    assert 0 <= negotiator.belief_error <= 1


def test_bloc_and_media_tables():
    model = DiplomacyModel(observers=200, rng=1)
    model.run_for(3)
    blocs = model.datacollector.get_table_dataframe("blocs")
    media = model.datacollector.get_table_dataframe("media")
    assert list(blocs.columns) == list(BLOC_COLUMNS)
    assert list(media.columns) == list(MEDIA_COLUMNS)
    assert len(blocs) == 4 * len(model.bloc_names)
    # Bloc means weighted by bloc size give back the model mean.
    last = blocs[blocs.step == 3].set_index("bloc").loc[model.bloc_names]
    overall = np.average(last["legitimacy_negotiator"], weights=model.bloc_sizes)
    series = model.datacollector.get_model_vars_dataframe()
    assert overall == pytest.approx(series["legitimacy_negotiator"].iloc[-1])


def test_keyword_parameters_drive_the_model_as_mesa_tools_do():
    model = DiplomacyModel(
        observers=120,
        adversary_strategy="walk_away_at",
        adversary_at=3,
        negotiator_deterrence=0.2,
        event_rate=0.05,
        mechanism_backfire=True,
        negotiator_initial_legitimacy_mean=0.4,
        media="polarized",
        rng=5,
    )
    assert model.spec.adversary.strategy.name == "walk_away_at"
    assert model.spec.negotiator.deterrence == 0.2
    assert model.spec.dynamics.event_rate == 0.05
    assert model.spec.mechanisms.backfire is True
    assert model.spec.negotiator.initial_legitimacy.mean == 0.4
    model.run_for(4)
    actions = model.datacollector.get_model_vars_dataframe()["action_adversary"].tolist()
    assert actions[1:] == ["engage", "engage", "walk_away", "walk_away"]


def test_bad_keyword_parameter_is_a_config_error_naming_it():
    with pytest.raises(
        ConfigError, match=r"parameters\.negotiator\.deterrence: expected a value <= 1"
    ):
        DiplomacyModel(negotiator_deterrence=3)
    with pytest.raises(ConfigError, match="rng"):
        DiplomacyModel(rng=-1)


def test_mesa_batch_run_returns_output_columns():
    results = mesa.batch_run(
        DiplomacyModel,
        parameters={"observers": 60, "adversary_strategy": "walk_away_at", "adversary_at": [2, 4]},
        rng=[1, 2],
        max_steps=6,
        number_processes=1,
        data_collection_period=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert set(OUTPUT_COLUMNS) <= set(frame.columns)
    assert len(frame) == 2 * 2 * 7
    walked = frame[(frame.adversary_at == 2) & (frame.Step == 3)]
    assert (walked["action_adversary"] == "walk_away").all()


def test_keyword_parameters_take_numpy_numbers_but_not_text():
    grid = np.arange(40, 80, 20)  # numpy integers, as a parameter grid often holds them
    side = {"adversary_strategy": "walk_away_at", "adversary_at": np.int64(3)}
    models = [DiplomacyModel(observers=n, rng=1, **side) for n in grid]
    assert [m.spec.observers for m in models] == [40, 60]
    with pytest.raises(ConfigError, match=r"parameters\.observers: expected an integer"):
        DiplomacyModel(observers="60", rng=1)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_every_shipped_config_validates_and_runs(path):
    text = path.read_text()
    assert text.startswith("#"), "each config opens with a comment saying what it shows"
    config = load_config(path)
    for scenario in config.scenarios:
        model = DiplomacyModel.from_config(config, scenario, rng=1)
        model.run_for(3)
        assert model.datacollector.get_model_vars_dataframe()["step"].iloc[-1] == 3
    if config.sweep is not None:
        path_, values = next(iter(config.sweep.parameters.items()))
        point = {path_: values[0] if isinstance(values, list) else values.min}
        DiplomacyModel(config.design_spec(config.scenarios[0], point), rng=1).run_for(2)


def test_shipped_configs_name_roles_not_countries():
    countries = ["iran", "united states", "usa", "u.s.", "america", "china", "russia", "israel"]
    for path in CONFIGS:
        text = path.read_text().lower()
        assert not [c for c in countries if c in text], path.name


def test_same_seed_same_results_in_one_process():
    a = DiplomacyModel(observers=300, rng=11)
    b = DiplomacyModel(observers=300, rng=11)
    a.run_for(40)
    b.run_for(40)
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )
    c = DiplomacyModel(observers=300, rng=12)
    c.run_for(40)
    assert not np.array_equal(a.legitimacy, c.legitimacy)


def _run_cli(out: Path, seed: int) -> bytes:
    subprocess.run(
        [
            sys.executable,
            "run.py",
            "run",
            "configs/walkout.yaml",
            "--scenario",
            "adversary_walks",
            "--seed",
            str(seed),
            "--steps",
            "80",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return (out / "run.parquet").read_bytes()


def test_same_config_and_seed_give_bit_identical_parquet_in_two_processes(tmp_path):
    first = _run_cli(tmp_path / "a", 42)
    second = _run_cli(tmp_path / "b", 42)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert _run_cli(tmp_path / "c", 43) != first


def test_changing_one_sides_script_leaves_every_other_stream_unchanged():
    common = {"observers": 200, "adversary_strategy": "adaptive", "rng": 9}
    a = DiplomacyModel(
        negotiator_strategy="scripted", negotiator_timeline={0: "engage", 20: "walk_away"}, **common
    )
    b = DiplomacyModel(
        negotiator_strategy="scripted",
        negotiator_timeline={0: "engage", 10: "sanction", 30: "concede"},
        **common,
    )
    np.testing.assert_array_equal(a.legitimacy_initial, b.legitimacy_initial)
    a.run_for(50)
    b.run_for(50)
    assert not np.array_equal(a.legitimacy, b.legitimacy)  # the change mattered
    for name in (
        "initialization",
        "media",
        "peers",
        "signals",
        "choices_negotiator",
        "choices_adversary",
    ):
        assert a.streams[name].bit_generator.state == b.streams[name].bit_generator.state, name
    # The adversary draws the same choice numbers; its beliefs about N see the same signals.
    np.testing.assert_array_equal(a.red_line, b.red_line)
    np.testing.assert_array_equal(a.preparing, b.preparing)


def test_intervention_overrides_strategy_until_cleared():
    model = DiplomacyModel(observers=50, rng=2)
    model.run_for(2)
    model.set_intervention("adversary", Action.SANCTION)
    model.run_for(2)
    model.set_intervention("adversary", None)
    model.run_for(1)
    actions = model.datacollector.get_model_vars_dataframe()["action_adversary"].tolist()
    assert actions[1:] == ["engage", "engage", "sanction", "sanction", "engage"]


def test_talks_need_both_sides_at_the_table():
    model = DiplomacyModel(
        observers=50,
        rng=2,
        negotiator_strategy="scripted",
        negotiator_timeline={0: "concede", 2: "walk_away", 3: "add_conditions"},
    )
    model.run_for(4)
    talks = model.datacollector.get_model_vars_dataframe()["talks"].tolist()
    # Both hold engage from the spin-up; a concession keeps N at the table; a walkout does not.
    assert talks == [True, True, False, True, True]


def test_running_turns_false_at_the_horizon():
    config = load_config(ROOT / "configs" / "baseline.yaml")
    model = DiplomacyModel(config.scenario_spec(), rng=1, horizon=3)
    model.run_model()
    assert model.steps == 3 and model.running is False


def test_from_config_defaults_to_the_seed_batch_gives_replicate_zero():
    from model.streams import replicate_seed

    config = load_config(ROOT / "configs" / "walkout.yaml")
    model = DiplomacyModel.from_config(config, "adversary_walks")
    assert model.seed == replicate_seed(config.seed, 0)
    assert model.horizon == config.steps
