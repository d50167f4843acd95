"""What the classroom's pages draw from: computed once per change for the whole room, and a
participant's own part of the page redrawn only by a change of their own state."""

from __future__ import annotations

import math

import pytest

from classroom.room import Room
from classroom.views import SHARED_CHARTS, PrivateSource, room_status, seat_state, shared_build
from model.config import load_config

CONFIG = {
    "name": "small",
    "steps": 30,
    "seed": 11,
    "model": {"observers": 150},
    "scenarios": {"mixed": {"negotiator": {"strategy": "tit_for_tat"}}},
}

PAGES = 40


@pytest.fixture
def room():
    return Room(load_config(CONFIG), weeks=5)


def play_a_week(room, people):
    for person in people:
        role = room.participant(person.id).role
        room.choose(person.id, role, "engage" if role in ("negotiator", "adversary") else 0.1)


def test_a_weeks_chart_spec_is_built_once_for_every_page_of_the_room(room):
    built = []

    def build(snap, *options):
        built.append((snap.step, options))
        return {"step": snap.step}

    shared = shared_build(build)
    snap = room.snapshot()
    specs = [shared(snap) for _ in range(PAGES)]
    assert len(built) == 1 and all(spec is specs[0] for spec in specs)
    [shared(snap, True) for _ in range(PAGES)]
    assert built == [(0, ()), (0, (True,))]
    people = [room.join(room.code, f"p{i}") for i in range(4)]
    room.lecture(room.lecturer_key).start()
    play_a_week(room, people)
    assert room.run.step_count == 1
    [shared(room.snapshot()) for _ in range(PAGES)]
    assert built[-1] == (1, ()) and len(built) == 3
    for chart in SHARED_CHARTS:
        assert chart.spec(room.snapshot()) is chart.spec(room.snapshot()), chart.key


def test_the_status_is_computed_once_per_change_for_every_page(room, monkeypatch):
    people = [room.join(room.code, f"p{i}") for i in range(2)]
    room.lecture(room.lecturer_key).start()
    calls = []
    waiting_for = room.waiting_for
    monkeypatch.setattr(room, "waiting_for", lambda: calls.append(1) or waiting_for())
    statuses = [room_status(room) for _ in range(PAGES)]
    assert len(calls) == 1 and all(status is statuses[0] for status in statuses)
    room.choose(people[0].id, room.participant(people[0].id).role, "engage")
    after = [room_status(room) for _ in range(PAGES)]
    assert len(calls) == 2 and after[0] != statuses[0]


def test_another_participants_choice_leaves_a_pages_own_state_unchanged(room):
    ann, bob = (room.join(room.code, name) for name in ("ann", "bob"))
    room.lecture(room.lecturer_key).start()
    mine, status = seat_state(room, ann.id), room_status(room)
    room.choose(bob.id, room.participant(bob.id).role, "walk_away")
    assert seat_state(room, ann.id) == mine
    assert room_status(room) != status
    room.choose(ann.id, room.participant(ann.id).role, "concede")
    assert seat_state(room, ann.id) != mine
    lecturer = seat_state(room, None)
    room.choose(bob.id, room.participant(bob.id).role, "engage")
    assert seat_state(room, None) != lecturer


def test_a_sides_shared_estimate_never_carries_the_lecturers_true_red_line(room):
    ann, _ = (room.join(room.code, name) for name in ("ann", "bob"))
    side = room.participant(ann.id).role
    lecturer = PrivateSource(room, None, side).snapshot()
    assert not math.isnan(lecturer.true_red_line)
    assert math.isnan(PrivateSource(room, ann.id, side).snapshot().true_red_line)
    room.lecture(room.lecturer_key).reveal()
    assert PrivateSource(room, ann.id, side).snapshot().true_red_line == lecturer.true_red_line
