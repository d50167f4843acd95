"""The dashboard's controller without a browser: the session, its set-up form and its export.

The session runs the config's scenario with replicate 0's seed; interventions force an action
from the next step; set-up changes stay pending until reset; bad input names the field and
keeps the last good run; "Save as scenario" writes a config that validates and replays
bit-identically through the batch's boundary function and through `run.py run`.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from dashboardkit import BASELINE, small_config

import run
from agents.actions import Action
from dashboards import app, export
from dashboards.catalog import CONFIG_ENV
from dashboards.session import INTERVENTIONS, DashboardSession, SessionError
from experiments.runner import simulate
from model import DiplomacyModel, load_config
from model.live import model_tables
from model.streams import replicate_seed


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path))


def actions_of(session: DashboardSession, role: str) -> list[tuple[int, str, bool]]:
    """(step, action, forced) of side `role` in every step taken."""
    events = session.run.events()
    mine = events[events["side"] == role]
    return list(mine[["step", "action", "intervention"]].itertuples(index=False, name=None))


# -------------------------------------------------------------------------------------------
# Running and intervening
# -------------------------------------------------------------------------------------------


def test_session_runs_the_config_scenario_with_replicate_zero_seed(session):
    config = session.config
    assert session.run.seed == replicate_seed(config.seed, 0)
    assert session.horizon == config.steps
    session.step(12)
    reference = DiplomacyModel.from_config(config, "both_engage")
    reference.run_for(12)
    pd.testing.assert_frame_equal(
        session.run.tables().timeseries, model_tables(reference).timeseries, check_exact=True
    )


def test_an_intervention_takes_effect_from_the_next_step(session):
    session.step(2)
    session.intervene("adversary", Action.WALK_AWAY)
    assert session.intervention("adversary") is Action.WALK_AWAY
    assert actions_of(session, "adversary")[-1] == (2, "engage", False)


def test_an_intervention_forces_the_action_until_released(session):
    session.step(2)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(3)
    session.intervene("adversary", None)
    session.step(2)
    adversary = actions_of(session, "adversary")
    assert adversary == [
        (1, "engage", False),
        (2, "engage", False),
        (3, "walk_away", True),
        (4, "walk_away", True),
        (5, "walk_away", True),
        (6, "engage", False),
        (7, "engage", False),
    ]
    assert all(a == "engage" and not f for _, a, f in actions_of(session, "negotiator"))
    ts = session.run.tables().timeseries
    assert list(ts["action_adversary"].iloc[1:]) == [a for _, a, _ in adversary]


def test_each_side_offers_only_its_intervention_buttons(session):
    assert INTERVENTIONS["negotiator"] == (
        Action.ENGAGE,
        Action.CONCEDE,
        Action.ADD_CONDITIONS,
        Action.WALK_AWAY,
    )
    assert set(INTERVENTIONS["adversary"]) == {
        Action.ENGAGE,
        Action.ADD_CONDITIONS,
        Action.WALK_AWAY,
        Action.SANCTION,
        Action.ESCALATE_RHETORIC,
    }
    with pytest.raises(SessionError, match="negotiator: expected one of engage, concede"):
        session.intervene("negotiator", Action.SANCTION)
    assert session.intervention("negotiator") is None


def test_a_play_loop_started_before_a_reset_does_not_step_the_new_run(session):
    started = session.run
    assert session.step(run=started) == 1
    session.form.set_seed("3")
    assert session.reset()
    assert session.step(run=started) == 0
    assert session.step_count == 0
    assert session.step(run=session.run) == 1


def test_a_run_stops_at_its_horizon(session):
    assert session.step(100) == 40
    assert session.finished and session.step() == 0
    assert session.step_count == 40


def test_two_sessions_on_one_config_are_independent(tmp_path):
    path = small_config(tmp_path)
    first, second = DashboardSession.open(path), DashboardSession.open(path)
    first.intervene("adversary", Action.WALK_AWAY)
    first.step(6)
    first.form.set_seed("99")
    assert second.step_count == 0 and second.run.events().empty
    assert second.intervention("adversary") is None and second.form.pending_changes() == []
    second.step(6)
    legitimacy = [s.run.tables().timeseries["legitimacy_adversary"] for s in (first, second)]
    assert legitimacy[0].iloc[-1] != legitimacy[1].iloc[-1]


# -------------------------------------------------------------------------------------------
# The set-up form
# -------------------------------------------------------------------------------------------


def test_parameter_changes_are_pending_until_reset(session):
    run_before = session.run
    session.step(3)
    form = session.form
    assert form.set_seed("7")
    assert form.set_observers("200")
    assert form.set_media("polarized")
    assert form.set_deterrence(0.9)
    assert form.set_strategy("adversary", "walk_away_at")
    assert form.set_option("adversary", "at", "5")
    assert session.run is run_before and session.step_count == 3
    assert form.pending_changes() == [
        "adversary strategy: always_engage → walk_away_at (at 5)",
        "negotiator deterrence: 0.6 → 0.9",
        "media ecology: mixed → polarized",
        "observers: 150 → 200",
        "seed: 11 → 7",
    ]


def test_a_reset_applies_the_pending_changes(session):
    form = session.form
    for ok in (
        form.set_seed("7"),
        form.set_observers("200"),
        form.set_media("polarized"),
        form.set_deterrence(0.9),
        form.set_strategy("adversary", "walk_away_at"),
        form.set_option("adversary", "at", "5"),
    ):
        assert ok
    assert session.reset()
    assert session.step_count == 0 and session.form.pending_changes() == []
    spec = session.run.spec
    assert spec.observers == 200 and spec.negotiator.deterrence == 0.9
    assert spec.adversary.strategy.name == "walk_away_at" and spec.adversary.strategy.at == 5
    assert spec.media[0].name == "Partisan outlet for N"
    assert session.run.seed == replicate_seed(7, 0)
    session.step(6)
    assert [a for _, a, _ in actions_of(session, "adversary")][-2:] == ["walk_away"] * 2


def test_choosing_a_scenario_takes_its_settings(session):
    form = session.form
    assert form.set_scenario("adaptive_adversary")
    assert form.pending.adversary_strategy == "adaptive"
    assert form.pending.adversary_options == {"rationality": 3.0}
    assert form.pending.negotiator_strategy == "tit_for_tat"
    assert form.pending_changes()[0] == "scenario: both_engage → adaptive_adversary"
    assert not form.set_scenario("nope")
    assert form.errors["scenario"].startswith("scenario: expected one of both_engage")


@pytest.mark.parametrize(
    ("setter", "args", "field", "message"),
    [
        ("set_seed", ("abc",), "seed", "seed: expected an integer from 0 to 9223372036854775807"),
        ("set_seed", ("-1",), "seed", "found -1"),
        ("set_seed", (str(2**63),), "seed", f"found {2**63}"),
        ("set_seed", ("1.5",), "seed", "found '1.5'"),
        ("set_observers", ("5",), "observers", "observers: expected an integer from 10 to 100000"),
        ("set_observers", ("many",), "observers", "found 'many'"),
        ("set_deterrence", (1.5,), "negotiator.deterrence", "expected a number from 0 to 1"),
        ("set_media", ("loud",), "media", "media: expected one of mixed, neutral, polarized"),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_last_good_run(
    session, setter, args, field, message
):
    session.step(4)
    run_before, pending = session.run, session.form.pending
    assert getattr(session.form, setter)(*args) is False
    assert message in session.form.errors[field]
    assert session.form.pending == pending
    assert not session.reset()
    assert session.current_problems()[0] == "not reset: fix the fields first"
    assert message in session.current_problems()[1]
    assert session.run is run_before and session.step_count == 4
    assert session.step() == 1


def test_a_bad_strategy_option_keeps_its_text_and_the_last_good_value(session):
    form = session.form
    form.set_strategy("adversary", "walk_away_at")
    assert form.draft("adversary.at") == "50"
    assert not form.set_option("adversary", "at", "-3")
    assert form.errors["adversary.at"] == "adversary.at: expected a value >= 0, found -3"
    assert form.draft("adversary.at") == "-3"
    assert form.pending.adversary_options == {"at": 50}
    assert not form.set_option("adversary", "at", "soon")
    assert form.errors["adversary.at"] == "adversary.at: expected an integer, found 'soon'"
    assert form.set_option("adversary", "at", "12")
    assert "adversary.at" not in form.errors and form.draft("adversary.at") == "12"


def test_a_role_that_is_not_a_side_is_refused(session):
    with pytest.raises(SessionError, match="role: expected one of negotiator, adversary"):
        session.form.set_strategy("mediator", "silent")
    with pytest.raises(SessionError, match="role: expected one of negotiator, adversary"):
        session.intervene("mediator", None)


# -------------------------------------------------------------------------------------------
# Configs
# -------------------------------------------------------------------------------------------


def test_a_config_that_does_not_validate_keeps_the_last_good_run(session, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nscenarios:\n  s:\n    adversary: {strategy: walk_away_at, at: -2}\n")
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    session.step(5)
    run_before = session.run
    assert not session.open_config("bad.yaml")
    assert session.problems == [
        "config not opened: bad.yaml: scenarios.s.adversary.at: expected a value >= 0"
    ]
    assert session.run is run_before and session.step_count == 5
    assert session.open_config("baseline.yaml")
    assert session.config.name == "baseline" and session.step_count == 0
    assert session.available_configs() == ["bad.yaml", "baseline.yaml", "small.yaml"]


def test_the_page_runs_the_defaults_when_its_config_no_longer_validates(tmp_path, monkeypatch):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nsteps: many\nscenarios: {a: {}}\n")
    monkeypatch.setenv(CONFIG_ENV, str(bad))
    session = app.open_session()
    assert session.problems == ["config not opened: broken.yaml: steps: expected an integer"]
    assert session.step() == 1


# -------------------------------------------------------------------------------------------
# Save as scenario
# -------------------------------------------------------------------------------------------


def test_timeline_keeps_only_the_changes(session):
    session.step(2)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(3)
    session.intervene("negotiator", Action.CONCEDE)  # a second click on the same action
    session.step(1)
    session.intervene("negotiator", None)
    session.step(2)
    events = session.run.events()
    assert export.timeline(events, "negotiator") == {1: "engage", 3: "concede", 7: "engage"}
    assert export.timeline(events, "adversary") == {1: "engage"}


def test_save_as_scenario_is_refused_before_a_step_or_with_a_bad_name(session):
    with pytest.raises(SessionError, match="take at least one step first"):
        session.scenario_config()
    session.step()
    with pytest.raises(SessionError, match="expected only letters, digits, - and _"):
        session.scenario_config("my scenario")


def test_saved_scenario_validates_and_replays_bit_identically(tmp_path, capsys):
    session = DashboardSession.open(small_config(tmp_path))
    session.form.set_scenario("adaptive_adversary")
    session.form.set_seed("2024")
    session.form.set_media("neutral")
    assert session.reset()
    session.step(4)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(5)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(3)
    session.intervene("adversary", Action.SANCTION)
    session.intervene("negotiator", None)
    session.step(2)
    session.intervene("adversary", None)
    session.step(6)

    saved = tmp_path / "replay.yaml"
    saved.write_text(session.scenario_yaml("replay"))
    data = yaml.safe_load(saved.read_text())
    assert data["seed"] == 2024 and data["replications"] == 1 and data["steps"] == 20
    assert data["scenarios"]["replay"]["adversary"]["strategy"] == "scripted"

    assert run.main(["validate", str(saved)]) == 0
    config = load_config(saved)
    result = simulate(config.scenario_spec("replay"), replicate_seed(config.seed, 0), config.steps)
    live = session.run.tables()
    pd.testing.assert_frame_equal(result.timeseries, live.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(result.blocs, live.blocs, check_exact=True)
    pd.testing.assert_frame_equal(result.media, live.media, check_exact=True)

    out = tmp_path / "single"
    assert run.main(["run", str(saved), "--scenario", "replay", "--out", str(out)]) == 0
    written = pd.read_parquet(out / "run.parquet").drop(columns="model_version")
    pd.testing.assert_frame_equal(
        written, live.timeseries, check_exact=True, check_dtype=False, check_index_type=False
    )
    assert "replay / replay: seed" in capsys.readouterr().out

    assert run.main(["batch", str(saved), "--out", str(tmp_path / "batch"), "--workers", "1"]) == 0
    batch = pd.read_parquet(tmp_path / "batch" / "replay" / "timeseries")
    assert set(batch["replicate"]) == {0} and set(batch["seed"]) == {replicate_seed(2024, 0)}
    batch = batch.sort_values("step")[list(live.timeseries.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        batch, live.timeseries, check_exact=True, check_dtype=False, check_categorical=False
    )


def test_a_saved_scenario_opens_in_the_dashboard_and_replays(session, tmp_path):
    session.step(3)
    session.intervene("adversary", Action.SANCTION)
    session.step(2)
    session.intervene("adversary", None)
    session.step(2)
    saved = tmp_path / "again.yaml"
    saved.write_text(session.scenario_yaml("again"))
    replay = DashboardSession.open(saved)
    assert replay.form.applied.adversary_strategy == "scripted"
    assert "scripted" in replay.form.strategy_choices("adversary")
    assert replay.step(100) == 7
    pd.testing.assert_frame_equal(
        replay.run.tables().timeseries, session.run.tables().timeseries, check_exact=True
    )
