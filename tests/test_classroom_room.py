"""The classroom room without a browser: roles, votes, the timer, the log, what each sees,
and the saved scenario's exact replay in batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from classroomkit import Clock

from agents.actions import Action
from classroom.debrief import comparison, differences, scenario_config, strategy_run
from classroom.roles import Source, TeamRule, team_choice
from classroom.room import Phase, Room, RoomError
from experiments.runner import simulate
from model.config import ConfigError, load_config
from model.live import LiveRun

CONFIG = {
    "name": "small",
    "steps": 30,
    "seed": 11,
    "model": {"observers": 150},
    "scenarios": {
        "mixed": {
            "negotiator": {"strategy": "tit_for_tat"},
            "adversary": {"strategy": "adaptive", "rationality": 3.0},
        }
    },
}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def room(clock):
    return Room(load_config(CONFIG), weeks=10, clock=clock)


def seat(room, names=("ann", "bob", "cy", "dee")):
    return [room.join(room.code, name) for name in names]


def test_joining_needs_the_code_and_a_free_name_and_balances_the_sides(room):
    with pytest.raises(RoomError, match="code: expected the join code"):
        room.join("WRONG1", "ann")
    ann = room.join(room.code.lower(), "  ann ")
    assert ann.name == "ann"
    with pytest.raises(RoomError, match="already taken"):
        room.join(room.code, "ANN")
    for bad in ("", "x" * 25, "a\x00b", 7):
        with pytest.raises(RoomError, match="name: expected"):
            room.join(room.code, bad)
    others = seat(room, ("bob", "cy", "dee", "eve"))
    roles = [p.role for p in (ann, *others)]
    assert roles[:4] == ["negotiator", "adversary", "negotiator", "adversary"]
    assert roles[4].startswith("media:")


def test_a_seat_link_finds_the_same_participant_and_nothing_else(room):
    from classroom.hall import Hall

    ann, bob = seat(room, ("ann", "bob"))
    assert room.reclaim(ann.seat) is ann and room.reclaim(bob.seat) is bob
    assert ann.seat != bob.seat and len(ann.seat) >= 24 and ann.id not in ann.seat
    for bad in ("", ann.seat[:-1], ann.id, None, 7, ann.seat + "x"):
        with pytest.raises(RoomError, match="seat: this link's seat is in no open room"):
            room.reclaim(bad)
    hall = Hall()
    _, second = (hall.create(load_config(CONFIG), "mixed", 3) for _ in range(2))
    cy = second.join(second.code, "cy")
    assert hall.reclaim(cy.seat) == (second, cy)
    with pytest.raises(RoomError, match="seat:"):
        hall.reclaim("no-such-seat")


def test_a_week_waits_for_every_active_role_then_advances(room):
    ann, bob, cy, dee = seat(room)
    room.lecture(room.lecturer_key).start()
    room.choose(ann.id, "negotiator", "engage")
    room.choose(cy.id, "negotiator", "concede")
    room.choose(bob.id, "adversary", "walk_away")
    assert room.run.step_count == 0 and room.waiting_for() == ["adversary"]
    room.choose(bob.id, "adversary", "sanction")  # a change of mind before the week ends
    room.choose(dee.id, "adversary", "sanction")
    assert room.run.step_count == 1 and room.waiting_for() == ["negotiator", "adversary"]
    events = room.run.events()  # N's tie goes to its strategy's action (tit-for-tat: engage)
    assert list(events["action"]) == ["engage", "sanction"]
    log = room.log_frame()
    assert list(log.loc[log["role"] == "adversary", "choice"]) == ["sanction", "sanction"]
    assert set(log.loc[log["role"].str.startswith("media:"), "source"]) == {"strategy"}


def test_a_participant_acts_only_for_their_own_role_and_only_while_playing(room):
    ann, *_ = seat(room)
    with pytest.raises(RoomError, match="only while the room plays"):
        room.choose(ann.id, "negotiator", "engage")
    room.lecture(room.lecturer_key).start()
    for role in ("adversary", "media:Wire service", "lecturer", None, ["negotiator"]):
        with pytest.raises(RoomError, match="only for the role you were given"):
            room.choose(ann.id, role, "walk_away")
    for choice in ("../etc", "WALK_AWAY", 3, None, {"action": "engage"}):
        with pytest.raises(RoomError, match="action: expected one of the model's actions"):
            room.choose(ann.id, "negotiator", choice)
    with pytest.raises(RoomError, match="not in this room"):
        room.choose("forged-id", "negotiator", "engage")
    assert room._week.votes == {}


def test_a_media_role_sets_its_outlets_bias_within_its_range(room):
    players = seat(room, ("ann", "bob", "cy", "dee", "eve"))
    eve = players[-1]
    outlet = eve.role.removeprefix("media:")
    room.lecture(room.lecturer_key).start()
    for bad in (1.5, -2, float("nan"), "0.2", True):
        with pytest.raises(RoomError, match="slant: expected a number from -1 to 1"):
            room.choose(eve.id, eve.role, bad)
    room.choose(eve.id, eve.role, -0.25)
    for p, action in zip(players[:4], ("engage",) * 4, strict=True):
        room.choose(p.id, p.role, action)
    assert room.run.outlet_biases()[outlet] == -0.25


def test_the_timer_ends_the_week_and_missing_choices_follow_the_strategy(room, clock):
    ann, _ = seat(room, ("ann", "bob"))
    lecture = room.lecture(room.lecturer_key)
    lecture.set_timer(30)
    lecture.start()
    room.choose(ann.id, "negotiator", "walk_away")
    clock.now = 29.0
    assert not room.tick() and room.run.step_count == 0
    expected = room.run.strategy_action("adversary")
    clock.now = 30.0
    assert room.tick() and room.run.step_count == 1
    assert list(room.run.events()["action"]) == ["walk_away", expected.value]
    log = room.log_frame()
    assert log.iloc[1].to_dict() == {
        "week": 1,
        "role": "adversary",
        "participant": "",
        "choice": "",
        "applied": expected.value,
        "source": Source.TIMER.value,
    }
    assert room.seconds_left() == 30.0


def test_a_captain_decides_for_the_team_when_the_lecturer_says_so(room):
    ann, bob, cy, dee = seat(room)
    lecture = room.lecture(room.lecturer_key)
    lecture.set_rule("negotiator", TeamRule.CAPTAIN)
    lecture.set_captain("negotiator", cy.id)
    with pytest.raises(RoomError, match="captain: expected a member"):
        lecture.set_captain("negotiator", bob.id)
    lecture.start()
    room.choose(bob.id, "adversary", "engage")
    room.choose(dee.id, "adversary", "engage")
    room.choose(ann.id, "negotiator", "walk_away")
    assert room.run.step_count == 0  # waits for the captain only
    room.choose(cy.id, "negotiator", "concede")
    assert room.run.events()["action"].iloc[0] == "concede"


def test_majority_ties_go_to_the_strategys_action_if_tied():
    votes = {"a": Action.WALK_AWAY, "b": Action.ENGAGE}
    order = ["a", "b"]
    assert team_choice(votes, order, TeamRule.MAJORITY, None, Action.ENGAGE)[0] is Action.ENGAGE
    assert team_choice(votes, order, TeamRule.MAJORITY, None, Action.SILENT)[0] is Action.ENGAGE
    votes["c"] = Action.WALK_AWAY
    chosen = team_choice(votes, [*order, "c"], TeamRule.MAJORITY, None, Action.ENGAGE)
    assert chosen == (Action.WALK_AWAY, Source.MAJORITY)
    assert team_choice({}, [], TeamRule.MAJORITY, None, Action.ENGAGE) == (None, None)


def test_each_side_sees_only_its_own_estimate_until_the_reveal(room):
    ann, bob, *_ = seat(room, ("ann", "bob", "cy"))
    cy = room.participant(_[0].id)
    cy_role = cy.role
    assert room.private_sides(ann.id) == ("negotiator",)
    assert room.private_sides(bob.id) == ("adversary",)
    assert cy_role == "negotiator"
    assert room.private_view(ann.id, "negotiator").truth is None
    with pytest.raises(RoomError, match="only the side's own team"):
        room.private_view(ann.id, "adversary")
    snap = room.snapshot()
    assert snap.redline.empty and np.isnan(snap.true_red_line)
    lecture = room.lecture(room.lecturer_key)
    assert room.private_view(None, "adversary").truth == room.run.true_red_line("negotiator")
    with pytest.raises(RoomError, match="lecturer's link"):
        room.lecture("guess")
    lecture.reveal()
    assert room.private_view(bob.id, "negotiator").truth == room.run.true_red_line("adversary")


def test_the_saved_scenario_replays_the_class_run_bit_for_bit_in_batch(room):
    players = seat(room, ("ann", "bob", "cy", "dee", "eve"))
    room.lecture(room.lecturer_key).start()
    moves = ["engage", "walk_away", "sanction", "concede", "add_conditions", "escalate_rhetoric"]
    for week in range(6):
        for i, p in enumerate(players):
            choice = moves[(week + i) % 6] if not p.role.startswith("media:") else 0.2 * week - 0.5
            room.choose(p.id, p.role, choice)
    assert room.run.step_count == 6
    text = yaml.safe_dump(scenario_config(room), sort_keys=False)
    config = load_config(yaml.safe_load(text))
    replay = simulate(config.scenario_spec("class"), room.run.seed, config.steps)
    tables = room.run.tables()
    pd.testing.assert_frame_equal(replay.timeseries, tables.timeseries)
    pd.testing.assert_frame_equal(replay.media, tables.media)
    baseline = strategy_run(room)
    assert not baseline.tables().timeseries.equals(tables.timeseries)
    table = differences(room, baseline)
    assert table["difference_points"].abs().max() > 0
    data = comparison(room, "legitimacy_negotiator", baseline)
    assert set(data.bands["scenario"]) == {"class", "strategies"} and len(data.curves) == 7


def test_the_lecturer_ends_the_room_and_a_full_run_ends_itself(clock):
    room = Room(load_config(CONFIG), weeks=2, clock=clock)
    ann, bob = seat(room, ("ann", "bob"))
    room.lecture(room.lecturer_key).start()
    for _ in range(2):
        room.choose(ann.id, "negotiator", "engage")
        room.choose(bob.id, "adversary", "engage")
    assert room.phase is Phase.ENDED
    with pytest.raises(RoomError, match="only while the room plays"):
        room.choose(ann.id, "negotiator", "engage")


def test_an_outlets_bias_set_mid_run_is_the_configs_bias_schedule():
    config = load_config(CONFIG)
    spec = config.scenario_spec()
    live = LiveRun(spec, 5, 6)
    live.step(2)
    live.set_outlet_bias("Wire service", 0.7)
    live.step(4)
    data = spec.to_dict()
    data["bias_schedule"] = {3: {"Wire service": 0.7}}
    data["salience_shocks"] = {}
    scheduled = load_config({"name": "s", "steps": 6, "model": data, "scenarios": {"s": None}})
    replay = simulate(scheduled.scenario_spec(), 5, 6)
    pd.testing.assert_frame_equal(replay.timeseries, live.tables().timeseries)
    plain = simulate(spec, 5, 6)
    assert not plain.media.equals(replay.media)
    with pytest.raises(ValueError, match="outlet: expected one of"):
        live.set_outlet_bias("Nope", 0.1)
    with pytest.raises(ValueError, match="bias: expected a number from -1 to 1"):
        live.set_outlet_bias("Wire service", 1.5)


def test_a_bias_schedule_names_only_outlets_of_the_model():
    with pytest.raises(ConfigError, match=r"bias_schedule\.2: expected names of outlets"):
        load_config({"name": "s", "scenarios": {"s": {"bias_schedule": {2: {"Nope": 0.1}}}}})
    with pytest.raises(ConfigError, match="bias_schedule"):
        load_config({"name": "s", "scenarios": {"s": {"bias_schedule": {2: {"Wire service": 2}}}}})


def test_asking_for_the_strategys_next_action_draws_nothing():
    spec = load_config(CONFIG).scenario_spec()
    asked, plain = LiveRun(spec, 9, 12), LiveRun(spec, 9, 12)
    for _ in range(12):
        expected = asked.strategy_action("adversary")
        asked.step()
        assert asked.events()["action"].iloc[-1] == expected.value
    plain.step(12)
    pd.testing.assert_frame_equal(asked.tables().timeseries, plain.tables().timeseries)
