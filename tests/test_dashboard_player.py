"""Playing a session without a browser: the halt flag, run to a week, the achieved speed.

A Pause (a halt from another thread) that arrives at any moment stops the run within one
step; playing waits for the browser to show each week once it acknowledges weeks, and a halt
ends that wait; run to week N and step N weeks stop exactly there; the achieved speed is
measured, not assumed; the week fields refuse bad text naming the field.
"""

from __future__ import annotations

import itertools
import threading

import pytest
from dashboardkit import small_config

from dashboards.form import SessionError
from dashboards.player import SPEEDS, Player, target_week, weeks_ahead
from dashboards.session import DashboardSession


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path))


class FakeClock:
    """A clock that moves only when told (no timing in tests)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("pause_at", [1, 2, 7, 19])
def test_a_halt_during_a_redraw_stops_before_the_next_step(session, pause_at):
    player = Player(session, speed=SPEEDS[1], fast=True)
    player.prepare()

    def redraw() -> None:
        if session.step_count == pause_at:
            threading.Thread(target=player.halt).start()  # Pause arrives from another thread
            player._halt.wait()

    assert player.play(redraw) == "halted"
    assert session.step_count == pause_at


def test_a_halt_while_a_step_runs_lets_only_that_step_finish(session):
    player = Player(session, fast=True)
    player.prepare()
    stepped = threading.Event()
    original = session.run.step

    def slow_step(count: int = 1) -> int:
        done = original(count)
        if session.step_count == 3:
            stepped.set()
            threading.Thread(target=player.halt).start()
            player._halt.wait()
        return done

    session.run.step = slow_step
    assert player.play(lambda: None) == "halted"
    assert stepped.is_set() and session.step_count == 3


def test_playing_waits_for_the_browser_and_a_halt_ends_the_wait(session):
    player = Player(session, fast=True)
    player.prepare()
    player.shown(0)  # a browser acknowledges weeks: from now on each week waits for it
    weeks: list[int] = []

    def browser_shows_two_weeks_then_stalls() -> None:
        weeks.append(session.step_count)
        if session.step_count <= 2:
            player.shown(session.step_count)
        else:
            threading.Timer(0.05, player.halt).start()

    assert player.play(browser_shows_two_weeks_then_stalls) == "halted"
    assert weeks == [1, 2, 3] and session.step_count == 3


def test_run_to_a_week_and_step_weeks_stop_exactly_there(session):
    player = Player(session, fast=True)
    player.prepare(until=target_week(session, "12"), fast=True)
    assert player.play(lambda: None) == "reached"
    assert session.step_count == 12
    player.prepare(until=session.step_count + weeks_ahead(session, "5"), fast=True)
    assert player.play(lambda: None) == "reached"
    assert session.step_count == 17
    player.prepare(until=None, fast=True)
    assert player.play(lambda: None) == "finished"
    assert session.finished


def test_a_reset_while_playing_stops_the_old_loop(session):
    player = Player(session, fast=True)
    player.prepare()

    def redraw() -> None:
        if session.step_count == 4:
            session.reset()

    assert player.play(redraw) == "replaced"
    assert session.step_count == 0


def test_the_achieved_speed_is_measured_not_assumed(session):
    clock = FakeClock()
    player = Player(session, speed=30, clock=clock)
    player.prepare()
    assert player.speed_text() == "30 weeks/s asked"

    def slow_redraw() -> None:  # each redraw takes a tenth of a second
        clock.now += 0.1
        if session.step_count == 12:
            player.halt()

    player.play(slow_redraw)
    assert player.achieved == pytest.approx(10.0)
    assert player.speed_text() == "30 weeks/s asked, 10 achieved"


def test_the_speed_is_clipped_to_what_the_page_offers(session):
    player = Player(session)
    assert player.set_speed(10_000) == SPEEDS[1]
    assert player.set_speed(-3) == SPEEDS[0]
    assert player.set_speed("nonsense") == SPEEDS[0]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (target_week, "x", "run to week: expected an integer from 1 to 40, found 'x'"),
        (target_week, "0", "run to week: expected an integer from 1 to 40, found 0"),
        (target_week, "41", "run to week: expected an integer from 1 to 40, found 41"),
        (weeks_ahead, "-1", "weeks to advance: expected an integer from 1 to 40, found -1"),
        (weeks_ahead, "1e9", "weeks to advance: expected an integer from 1 to 40, found '1e9'"),
    ],
)
def test_week_fields_refuse_bad_text_naming_the_field(session, field, text, message):
    with pytest.raises(SessionError) as error:
        field(session, text)
    assert str(error.value) == message


def test_week_fields_say_when_the_run_has_ended(session):
    session.step(session.horizon)
    for field in (target_week, weeks_ahead):
        with pytest.raises(SessionError, match="the run has ended"):
            field(session, "3")


def test_many_halts_from_other_threads_each_stop_within_one_step(session):
    player = Player(session, fast=True)
    for pause_at in itertools.islice(itertools.count(1, 3), 10):
        player.prepare()

        def redraw(at: int = pause_at) -> None:
            if session.step_count >= at:
                threading.Thread(target=player.halt).start()
                player._halt.wait()

        player.play(redraw)
        assert session.step_count == pause_at
