# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The live page's run controls: Reset, Play/Pause, Step, the speed, jumps, and pinned runs.

`RunControls` drives a `dashboards.player.Player`: Pause and Reset halt it before anything
else, so they take effect within one step at any speed; the week counter is also the
browser's acknowledgement of the week shown (`dashboards.ack`). `PinControls` keeps runs as
faded references and chooses what the headline changes are measured against. Each control
changes the session only through `dashboards.controls.Actions`.
"""

from __future__ import annotations

import html

import solara
from mesa.visualization.utils import update_counter

from dashboards.ack import WeekCounter
from dashboards.controls import Actions
from dashboards.help import WithHelp
from dashboards.player import SPEEDS, Player, target_week, weeks_ahead
from dashboards.registry import touch_seat
from dashboards.session import PIN_LIMIT
from experiments.palette import INK


@solara.component
def RunControls(act: Actions, player: Player, playing: solara.Reactive[bool], revision: int):
    """Reset, Play/Pause and Step, the week counter, the speed asked and achieved, and jumps.

    Pause and Reset halt the player before anything else (it checks before every step), so
    they take effect within one step at any speed. It redraws on every step (it reads
    `update_counter`) and when the controls change (`revision`, the session's count of
    changes).
    """
    update_counter.get()
    session = act.session
    pending = bool(session.form.pending_changes())
    speed = solara.use_reactive(player.speed)
    jump, set_jump = solara.use_state("")
    ahead, set_ahead = solara.use_state("10")

    def halt() -> None:
        player.halt()
        playing.set(False)

    def reset() -> None:
        halt()
        session.reset()

    def play(until: int | None = None, fast: bool = False) -> None:
        player.prepare(until, fast)
        playing.set(True)

    def toggle() -> None:
        touch_seat()
        if playing.value:
            halt()
        else:
            play()

    def run_to(text: str) -> None:
        play(target_week(session, text), fast=True)

    def step_ahead(text: str) -> None:
        play(session.step_count + weeks_ahead(session, text), fast=True)

    def set_speed(value: int) -> None:
        speed.set(player.set_speed(value))

    with solara.Card("Run", margin=0) as main:
        WeekCounter.element(
            text=f"Week {session.step_count} of {session.horizon}",
            week=session.step_count,
            colour=INK,
            on_shown=player.shown,
        )
        applied = session.form.applied
        ended = " · end of the run: Reset to start again" if session.finished else ""
        solara.HTML(
            tag="div",
            unsafe_innerHTML=html.escape(
                f"{session.config.name} / {applied.scenario} · {applied.observers:,} observers "
                f"· seed {applied.seed}{ended}"
            ),
            classes=["control-note"],
            attributes={"data-testid": "run-about"},
        )
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            with WithHelp("reset"):
                solara.Button(
                    "Reset",
                    icon_name="mdi-restart",
                    color="primary",
                    outlined=not pending,
                    on_click=act(reset, model=True),
                )
            with WithHelp("play"):
                solara.Button(
                    "Pause" if playing.value else "Play",
                    icon_name="mdi-pause" if playing.value else "mdi-play",
                    color="primary",
                    disabled=session.finished and not playing.value,
                    on_click=toggle,
                )
            with WithHelp("step"):
                solara.Button(
                    "Step",
                    icon_name="mdi-step-forward",
                    color="primary",
                    disabled=playing.value or session.finished,
                    on_click=act(session.step, model=True, controls=False),
                )
        with WithHelp("speed"):
            solara.SliderInt(
                "Speed (weeks per second)",
                value=speed.value,
                on_value=set_speed,
                min=SPEEDS[0],
                max=SPEEDS[1],
                thumb_label=True,
            )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=player.speed_text(),
            classes=["control-note"],
            attributes={"data-testid": "speed"},
        )
        with solara.Row(gap="6px", style={"align-items": "baseline"}):
            with WithHelp("run_to_week"):
                solara.InputText(
                    "Run to week",
                    value=jump,
                    on_value=lambda text: set_jump(text or ""),
                    continuous_update=True,
                )
            with WithHelp("go"):
                solara.Button(
                    "Go",
                    small=True,
                    outlined=True,
                    disabled=playing.value or session.finished,
                    on_click=act(lambda: run_to(jump)),
                    attributes={"aria-label": "Run to the week typed"},
                )
        with solara.Row(gap="6px", style={"align-items": "baseline"}):
            with WithHelp("weeks_to_advance"):
                solara.InputText(
                    "Weeks to advance",
                    value=ahead,
                    on_value=lambda text: set_ahead(text or ""),
                    continuous_update=True,
                )
            with WithHelp("advance"):
                solara.Button(
                    "Advance",
                    small=True,
                    outlined=True,
                    disabled=playing.value or session.finished,
                    on_click=act(lambda: step_ahead(ahead)),
                    attributes={"aria-label": "Advance the number of weeks typed"},
                )
    return main


@solara.component
def PinControls(act: Actions, revision: int) -> solara.Element:
    """Pin the running run as a faded reference; the pinned runs; what changes are measured against.

    A pinned run stays on every time chart, faded and labelled, while a new run starts from
    Reset; at most `PIN_LIMIT` stay (pinning one more drops the oldest, and says so).
    """
    update_counter.get()
    session = act.session
    label, set_label = solara.use_state("")
    with solara.Card("Compare runs", margin=0) as main:
        solara.Text(
            "Pin this run to keep it on the charts, faded, while you Reset and run another "
            f"(at most {PIN_LIMIT}).",
            classes=["control-note"],
        )
        with solara.Row(gap="6px", style={"align-items": "baseline"}):
            with WithHelp("pin_label"):
                solara.InputText(
                    "Label (optional)",
                    value=label,
                    on_value=lambda text: set_label(text or ""),
                    continuous_update=True,
                )
            with WithHelp("pin_run"):
                solara.Button(
                    "Pin this run",
                    icon_name="mdi-pin",
                    small=True,
                    color="primary",
                    disabled=session.step_count < 1,
                    on_click=act(lambda: (session.pin(label), set_label("")), model=True),
                )
        for run in session.pinned:
            with solara.Row(gap="6px", style={"align-items": "center"}):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=f"<b>{_escape(run.label)}</b> · {_escape(run.about)}",
                    classes=["control-note"],
                    attributes={"data-testid": "pinned-run"},
                )
                with WithHelp("unpin"):
                    solara.Button(
                        "Unpin",
                        small=True,
                        text=True,
                        on_click=act(session.unpin, run.label, model=True),
                        attributes={"aria-label": f"Unpin {run.label}"},
                    )
        for line in session.notices:
            solara.Text(line, classes=["control-note"])
        with WithHelp("reference"):
            solara.Select(
                "Measure changes against",
                values=session.reference_choices(),
                value=session.reference,
                on_value=lambda choice: act(session.set_reference, choice, model=True)(),
            )
    return main


def _escape(text: str) -> str:
    return html.escape(text)
