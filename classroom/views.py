# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""What every page of a room shows, and the hook that keeps a page in step with its room.

The room's state, the shared charts, the private views and the debrief. A page follows its
room in place (`use_room`, `LiveParts`): the status line, the change log, the charts and a
side's own choice set their widgets' values when the room changes, so a choice or a new week
redraws no component; components redraw only when what a page may show changes (a phase, a
role, the reveal, the roster).

The shared charts are the live dashboard's views (`dashboards.views.CHARTS`) but the red-line
view, drawn from the room's shared snapshot, which holds no red line. A side's private view is
the same red-line chart drawn from that side's own estimate, built only for a page that may
see it (`Room.private_view` decides), so nothing private reaches another page.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

import solara

from agents.actions import SIDES
from classroom.debrief import METRICS, comparison, differences, strategy_run
from classroom.room import Phase, Room, RoomError
from dashboards.charts.events import change_log
from dashboards.charts.weekly import redline_spec
from dashboards.compare_page import SpecChart, bands_spec, differences_spec
from dashboards.snapshot import Z_95, Snapshot
from dashboards.vega import VegaWidget
from dashboards.views import (
    CHARTS,
    EVENT_STRIP,
    ChartView,
    DataBehind,
)
from experiments.palette import MUTED


def shared_build[T](build: Callable[..., T]) -> Callable[..., T]:
    """`build` (a chart's spec, a text) computed once per snapshot and options for every page.

    Every page of a room draws the same snapshot object, so a class of 40 computes each
    chart's spec once a week, not 40 times.
    """
    cache: dict[tuple[int, tuple], tuple[Snapshot, T]] = {}
    lock = threading.Lock()

    def cached(snap: Snapshot, *options: Any) -> T:
        key = (id(snap), options)
        with lock:
            hit = cache.get(key)
            if hit is not None and hit[0] is snap:
                return hit[1]
        spec = build(snap, *options)
        with lock:
            if len(cache) > 64:
                cache.clear()
            cache[key] = (snap, spec)
        return spec

    return cached


SHARED_CHARTS = tuple(
    replace(chart, spec=shared_build(chart.spec)) for chart in CHARTS if chart.key != "red_line"
)
"""The live dashboard's views that hold nothing private, each spec shared by the room's pages."""
SHARED_EVENTS = replace(EVENT_STRIP, spec=shared_build(EVENT_STRIP.spec))
REDLINE = shared_build(redline_spec)

SIDE_NAMES = {"negotiator": "the negotiator (N)", "adversary": "the adversary (A)"}


@dataclass(frozen=True)
class Status:
    """What every page of a room shows of it: the week, the phase, who the week waits for.

    Attributes:
        week: the weeks played so far.
        weeks: the weeks the class plays.
        phase: the room's phase.
        waiting: the labels of the roles that have not chosen this week.
    """

    week: int
    weeks: int
    phase: Phase
    waiting: tuple[str, ...]


_STATUS: dict[int, tuple[Room, int, Status]] = {}
_STATUS_LOCK = threading.Lock()


def room_status(room: Room) -> Status:
    """The room's `Status` now, computed once per change of the room for all its pages."""
    revision = room.revision
    with _STATUS_LOCK:
        hit = _STATUS.get(id(room))
    if hit is not None and hit[0] is room and hit[1] == revision:
        return hit[2]
    status = Status(
        room.run.step_count,
        room.weeks,
        room.phase,
        tuple(room.role(key).label for key in room.waiting_for()),
    )
    with _STATUS_LOCK:
        if len(_STATUS) > 64:
            _STATUS.clear()
        _STATUS[id(room)] = (room, revision, status)
    return status


def status_html(room: Room) -> str:
    """The room's status line as HTML: the week, the phase, who the week waits for, the timer.

    The timer counts down in whole seconds, so the line changes once a second while it runs.
    """
    status = room_status(room)
    muted = f'<div style="color: {MUTED};">{{}}</div>'
    parts = [
        '<div data-testid="room-week" aria-live="polite" style="font-size: 22px; '
        f'font-weight: 500;">Week {status.week} of {status.weeks}</div>',
        muted.format(f"Room {status.phase.value}"),
    ]
    if status.phase is Phase.PLAYING:
        waiting = ", ".join(status.waiting) if status.waiting else "nobody"
        parts.append(muted.format(html.escape(f"Waiting for: {waiting}")))
        left = room.seconds_left()
        if left is not None:
            parts.append(muted.format(f"Timer: about {math.ceil(left)} s left this week"))
    return "".join(parts)


def change_log_html(room: Room) -> str:
    """The latest changes of action of the room's run in words, newest first."""
    return _CHANGE_LOG(room.snapshot())


def _change_log_text(snap: Snapshot) -> str:
    return " · ".join(html.escape(c) for c in change_log(snap)) or "none yet"


_CHANGE_LOG = shared_build(_change_log_text)


def seat_state(room: Room, pid: str | None) -> Hashable:
    """What participant `pid`'s own part of the page shows: it redraws only when this changes.

    The phase and the participant's role; for the lecturer (`pid` None), the phase, the timer
    and the roster (names, roles, each side's rule and captain). Neither a new week nor a
    choice changes it: the choice shown follows the room in place.
    """
    if pid is None:
        roster = tuple((p.id, p.name, p.role) for p in list(room.participants.values()))
        rules = tuple((side, room.rules[side], room.captain(side)) for side in SIDES)
        return (room.phase, room.timer, roster, rules)
    return (room.phase, room.participant(pid).role)


def sight_state(room: Room, pid: str | None) -> Hashable:
    """What decides which private views page `pid` shows: its role and the reveal."""
    role = None if pid is None else room.participant(pid).role
    return (role, room.revealed)


@dataclass(frozen=True)
class RoomWatch:
    """A page's view of its room, reactive values that follow the room's changes.

    The status line, the charts and the change log are not among them: they follow the room
    through the page's `LiveParts`, without redrawing any component.

    Attributes:
        seat: the page's own `seat_state` (its controls redraw on it).
        sight: the page's `sight_state` (its private views redraw on it).
        phase: the room's phase (the debrief appears on it).
    """

    seat: solara.Reactive[Hashable]
    sight: solara.Reactive[Hashable]
    phase: solara.Reactive[Phase]


def use_room(room: Room, pid: str | None) -> RoomWatch:
    """The page's own state of the room, following the room's changes.

    A thread owned by the page waits on the room. On every change it pushes the page's live
    parts (`LiveParts`: the status line, the charts, the change log, a side's own choice; each
    sends only what changed) and sets the page's reactive values; a value set to what it was
    redraws nothing, so neither a choice nor a new week redraws a component. While a timer
    runs the status line counts down. The thread stops when the page closes.
    """
    seat = solara.use_reactive(seat_state(room, pid))
    sight = solara.use_reactive(sight_state(room, pid))
    phase = solara.use_reactive(room.phase)
    parts = solara.use_memo(LiveParts, [])
    solara.provide_context(LIVE_PARTS, parts)

    def watch(stop: threading.Event) -> None:
        seen = -1  # the first pass catches up with what changed before the thread ran
        while not stop.is_set():
            now = room.wait(seen, 0.5)
            if now == seen and room.seconds_left() is None:
                continue
            seen = now
            parts.redraw()
            seat.set(seat_state(room, pid))  # a set to the same value redraws nothing
            sight.set(sight_state(room, pid))
            phase.set(room.phase)

    solara.use_thread(watch, dependencies=[id(room), pid], intrusive_cancel=False)
    return RoomWatch(seat, sight, phase)


_ENCODED: dict[tuple, tuple[dict[str, Any], dict[str, Any], str, str]] = {}
_ENCODED_LOCK = threading.Lock()


class LiveParts:
    """The parts of one page that follow the room without redrawing its components.

    A part (a chart, the status line, the change log, a side's own choice) registers a push
    while it is on the page; a change of the room calls every push, which sets its widget's
    value in place when it changed and sends nothing otherwise.
    """

    def __init__(self) -> None:
        self._pushes: set[Callable[[], None]] = set()
        self._lock = threading.Lock()

    def add(self, push: Callable[[], None]) -> Callable[[], None]:
        """Register `push`; the function that unregisters it."""
        with self._lock:
            self._pushes.add(push)

        def remove() -> None:
            with self._lock:
                self._pushes.discard(push)

        return remove

    def redraw(self) -> None:
        """Call every push registered; a part the page may no longer see is left out."""
        with self._lock:
            pushes = list(self._pushes)
        for push in pushes:
            try:
                push()
            except RoomError:
                continue


LIVE_PARTS = solara.create_context(None)
"""The page's `LiveParts` (None outside a room's page)."""


@solara.component
def LiveHTML(text: Callable[[], str], attributes: dict[str, str] | None = None) -> solara.Element:
    """HTML whose text follows the room: `text()`, set in place on every change.

    The text is the widget's alone (never an argument of its element), so no redraw of the
    page can set it back to an older text.
    """
    parts = solara.use_context(LIVE_PARTS)
    element = solara.widgets.HTML.element(tag="div", attributes=dict(attributes or {}))

    def mount() -> Callable[[], None] | None:
        widget = solara.get_widget(element)

        def push() -> None:
            now = text()
            if widget.unsafe_innerHTML != now:
                widget.unsafe_innerHTML = now

        push()
        return None if parts is None else parts.add(push)

    solara.use_effect(mount, [])
    return element


@solara.component
def SharedVegaChart(
    build: Callable[..., dict[str, Any]], source: Any, *options: Any
) -> solara.Element:
    """`dashboards.views.VegaChart` for a room: the chart's JSON is encoded once for all pages.

    The first page to draw a snapshot's chart encodes it (`VegaWidget.show`); the others take
    the same text. A new week reaches the chart through the page's `LiveParts`, which set the
    widget's JSON in place.
    """
    element = VegaWidget.element()
    parts = solara.use_context(LIVE_PARTS)
    drawn = solara.use_ref(None)

    def mount() -> Callable[[], None] | None:
        widget = solara.get_widget(element)

        def push() -> None:
            spec = build(source.snapshot(), *options)
            if drawn.current is spec:
                return
            drawn.current = spec
            key = (id(build), *options)
            with _ENCODED_LOCK:
                hit = _ENCODED.get(key)
            if hit is not None and hit[0] is spec:
                with widget.hold_sync():
                    widget.spec, widget.static_json, widget.spec_json = hit[1], hit[2], hit[3]
                return
            widget.show(spec)
            with _ENCODED_LOCK:
                _ENCODED[key] = (spec, widget.spec, widget.static_json, widget.spec_json)

        push()
        return None if parts is None else parts.add(push)

    solara.use_effect(mount, [source, *options])
    return element


@solara.component
def SharedCard(chart: ChartView, source: Any, below: Callable[[], Any] | None = None):
    """`dashboards.views.ChartCard` for a room, drawing with `SharedVegaChart`."""
    with solara.Card(chart.title, subtitle=chart.caption, margin=0, classes=["view-card"]) as main:
        SharedVegaChart(chart.spec, source)
        if below is not None:
            below()
        DataBehind(chart.data, source, chart.filename)
    return main


class SharedSource:
    """The room's shared snapshot, as the chart views read it."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def snapshot(self) -> Snapshot:
        """The shared view of the run now."""
        return self.room.snapshot()


class PrivateSource:
    """Side `side`'s own estimate of the other's red line, for a page allowed to see it.

    `pid` is the participant the page belongs to (None: the lecturer).
    """

    def __init__(self, room: Room, pid: str | None, side: str) -> None:
        self.room, self.pid, self.side = room, pid, side

    def snapshot(self) -> Snapshot:
        """The shared snapshot with this side's estimates as its red-line table.

        Built once per week, side and reveal for all the participants' pages allowed to see
        it, and once for the lecturer's (who also sees the true red lines).
        """
        room = self.room
        if self.side not in room.private_sides(self.pid):
            raise RoomError("view: only the side's own team sees its estimates")
        shared = room.snapshot()
        key = (id(room), self.side, id(shared), room.revealed, self.pid is None)
        with _PRIVATE_LOCK:
            hit = _PRIVATE.get(key)
            if hit is not None and hit[0] is shared:
                return hit[1]
        view = room.private_view(self.pid, self.side)
        estimates = view.estimates.copy()
        estimates["low_95"] = estimates["estimate"] - Z_95 * estimates["sd"]
        estimates["high_95"] = estimates["estimate"] + Z_95 * estimates["sd"]
        truth = math.nan if view.truth is None else view.truth
        private = replace(shared, redline=estimates, true_red_line=truth)
        with _PRIVATE_LOCK:
            if len(_PRIVATE) > 64:
                _PRIVATE.clear()
            _PRIVATE[key] = (shared, private)
        return private


_PRIVATE: dict[tuple, tuple[Snapshot, Snapshot]] = {}
_PRIVATE_LOCK = threading.Lock()


@solara.component
def RoomStatus(room: Room) -> solara.Element:
    """The week, the phase, who the week waits for, and the timer, following the room."""
    return LiveHTML(lambda: status_html(room), {"data-testid": "room-status"})


@solara.component
def RoomChangeLog(room: Room) -> solara.Element:
    """The latest changes of action of the room's run, following the room."""
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}) as main:
        solara.Text("Latest changes:", style={"color": MUTED, "font-size": "13px"})
        LiveHTML(
            lambda: change_log_html(room),
            {"aria-live": "polite", "data-testid": "event-log", "style": "font-size: 13px;"},
        )
    return main


@solara.component
def PrivateViews(room: Room, pid: str | None, sight: Hashable) -> solara.Element:
    """The private views this page may see: its side's estimate (every side's for the lecturer).

    Redraws when the page's `sight` state (role, reveal) changes; a new week reaches its chart
    through the page's `LiveParts`. The estimates are the room's, built once per week and side
    for every page allowed to see them.
    """
    sides = room.private_sides(pid)
    sources = solara.use_memo(
        lambda: {side: PrivateSource(room, pid, side) for side in SIDES}, [id(room), pid]
    )
    with solara.Column(gap="12px") as main:
        for side in sides:
            other = SIDES[1 - SIDES.index(side)]
            source = sources[side]
            truth = source.snapshot().true_red_line
            with solara.Card(
                f"Estimate of {SIDE_NAMES[other]}'s red line by {SIDE_NAMES[side]}",
                subtitle="Mean and 95% band; private to that side until the lecturer reveals",
                margin=0,
                classes=["view-card", f"private-{side}"],
            ):
                SharedVegaChart(REDLINE, source, False)
                if not math.isnan(truth):
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=f"True red line of {SIDE_NAMES[other]}: {truth:.3f}",
                        attributes={"data-testid": f"truth-{other}"},
                    )
        if not sides:
            solara.Text(
                "Media see no side's private estimates until the lecturer reveals them.",
                style={"color": MUTED},
            )
    return main


@solara.component
def SharedCharts(room: Room) -> solara.Element:
    """The event strip and the live dashboard's shared views of the room's run."""
    source = solara.use_memo(lambda: SharedSource(room), [id(room)])
    with solara.Column(gap="12px") as main:
        SharedCard(SHARED_EVENTS, source, below=lambda: RoomChangeLog(room))
        with solara.Div(classes=["view-grid"]):
            for chart in SHARED_CHARTS:
                SharedCard(chart, source)
    return main


@solara.component
def Debrief(room: Room) -> solara.Element:
    """The class's run beside the strategies' run, and the log of every choice."""
    metric, set_metric = solara.use_state(METRICS[0][0])
    baseline = solara.use_memo(lambda: strategy_run(room), [id(room), room.run.step_count])
    data = comparison(room, metric, baseline)
    with solara.Column(gap="12px") as main:
        solara.Markdown("## Debrief: what the class changed")
        solara.Text(
            "The same scenario and seed with every side following the config's strategy, "
            "beside the class's run; differences in points (hundredths of the index).",
            style={"color": MUTED},
        )
        solara.DataFrame(differences(room, baseline).round(3), items_per_page=10)
        solara.Select(
            label="Measure",
            value=metric,
            values=[m for m, _ in METRICS],
            on_value=lambda v: set_metric(v) if v in dict(METRICS) else None,
        )
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            with solara.Card("Class and strategies", margin=0, classes=["view-card"]):
                SpecChart(bands_spec(data, metric))
            with solara.Card("The class minus the strategies", margin=0, classes=["view-card"]):
                SpecChart(differences_spec(data, metric, "strategies"))
        solara.Markdown("### Log of every choice")
        solara.DataFrame(room.log_frame(), items_per_page=12)
    return main
