"""What the classroom's pages draw from: computed once per change for the whole room, and a
participant's own part of the page redrawn only by a change of their own state.

Rendered in-process (`solara.render`): another participant's choice rewrites a page's status
text and redraws none of its components; a new week sets the charts in place and redraws the
participant's controls once.
"""

from __future__ import annotations

import math
import time
from collections import Counter

import ipyvuetify as v
import pytest
import solara
from classroomkit import Clock
from dashboardkit import html_text

from classroom import pages, views
from classroom.room import Room
from classroom.views import (
    SHARED_CHARTS,
    PrivateSource,
    change_log_html,
    room_status,
    seat_state,
    shared_build,
    status_html,
)
from dashboards.vega import VegaWidget
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


def test_no_choice_and_no_new_week_changes_a_pages_own_state(room):
    ann, bob = (room.join(room.code, name) for name in ("ann", "bob"))
    room.lecture(room.lecturer_key).start()
    mine, lecturer, status = seat_state(room, ann.id), seat_state(room, None), room_status(room)
    room.choose(bob.id, room.participant(bob.id).role, "walk_away")
    assert room_status(room) != status
    room.choose(ann.id, room.participant(ann.id).role, "concede")  # the week ends
    assert room.run.step_count == 1
    assert seat_state(room, ann.id) == mine and seat_state(room, None) == lecturer
    room.lecture(room.lecturer_key).assign(ann.id, "adversary")
    assert seat_state(room, ann.id) != mine and seat_state(room, None) != lecturer


def test_a_sides_shared_estimate_never_carries_the_lecturers_true_red_line(room):
    ann, _ = (room.join(room.code, name) for name in ("ann", "bob"))
    side = room.participant(ann.id).role
    lecturer = PrivateSource(room, None, side).snapshot()
    assert not math.isnan(lecturer.true_red_line)
    assert math.isnan(PrivateSource(room, ann.id, side).snapshot().true_red_line)
    room.lecture(room.lecturer_key).reveal()
    assert PrivateSource(room, ann.id, side).snapshot().true_red_line == lecturer.true_red_line


def test_the_status_line_says_the_week_who_it_waits_for_and_counts_the_timer_down():
    clock = Clock()
    room = Room(load_config(CONFIG), weeks=5, clock=clock)
    ann, _ = (room.join(room.code, name) for name in ("ann", "bob"))
    lecture = room.lecture(room.lecturer_key)
    assert "Room lobby" in status_html(room) and "Waiting for" not in status_html(room)
    lecture.set_timer(30)
    lecture.start()
    first = status_html(room)
    assert "Week 0 of 5" in first and "Waiting for: Negotiator (N), Adversary (A)" in first
    assert "about 30 s left" in first
    clock.now = 12.4
    assert "about 18 s left" in status_html(room)
    room.choose(ann.id, room.participant(ann.id).role, "engage")
    assert "Waiting for: Adversary (A)" in status_html(room)


def test_the_change_log_text_is_built_once_per_week_for_every_page(room, monkeypatch):
    calls = []
    original = views.change_log
    monkeypatch.setattr(views, "change_log", lambda snap: calls.append(1) or original(snap))
    monkeypatch.setattr(views, "_CHANGE_LOG", views.shared_build(views._change_log_text))
    texts = [change_log_html(room) for _ in range(PAGES)]
    assert len(calls) == 1 and set(texts) == {"none yet"}


def eventually(check, seconds: float = 10.0) -> None:
    """Wait until `check()` holds (the page's thread follows the room on its own)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the page did not follow the room"
        time.sleep(0.02)


COUNTED = (
    pages.OwnChoices,
    pages.OwnPrivateViews,
    pages.Ending,
    views.SharedCharts,
    views.SharedCard,
    views.SharedVegaChart,
    views.LiveHTML,
)
"""The components of a participant's page whose redraws are counted."""


def count_renders(monkeypatch, components) -> Counter:
    """A count of the renders of each of `components` from now on, by name (from any thread)."""
    counts: Counter = Counter()
    for component in components:

        def counted(*args, _name=component.name, _render=component.f, **kwargs):
            counts[_name] += 1
            return _render(*args, **kwargs)

        monkeypatch.setattr(component, "f", counted)
    return counts


def test_choices_and_a_new_week_reach_a_page_in_place_and_redraw_none_of_it(
    room, render, monkeypatch
):
    ann, bob, cy = (room.join(room.code, name) for name in ("ann", "bob", "cy"))
    assert room.participant(cy.id).role == "negotiator"  # the week waits for ann and cy
    room.lecture(room.lecturer_key).start()
    problem = solara.reactive("")
    rc = render(pages.Seat(room, ann.id, problem))
    charts = rc.find(VegaWidget).widgets
    assert len(charts) == len(SHARED_CHARTS) + 2  # the event strip and ann's side's estimate
    choice = rc.find(v.Select, label=pages.CHOICE_LABEL).widget
    eventually(lambda: "Waiting for: Negotiator (N), Adversary (A)" in html_text(rc, "room-status"))
    time.sleep(0.3)
    renders = count_renders(monkeypatch, COUNTED)
    drawn = [w.spec_json for w in charts]
    room.choose(bob.id, room.participant(bob.id).role, "walk_away")  # another's choice
    eventually(lambda: "Waiting for: Negotiator (N)<" in html_text(rc, "room-status"))
    assert [w.spec_json for w in charts] == drawn
    choice.v_model = "adversary/engage"  # a crafted choice for the other side
    assert "only for the role you were given" in problem.value
    assert choice.v_model is None and room.own_choice(ann.id) is None
    choice.v_model = "negotiator/engage"  # ann's own choice, made on the page
    assert room.own_choice(ann.id).value == "engage" and problem.value == ""
    eventually(lambda: html_text(rc, "mine") == "Your choice: engage")
    room.choose(cy.id, "negotiator", "engage")  # the week ends
    eventually(lambda: "Week 1 of 5" in html_text(rc, "room-status"))
    eventually(lambda: all(w.spec_json != d for w, d in zip(charts, drawn, strict=True)))
    eventually(lambda: "adversary walk away" in html_text(rc, "event-log"))
    eventually(lambda: choice.v_model is None and html_text(rc, "mine") == "Your choice: not yet")
    time.sleep(0.3)
    assert not renders, renders
    assert "Week 1 of 5" in html_text(rc, "room-status")  # no redraw set it back
    assert len(room.log_frame()) == len(room.log_frame().drop_duplicates())
