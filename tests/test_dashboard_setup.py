"""The set-up panel: every mechanism switch and the lecture parameters, with the registry's
ranges; the scenario's defaults and a new seed; the page asks before a config switch ends a
run; no intervention after the horizon; a refusal clears once the field is fixed."""

from __future__ import annotations

import math
import shutil

import ipyvuetify as v
import pytest
from dashboardkit import button, html_text, small_config

from agents.actions import Action
from dashboards import app
from dashboards.knobs import KNOBS, spec_value
from dashboards.session import DashboardSession, SessionError
from model.parameters import BY_NAME, MECHANISM_NAMES
from model.streams import SEED_MAX


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path))


def test_the_knobs_take_their_ranges_from_the_registry():
    assert len({knob.label for knob in KNOBS}) == len(KNOBS)
    for knob in KNOBS:
        entry = BY_NAME[knob.parameter]
        assert knob.range == (entry.low, entry.high) and not entry.integer
        assert knob.meaning == entry.meaning


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.label)
def test_each_knob_applies_on_reset_within_its_range(session, knob):
    low, high = knob.range
    value = low + 0.37 * (high - low)
    assert session.form.set_parameter(knob.label, value)
    assert any(line.startswith(knob.label) for line in session.form.pending_changes())
    assert session.reset()
    assert spec_value(session.run.spec, knob.label) == pytest.approx(value)
    assert session.form.applied.parameters[knob.label] == value


@pytest.mark.parametrize("bad", [-1e9, 1e9, math.nan, math.inf, "inf", "12x", True, None])
def test_a_knob_refuses_a_hostile_value_naming_the_field(session, bad):
    knob = KNOBS[0]
    pending = session.form.pending
    assert not session.form.set_parameter(knob.label, bad)
    low, high = knob.range
    assert session.form.errors[knob.label].startswith(
        f"{knob.label}: expected a number from {low:g} to {high:g}, found "
    )
    assert session.form.pending == pending


def test_a_parameter_not_offered_is_refused_without_echoing_it(session):
    assert not session.form.set_parameter("dynamics.spin_up", 3)
    assert not session.form.set_parameter("../../etc/passwd", 0.5)
    assert session.form.errors["parameter"] == "parameter: expected one of the parameters offered"


def test_every_mechanism_can_be_switched_and_applies_on_reset(session):
    for name in MECHANISM_NAMES:
        before = getattr(session.run.spec.mechanisms, name)
        assert session.form.set_mechanism(name, not before)
    assert session.reset()
    for name in MECHANISM_NAMES:
        assert getattr(session.run.spec.mechanisms, name) is session.form.applied.mechanisms[name]
    assert not session.form.set_mechanism("telepathy", True)
    assert not session.form.set_mechanism("peers", "yes")
    assert (
        session.form.errors["mechanisms.peers"]
        == "mechanisms.peers: expected on or off, found 'yes'"
    )


def test_the_scenarios_defaults_come_back_and_the_seed_stays(session):
    form = session.form
    form.set_parameter("dynamics.contrast", 3.0)
    form.set_mechanism("backfire", True)
    form.set_deterrence(0.1)
    form.set_seed("99")
    form.set_observers("x")
    form.restore_scenario()
    assert form.errors == {}
    assert form.pending == form.applied.__class__(**{**form.applied.__dict__, "seed": 99})


def test_a_new_random_seed_is_pending_and_in_range(session):
    seeds = {session.form.new_seed() for _ in range(5)}
    assert len(seeds) == 5 and all(0 <= s <= SEED_MAX for s in seeds)
    assert session.form.pending.seed in seeds
    assert session.run.seed != session.form.pending.seed
    assert session.reset() and session.form.applied.seed == session.form.pending.seed


def test_a_refused_reset_stops_being_shown_once_the_field_is_fixed(session):
    session.form.set_seed("12x")
    assert not session.reset()
    assert session.current_problems() == [
        "not reset: fix the fields first",
        "seed: expected an integer from 0 to 9223372036854775807, found '12x'",
    ]
    session.form.set_seed("13")
    assert session.current_problems() == []


def test_no_intervention_after_the_horizon(session, render):
    rc = render(app.LivePage(session))
    session.step(session.horizon - 1)
    button(rc, "Step").click()
    assert session.finished
    with pytest.raises(SessionError, match="intervention: the run has ended"):
        session.intervene("adversary", Action.WALK_AWAY)
    assert button(rc, "Adversary (A): walk away").disabled
    assert html_text(rc, "run-about").endswith("seed 11 · end of the run: Reset to start again")


def test_switching_config_asks_before_ending_a_run(tmp_path, render):
    path = small_config(tmp_path)
    other = tmp_path / "other.yaml"
    shutil.copy(path, other)
    other.write_text(other.read_text().replace("name: small", "name: other"))
    session = DashboardSession.open(path)
    rc = render(app.LivePage(session))
    button(rc, "Step").click()
    rc.find(v.Select, label="Config (opens now)").widget.v_model = "other.yaml"
    dialog = rc.find(v.Dialog).widget
    assert dialog.v_model is True
    assert session.config.name == "small" and session.step_count == 1
    button(rc, "Keep this run").click()
    assert session.config.name == "small" and session.step_count == 1
    rc.find(v.Select, label="Config (opens now)").widget.v_model = "other.yaml"
    button(rc, "Open it").click()
    assert session.config.name == "other" and session.step_count == 0


def test_a_refused_jump_names_its_field_and_clears_with_the_next_action(session, render):
    rc = render(app.LivePage(session))
    rc.find(v.TextField, label="Run to week").widget.v_model = "abc"
    button(rc, "Run to the week typed").click()
    shown = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("run to week: expected an integer from 1 to 40, found 'abc'" in t for t in shown)
    button(rc, "Step").click()
    assert session.current_problems() == []
    assert not any("run to week" in str(w.children) for w in rc.find(v.Alert).widgets)


def test_run_to_a_week_from_the_page_stops_there(session, render):
    import time

    rc = render(app.LivePage(session))
    rc.find(v.TextField, label="Run to week").widget.v_model = "7"
    button(rc, "Run to the week typed").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        session.step_count == 7 and html_text(rc, "step-counter") == "Week 7 of 40"
    ):
        time.sleep(0.05)
    assert session.step_count == 7
    assert html_text(rc, "step-counter") == "Week 7 of 40"
