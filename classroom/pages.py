# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The participant's page and the lecturer's page of a classroom room.

A participant joins with the room's code and a name; the page keeps the id the room gave them
on the server (the browser never sees or sends it) and sends each choice with it, so the room
can refuse any choice for another role. A side's choice travels as ``role/action``, which the
room checks against the participant's own role. The page's address then carries the
participant's secret seat link, which is all a reloaded tab needs to find its seat again. The
lecturer's page needs the lecturer's link (`classroom.hall.is_lecturer`); without it the page
shows nothing but that.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Hashable
from urllib.parse import parse_qs

import ipyvuetify
import segno
import solara

from agents.actions import Action
from classroom.debrief import scenario_yaml
from classroom.hall import HALL, is_lecturer, join_url, served_config
from classroom.roles import TeamRule
from classroom.room import Lecture, Phase, Room, RoomError
from classroom.views import (
    LIVE_PARTS,
    Debrief,
    LiveHTML,
    PrivateViews,
    RoomStatus,
    RoomWatch,
    SharedCharts,
    use_room,
)
from experiments.palette import MUTED

CHOICE_LABEL = "Your action this week"
SLANT_LABEL = "Your outlet's slant (-1 favours A, +1 favours N)"


@functools.cache
def _action_items(role_key: str) -> list[dict[str, str]]:
    """A side's actions as the choice's items (one list per side, so a redraw resends none)."""
    return [{"text": a.value, "value": f"{role_key}/{a.value}"} for a in Action]


def _query(router_search: str | None) -> dict[str, str]:
    values = parse_qs(router_search or "")
    return {k: v[0] for k, v in values.items() if v}


def _attempt(action: Callable[[], object], problem: solara.Reactive[str]) -> None:
    """Run `action`; a refusal of the room becomes the page's one-line problem."""
    try:
        action()
        problem.set("")
    except RoomError as error:
        problem.set(str(error))


@solara.component
def Problem(problem: solara.Reactive[str]) -> solara.Element:
    """The last refusal, if any."""
    with solara.Column() as main:
        if problem.value:
            solara.Error(problem.value, attributes={"data-testid": "refusal"})
    return main


@solara.component
def JoinForm(on_join: Callable[[str, str], None], code: str) -> solara.Element:
    """The join code and a name."""
    typed_code = solara.use_reactive(code)
    name = solara.use_reactive("")
    with solara.Card("Join the class's room", margin=0, style={"max-width": "480px"}) as main:
        solara.InputText("Join code", value=typed_code, continuous_update=True)
        solara.InputText("Your name", value=name, continuous_update=True)
        solara.Button(
            "Join", color="primary", on_click=lambda: on_join(typed_code.value, name.value)
        )
    return main


@solara.component
def Choices(room: Room, pid: str, problem: solara.Reactive[str], seat: Hashable) -> solara.Element:
    """The participant's choice for this week: their side's action or their outlet's slant.

    Redraws only when the participant's `seat` state (phase, role) changes; the choice shown
    and the line under it follow the room in place, so a new week or a choice redraws nothing.
    """
    role_key = room.participant(pid).role
    slant = solara.use_reactive(0.0)
    with solara.Column(gap="6px") as main:
        if role_key is None:
            solara.Text("You watch: the lecturer has not given you a role yet.")
            return main
        role = room.role(role_key)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"You play: {role.label}",
            attributes={"data-testid": "my-role"},
            style="font-size: 18px;",
        )
        if room.phase is not Phase.PLAYING:
            solara.Text("Choices open while the room plays.", style={"color": MUTED})
            return main
        if role.is_side:
            ActionChoice(room, pid, role_key, problem)
        else:
            solara.SliderFloat(SLANT_LABEL, value=slant, min=-1.0, max=1.0, step=0.05)
            solara.Button(
                "Send slant",
                color="primary",
                on_click=lambda: _attempt(lambda: room.choose(pid, role_key, slant.value), problem),
            )
        LiveHTML(lambda: own_choice_text(room, pid), {"data-testid": "mine"})
    return main


def own_choice_text(room: Room, pid: str) -> str:
    """The line under a participant's choice: what they chose this week so far."""
    chosen = room.own_choice(pid)
    text = "not yet" if chosen is None else (getattr(chosen, "value", None) or f"{chosen:+.2f}")
    return f"Your choice: {html.escape(text)}"


def _shown_choice(room: Room, pid: str, role_key: str) -> str | None:
    chosen = room.own_choice(pid)
    return f"{role_key}/{chosen.value}" if isinstance(chosen, Action) else None


@solara.component
def ActionChoice(
    room: Room, pid: str, role_key: str, problem: solara.Reactive[str]
) -> solara.Element:
    """A side's action for this week, shown as the room has it (empty at a new week).

    A change made on the page is sent as ``role/action``; the room checks it, and a refused
    one is taken back off the page. The room's own value, set on the widget, is not sent back.
    """
    parts = solara.use_context(LIVE_PARTS)
    element = ipyvuetify.Select.element(
        label=CHOICE_LABEL, items=_action_items(role_key), outlined=True
    )

    def mount() -> Callable[[], None]:
        widget = solara.get_widget(element)

        def push() -> None:
            shown = _shown_choice(room, pid, role_key)
            if widget.v_model != shown:
                widget.v_model = shown

        def changed(change: dict) -> None:
            value = change["new"]
            if not isinstance(value, str) or value == _shown_choice(room, pid, role_key):
                return  # the room's own value, just set on the widget
            claimed, _, action = value.partition("/")
            _attempt(lambda: room.choose(pid, claimed, action), problem)
            push()

        widget.observe(changed, "v_model")
        push()
        remove = parts.add(push) if parts is not None else None

        def cleanup() -> None:
            widget.unobserve(changed, "v_model")
            if remove is not None:
                remove()

        return cleanup

    solara.use_effect(mount, [role_key])
    return element


@solara.component
def ParticipantPage() -> solara.Element:
    """A participant's page: join, then the room as their role sees it.

    After joining, the page's address carries the participant's seat link (``?seat=...``), so
    reloading the tab (or reopening the address) brings back the same seat, role and choices.
    """
    router = solara.use_router()
    query = _query(router.search)
    joined = solara.use_reactive(None)  # (room, participant id), kept on the server
    problem = solara.use_reactive("")
    seat = query.get("seat")

    def join(code: str, name: str) -> None:
        def attempt() -> None:
            room = HALL.find(code)
            participant = room.join(code, name)
            joined.set((room, participant.id))
            router.push(f"{router.path}?seat={participant.seat}")

        _attempt(attempt, problem)

    def reclaim() -> None:
        if seat and joined.value is None:

            def attempt() -> None:
                room, participant = HALL.reclaim(seat)
                joined.set((room, participant.id))

            _attempt(attempt, problem)

    solara.use_effect(reclaim, [seat])

    with solara.Column(gap="12px", style={"padding": "8px"}) as main:
        Problem(problem)
        if joined.value is None:
            JoinForm(join, query.get("code", ""))
        else:
            room, pid = joined.value
            Seat(room, pid, problem)
    return main


@solara.component
def Seat(room: Room, pid: str, problem: solara.Reactive[str]) -> solara.Element:
    """The room as participant `pid` sees it; only what changes for this page redraws.

    The status line, the change log and the charts follow the room in place (another
    participant's choice rewrites the status line's text alone); the participant's controls
    redraw on their own state (a new week, their choice, role or phase), their private views
    on their role and the reveal.
    """
    watch = use_room(room, pid)
    name = room.participant(pid).name
    with solara.Column(gap="12px") as main:
        solara.Text(f"{name} in room {room.code}", style={"color": MUTED})
        RoomStatus(room)
        OwnChoices(room, pid, problem, watch)
        OwnPrivateViews(room, pid, watch)
        SharedCharts(room)
        Ending(room, watch)
    return main


@solara.component
def OwnChoices(
    room: Room, pid: str, problem: solara.Reactive[str], watch: RoomWatch
) -> solara.Element:
    """The participant's choice, redrawn on their own state."""
    return Choices(room, pid, problem, watch.seat.value)


@solara.component
def OwnPrivateViews(room: Room, pid: str | None, watch: RoomWatch) -> solara.Element:
    """The private views the page may see, redrawn on its role and the reveal."""
    return PrivateViews(room, pid, watch.sight.value)


@solara.component
def Ending(room: Room, watch: RoomWatch) -> solara.Element:
    """The debrief, once the room has ended."""
    with solara.Column(gap="12px") as main:
        if watch.phase.value is Phase.ENDED:
            Debrief(room)
    return main


@solara.component
def LecturerPage() -> solara.Element:
    """The lecturer's page: create a room, show its code, run it, reveal, end, debrief."""
    query = _query(solara.use_router().search)
    room = solara.use_reactive(None)
    problem = solara.use_reactive("")
    if not is_lecturer(query.get("key")):
        return solara.Warning(
            "This page needs the lecturer's link (the one `run.py classroom` printed).",
            attributes={"data-testid": "not-lecturer"},
        )
    with solara.Column(gap="12px", style={"padding": "8px"}) as main:
        Problem(problem)
        if room.value is None:
            CreateRoom(lambda made: room.set(made), problem)
        else:
            RunRoom(room.value, problem, lambda: room.set(None))
    return main


@solara.component
def CreateRoom(on_create: Callable[[Room], None], problem: solara.Reactive[str]) -> solara.Element:
    """Choose the scenario and the number of weeks; create the room."""
    config = solara.use_memo(served_config, [])
    scenario = solara.use_reactive(config.scenarios[0])
    weeks = solara.use_reactive(min(config.steps, 10))

    def create() -> None:
        def attempt() -> None:
            if scenario.value not in config.scenarios:
                raise RoomError("scenario: expected one of the config's scenarios")
            if not 1 <= int(weeks.value) <= config.steps:
                raise RoomError(f"weeks: expected 1 to {config.steps}")
            on_create(HALL.create(config, scenario.value, int(weeks.value)))

        _attempt(attempt, problem)

    with solara.Card(f"New room on {config.name}", margin=0, style={"max-width": "520px"}) as main:
        solara.Select("Scenario", value=scenario, values=list(config.scenarios))
        solara.InputInt("Weeks to play", value=weeks)
        solara.Button("Create room", color="primary", on_click=create)
    return main


@solara.component
def RunRoom(room: Room, problem: solara.Reactive[str], close: Callable[[], None]) -> solara.Element:
    """A room's code and QR code, its participants and roles, its controls and views."""
    watch = use_room(room, None)
    lecture = solara.use_memo(lambda: room.lecture(room.lecturer_key), [id(room)])
    link = join_url(room.code)
    qr = solara.use_memo(lambda: segno.make(link, error="m").svg_inline(scale=4), [link])
    with solara.Column(gap="12px") as main:
        with solara.Row(gap="24px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"Join code: <b>{room.code}</b>",
                attributes={"data-testid": "join-code"},
                style="font-size: 32px;",
            )
            solara.HTML(tag="div", unsafe_innerHTML=qr, attributes={"data-testid": "join-qr"})
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"or open {_escape(link)}",
                attributes={"data-testid": "join-link"},
            )
        RoomStatus(room)
        LecturerNow(room, lecture, problem, close, watch)
        OwnPrivateViews(room, None, watch)
        SharedCharts(room)
        LecturerEnding(room, watch)
    return main


@solara.component
def LecturerEnding(room: Room, watch: RoomWatch) -> solara.Element:
    """Once the room has ended: the debrief, "Save as scenario", the log and the run as CSV."""
    with solara.Column(gap="12px") as main:
        if watch.phase.value is Phase.ENDED:
            Debrief(room)
            solara.FileDownload(
                data=lambda: scenario_yaml(room).encode(),
                filename=f"{room.config.name}-class.yaml",
                label="Save as scenario",
                mime_type="application/x-yaml",
            )
            solara.FileDownload(
                data=lambda: room.log_frame().to_csv(index=False).encode(),
                filename=f"{room.config.name}-class-log.csv",
                label="Download the log (CSV)",
                mime_type="text/csv",
            )
            solara.FileDownload(
                data=lambda: room.run.tables().timeseries.to_csv(index=False).encode(),
                filename=f"{room.config.name}-class-run.csv",
                label="Download the class's run (CSV)",
                mime_type="text/csv",
            )
    return main


@solara.component
def LecturerNow(
    room: Room,
    lecture: Lecture,
    problem: solara.Reactive[str],
    close: Callable[[], None],
    watch: RoomWatch,
) -> solara.Element:
    """What changes with the room's week, phase, timer and roster: the controls, the roster."""
    now = watch.seat.value
    with solara.Column(gap="12px") as main:
        Controls(room, lecture, problem, close)
        Roster(room, lecture, problem, now)
    return main


@solara.component
def Controls(
    room: Room, lecture: Lecture, problem: solara.Reactive[str], close: Callable[[], None]
) -> solara.Element:
    """Start, pause, end the week, reveal, end; the timer."""
    timer = solara.use_reactive(int(room.timer or 0))

    def set_timer() -> None:
        _attempt(lambda: lecture.set_timer(float(timer.value) if timer.value else None), problem)

    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}) as main:
        label = "Resume" if room.phase is Phase.PAUSED else "Start"
        solara.Button(label, color="primary", on_click=lambda: _attempt(lecture.start, problem))
        solara.Button("Pause", on_click=lambda: _attempt(lecture.pause, problem))
        solara.Button("End the week now", on_click=lambda: _attempt(lecture.advance, problem))
        solara.Button("Reveal red lines", on_click=lambda: _attempt(lecture.reveal, problem))
        solara.Button("End", color="error", on_click=lambda: _attempt(lecture.end, problem))
        solara.InputInt("Timer per week (s, 0: none)", value=timer)
        solara.Button("Set timer", on_click=set_timer)
        solara.Button("New room", on_click=close)
    return main


@solara.component
def Roster(
    room: Room, lecture: Lecture, problem: solara.Reactive[str], revision: Hashable
) -> solara.Element:
    """Everyone who joined, with a role each; each side's rule and captain."""
    roles = [{"text": "watching", "value": ""}] + [
        {"text": r.label, "value": r.key} for r in room.roles
    ]
    with solara.Column(gap="4px") as main:
        solara.Markdown(f"**Participants ({len(room.participants)})**")
        for participant in list(room.participants.values()):
            pid = participant.id

            def assign(value: object, pid: str = pid) -> None:
                _attempt(lambda: lecture.assign(pid, value or None), problem)  # type: ignore[arg-type]

            solara.v.Select(
                label=f"Role of {participant.name}",
                items=roles,
                v_model=participant.role or "",
                on_v_model=assign,
                dense=True,
            )
        for side in ("negotiator", "adversary"):
            members = room.members(side)
            names = {room.participants[m].name: m for m in members}

            def rule(value: object, side: str = side) -> None:
                chosen = next((r for r in TeamRule if r.value == value), None)
                _attempt(lambda: lecture.set_rule(side, chosen), problem)  # type: ignore[arg-type]

            def captain(value: object, side: str = side, names: dict = names) -> None:
                pid = names.get(value) if isinstance(value, str) else None
                _attempt(lambda: lecture.set_captain(side, pid or ""), problem)

            with solara.Row(gap="8px"):
                solara.Select(
                    f"{side.capitalize()} team decides by",
                    value=room.rules[side].value,
                    values=[r.value for r in TeamRule],
                    on_value=rule,
                )
                if names:
                    current = room.captain(side)
                    solara.Select(
                        f"Captain of the {side} team",
                        value=room.participants[current].name if current else None,
                        values=list(names),
                        on_value=captain,
                    )
    return main


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
