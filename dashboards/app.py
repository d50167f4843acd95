# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The live Solara dashboard: watch the narrative shift and intervene.

Run it with ``python run.py dashboard [CONFIG]``, which serves it behind the access checks of
`dashboards.server`. Solara calls `Page` once per browser session, and `Page` takes a seat
(`dashboards.registry`: a limit on sessions, an idle timeout) and makes that session's own
`DashboardSession`, so two people on one server never see each other's runs. Pages are listed
in `PAGES`; with more than one, `Page` shows them as tabs that share the session.

Whatever the browser sends is a choice among names the server offered (`dashboards.catalog`);
nothing it sends is opened as a path.

The layout follows SolaraViz's conventions: the app bar names the model, a column at the left
holds the controls (Reset, Play, Step, speed, then the model's parameters), and the main area
the views. Redraws go through Mesa's `update_counter` as in SolaraViz.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from agents.actions import SIDES
from dashboards.catalog import ConfigCatalog, page_lines, start_config
from dashboards.compare_page import ComparePage
from dashboards.registry import registry, take_seat, touch_seat
from dashboards.session import (
    INTERVENTIONS,
    ROLE_LABELS,
    DashboardSession,
    SessionError,
    action_label,
)
from dashboards.views import (
    ADVERSARY_COLOUR,
    INK,
    MUTED,
    NEGOTIATOR_COLOUR,
    SIDE_COLOURS,
    VIEWS,
    EventStrip,
    current_snapshot,
)
from model.config import NAME_PATTERN, ConfigError, load_config

TITLE = "Diplomacy and legitimacy: live"

FALLBACK_CONFIG: dict[str, Any] = {
    "name": "default",
    "description": "The model's defaults (the config given could not be opened)",
    "scenarios": {"defaults": None},
}
"""What a session runs when its config no longer validates (the problem is shown)."""

CSS = f"""
.live-page {{ display: grid; grid-template-columns: 350px minmax(0, 1fr); gap: 16px;
              padding: 4px 8px; align-items: start; }}
.live-controls {{ position: sticky; top: 8px; max-height: calc(100vh - 80px); overflow-y: auto;
                  padding: 2px; }}
.view-grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(430px, 1fr));
              gap: 12px; }}
@media (max-width: 900px) {{ .live-page {{ grid-template-columns: minmax(0, 1fr); }}
                            .live-controls {{ position: static; max-height: none; }} }}
.view-card {{ height: 100%; }}
.view-card .v-card__title {{ font-size: 1.05rem; padding-bottom: 0; color: {INK}; }}
.view-card .v-card__subtitle {{ padding-top: 4px; color: {MUTED}; }}
.vega-embed {{ width: 100%; }}
.kpi {{ border-left: 5px solid #AAB2BD; padding: 6px 12px; background: white;
        border-radius: 4px; box-shadow: 0 1px 3px rgba(0,0,0,.12); min-width: 150px; }}
.kpi .kpi-label {{ font-size: 12px; color: {MUTED}; }}
.kpi .kpi-value {{ font-size: 24px; font-weight: 500; color: {INK}; line-height: 1.2; }}
.kpi .kpi-delta {{ font-size: 12px; color: {MUTED}; }}
.side-negotiator {{ border-color: {NEGOTIATOR_COLOUR}; }}
.side-adversary {{ border-color: {ADVERSARY_COLOUR}; }}
.side-heading {{ font-weight: 500; font-size: 14px; margin: 6px 0 2px 0; }}
.control-note {{ font-size: 12px; color: {MUTED}; }}
.v-btn:focus-visible, .v-input input:focus-visible {{ outline: 3px solid #56B4E9; }}
"""


def open_session() -> DashboardSession:
    """A new session on the config named by the environment (see `DashboardSession.open`).

    If that config no longer validates, the session runs the model's defaults and shows why.
    """
    path = start_config()
    try:
        return DashboardSession.open(path)
    except ConfigError as error:
        configs = ConfigCatalog.beside(path)
        session = DashboardSession.from_config(load_config(FALLBACK_CONFIG), configs=configs)
        session.problems = [f"config not opened: {line}" for line in page_lines(error, path.name)]
        return session


@dataclass(frozen=True)
class Actions:
    """The page's way to change its session: each change redraws what depends on it.

    A change of the controls bumps `controls` (the controls redraw); a change of the model
    bumps Mesa's `update_counter` (the week counter, the indicators and the charts redraw, as
    in SolaraViz). Any error becomes a message in the page; the last good model stays.
    """

    session: DashboardSession
    controls: solara.Reactive[int]

    def __call__(
        self, action: Callable[..., Any], *args: Any, model: bool = False, controls: bool = True
    ) -> Callable[..., None]:
        """A callback running `action(*args)`; `model`/`controls`: what it changes."""

        def run(*_: Any) -> None:
            touch_seat()
            failed = True
            try:
                action(*args)
                failed = False
            except SessionError as error:
                self.session.problems = [str(error)]
            except Exception as error:  # the page's edge: report, keep the last good model
                self.session.problems = [f"error: {type(error).__name__}: {error}"]
            if controls or failed:
                self.session.revision += 1
                self.controls.set(self.session.revision)
            if model:
                force_update()

        return run


def _raise(error: Exception) -> None:
    raise error


@solara.component
def RunControls(
    act: Actions,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[int],
    revision: int,
) -> solara.Element:
    """Reset, Play/Pause and Step, the week counter and the play speed.

    It redraws on every step (it reads `update_counter`) and when the controls change
    (`revision`, the session's count of changes).
    """
    update_counter.get()
    session = act.session
    pending = bool(session.pending_changes())

    def reset() -> None:
        playing.set(False)
        session.reset()

    def toggle() -> None:
        touch_seat()
        playing.set(not playing.value)

    with solara.Card("Run", margin=0) as main:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"Week {session.step_count} of {session.horizon}",
            attributes={"data-testid": "step-counter", "aria-live": "polite"},
            style=f"font-size: 20px; font-weight: 500; color: {INK};",
        )
        applied = session.applied
        solara.Text(
            f"{session.config.name} / {applied.scenario} · {applied.observers:,} observers · "
            f"seed {applied.seed}",
            classes=["control-note"],
        )
        if session.finished:
            solara.Text("End of the run: Reset to start again.", classes=["control-note"])
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            solara.Button(
                "Reset",
                icon_name="mdi-restart",
                color="primary",
                outlined=not pending,
                on_click=act(reset, model=True),
            )
            solara.Button(
                "Pause" if playing.value else "Play",
                icon_name="mdi-pause" if playing.value else "mdi-play",
                color="primary",
                disabled=session.finished,
                on_click=toggle,
            )
            solara.Button(
                "Step",
                icon_name="mdi-step-forward",
                color="primary",
                disabled=playing.value or session.finished,
                on_click=act(session.step, model=True, controls=False),
            )
        solara.SliderInt("Speed (weeks per second)", value=speed, min=1, max=30, thumb_label=True)
    return main


@solara.component
def InterventionControls(act: Actions, revision: int) -> solara.Element:
    """Buttons that force a side's action from the next week until another click."""
    session = act.session
    with solara.Card("Interventions", margin=0) as main:
        solara.Text(
            "A click sets that side's action from the next week on, until another click or "
            "'back to strategy'.",
            classes=["control-note"],
        )
        for role in SIDES:
            current = session.intervention(role)
            strategy = session.applied.strategy(role)[0]
            status = (
                f"forced: {action_label(current)}"
                if current is not None
                else f"following its strategy ({strategy.replace('_', ' ')})"
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{ROLE_LABELS[role]} · {status}",
                classes=["side-heading"],
                attributes={"data-testid": f"status-{role}"},
                style=f"color: {SIDE_COLOURS[role]}; filter: brightness(0.8);",
            )
            with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
                for action in INTERVENTIONS[role]:
                    active = current is action
                    solara.Button(
                        action_label(action),
                        small=True,
                        outlined=not active,
                        dark=active,
                        color=SIDE_COLOURS[role] if active else None,
                        on_click=act(session.intervene, role, action),
                        attributes={
                            "aria-label": f"{ROLE_LABELS[role]}: {action_label(action)}",
                            "aria-pressed": "true" if active else "false",
                        },
                    )
                solara.Button(
                    "back to strategy",
                    small=True,
                    text=True,
                    disabled=current is None,
                    on_click=act(session.intervene, role, None),
                    attributes={"aria-label": f"{ROLE_LABELS[role]}: back to strategy"},
                )
    return main


def _pending(label: str, changed: bool) -> str:
    return f"{label} (pending)" if changed else label


@solara.component
def SetupControls(act: Actions, revision: int) -> solara.Element:
    """The parameters that need a new model: they stay pending until Reset."""
    session = act.session
    applied, pending = session.applied, session.pending
    changes = session.pending_changes()

    with solara.Card("Set-up", subtitle="Changes apply on Reset", margin=0) as main:
        configs = session.available_configs()
        if configs:
            current = session.config_path.name if session.config_path else configs[0]
            solara.Select(
                "Config (opens now)",
                values=configs,
                value=current,
                on_value=lambda name: act(session.open_config, name, model=True)(),
            )
        solara.Select(
            _pending("Scenario", pending.scenario != applied.scenario),
            values=list(session.config.scenarios),
            value=pending.scenario,
            on_value=lambda name: act(session.set_scenario, name)(),
        )
        for role in SIDES:
            name, _ = pending.strategy(role)
            solara.Select(
                _pending(
                    f"{ROLE_LABELS[role]} strategy",
                    pending.strategy(role) != applied.strategy(role),
                ),
                values=session.strategy_choices(role),
                value=name,
                on_value=lambda value, role=role: act(session.set_strategy, role, value)(),
            )
            for key, kind in session.option_fields(role):
                label = f"{role}.{key}"
                solara.InputText(
                    f"{ROLE_LABELS[role]}: {key.replace('_', ' ')}"
                    + (" (week)" if kind == "int" else ""),
                    value=session.draft(label),
                    on_value=lambda text, role=role, key=key: act(
                        session.set_option, role, key, text or ""
                    )(),
                    error=session.errors.get(label, False),
                )
        solara.SliderFloat(
            _pending(
                f"Negotiator (N) deterrence: {pending.deterrence:.2f}",
                pending.deterrence != applied.deterrence,
            ),
            value=pending.deterrence,
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda value: act(session.set_deterrence, value)(),
        )
        solara.Select(
            _pending("Media ecology", pending.media != applied.media),
            values=session.media_choices(),
            value=pending.media,
            on_value=lambda value: act(session.set_media, value)(),
        )
        solara.InputText(
            _pending("Observers", pending.observers != applied.observers),
            value=session.draft("observers"),
            on_value=lambda text: act(session.set_observers, text or "")(),
            error=session.errors.get("observers", False),
        )
        solara.InputText(
            _pending("Seed (the config's base seed)", pending.seed != applied.seed),
            value=session.draft("seed"),
            on_value=lambda text: act(session.set_seed, text or "")(),
            error=session.errors.get("seed", False),
        )
        if changes:
            solara.Warning(
                "Pending until Reset: " + "; ".join(changes),
                dense=True,
                attributes={"data-testid": "pending"},
            )
    return main


@solara.component
def SaveControls(act: Actions) -> solara.Element:
    """Save as scenario: the session's actions as a scripted scenario in a YAML file."""
    update_counter.get()
    session = act.session
    name, set_name = solara.use_state("dashboard_session")
    valid = re.fullmatch(NAME_PATTERN, name or "") is not None
    ready = session.step_count >= 1

    def yaml_bytes() -> bytes:
        try:
            return session.scenario_yaml(name).encode("utf-8")
        except SessionError as error:
            act(_raise, error)()
            return f"# not saved: {error}\n".encode()

    with solara.Card(
        "Save as scenario",
        subtitle="Both sides' actions as a scripted scenario; replays exactly with run.py batch",
        margin=0,
    ) as main:
        solara.InputText(
            "Scenario name",
            value=name,
            on_value=lambda text: set_name(text or ""),
            continuous_update=True,
            error=False if valid else "only letters, digits, - and _",
        )
        if ready and valid:
            solara.FileDownload(
                data=yaml_bytes,
                filename=f"{name}.yaml",
                label="Save as scenario",
                mime_type="application/x-yaml",
            )
        else:
            solara.Button("Save as scenario", disabled=True, icon_name="mdi-content-save")
            if not ready:
                solara.Text("Take at least one step first.", classes=["control-note"])
    return main


def _kpi(label: str, value: str, delta: str = "", side: str | None = None) -> None:
    css = f"kpi side-{side}" if side else "kpi"
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="kpi-label">{label}</div><div class="kpi-value">{value}</div>'
            f'<div class="kpi-delta">{delta}</div>'
        ),
        classes=[css],
        attributes={"role": "group", "aria-label": f"{label}: {value} {delta}".strip()},
    )


@solara.component
def Indicators(session: DashboardSession) -> solara.Element:
    """The headline indices this week, with their change since week 0."""
    snap = current_snapshot(session)
    ts = snap.timeseries
    first, last = ts.iloc[0], ts.iloc[-1]

    def delta(column: str) -> str:
        change = float(last[column]) - float(first[column])
        return f"{change:+.3f} since week 0"

    talks = "talks held" if bool(last["talks"]) and snap.step > 0 else "no talks this week"
    with solara.Row(gap="12px", style={"flex-wrap": "wrap"}) as main:
        _kpi("Week", f"{snap.step} / {snap.horizon}", talks)
        _kpi(
            "Legitimacy of N",
            f"{last['legitimacy_negotiator']:.3f}",
            delta("legitimacy_negotiator"),
            "negotiator",
        )
        _kpi(
            "Legitimacy of A",
            f"{last['legitimacy_adversary']:.3f}",
            delta("legitimacy_adversary"),
            "adversary",
        )
        _kpi("Narrative share", f"{last['narrative_share']:.3f}", delta("narrative_share"))
        crisis = float(last["crisis_index"])
        _kpi("Crisis index", f"{crisis:.4f}" if not math.isnan(crisis) else "—", "model index")
        _kpi("Polarization", f"{last['polarization']:.3f}", delta("polarization"))
    return main


@solara.component
def Problems(act: Actions, revision: int) -> solara.Element:
    """Page-level messages (a config or settings that did not validate), with a dismiss."""
    session = act.session
    with solara.Column(gap="4px") as main:
        if session.problems:
            for line in session.problems:
                solara.Error(line, dense=True, attributes={"data-testid": "problem"})
            solara.Button(
                "Dismiss",
                text=True,
                small=True,
                on_click=act(session.dismiss_problems),
            )
    return main


@solara.component
def LivePage(session: DashboardSession) -> solara.Element:
    """The live page: the controls at the left; indicators, event strip and views beside.

    It draws again only when the controls change; on a step, the components that show the
    model (the week counter, the indicators, the charts) redraw themselves.
    """
    controls = solara.use_reactive(session.revision)
    act = solara.use_memo(lambda: Actions(session, controls), [])
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    revision = controls.value

    def play(stop: threading.Event) -> None:
        model = session.model
        while playing.value and not stop.is_set():
            began = time.perf_counter()
            try:
                done = session.step(model=model)
            except Exception as error:  # report in the page, stop playing
                act(_raise, error)()
                done = 0
            if done == 0:
                playing.set(False)
                force_update()
                return
            force_update()
            rest = 1.0 / max(1, speed.value) - (time.perf_counter() - began)
            if rest > 0:
                stop.wait(rest)

    # A thread owned by this component (stopped when it unmounts): unlike `use_task`, it keeps
    # no reference to the session once the page is closed.
    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    with solara.Div(classes=["live-page"]) as main:
        solara.Style(CSS)
        with solara.Column(gap="10px", classes=["live-controls"]):
            RunControls(act, playing, speed, revision)
            InterventionControls(act, revision)
            SetupControls(act, revision)
            SaveControls(act)
        with solara.Column(gap="12px", classes=["live-views"]):
            Problems(act, revision)
            Indicators(session)
            EventStrip(session)
            with solara.Div(classes=["view-grid"]):
                for view in VIEWS:
                    view(session)
            solara.Text(
                "Every figure is a model index, not a forecast.",
                style={"color": MUTED, "font-size": "12px"},
            )
    return main


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """The frame around every page: Solara's app layout in the dashboard's colours."""
    return solara.AppLayout(children=children or [], color=INK, navigation=False)


PAGES: tuple[tuple[str, Callable[[DashboardSession], solara.Element]], ...] = (
    ("Live", LivePage),
    ("Compare", ComparePage),
)
"""The dashboard's pages as (tab label, component taking the session); one page: no tabs."""


@solara.component
def NoSeat(retry: Callable[[], None]) -> solara.Element:
    """What a browser session sees when every seat is taken."""
    limit = registry().limit
    with solara.Column(gap="8px", style={"padding": "16px", "max-width": "720px"}) as main:
        solara.Warning(
            f"The dashboard is serving its maximum of {limit} sessions. Close a tab that has it "
            "open, wait for an idle session to end, or ask whoever runs it to raise "
            "--max-sessions; then try again.",
            attributes={"data-testid": "no-seat"},
        )
        solara.Button("Try again", color="primary", on_click=retry)
    return main


@solara.component
def Session() -> solara.Element:
    """The pages of `PAGES` on this browser session's own `DashboardSession`."""
    session = solara.use_memo(open_session, [])
    with solara.Column(gap="0px") as main:
        if len(PAGES) == 1:
            PAGES[0][1](session)
        else:
            with solara.lab.Tabs(lazy=True):
                for label, page in PAGES:
                    with solara.lab.Tab(label):
                        page(session)
    return main


@solara.component
def Page() -> solara.Element:
    """The dashboard of one browser session: a seat, then its own model on the pages."""
    attempt = solara.use_reactive(0)
    seated = solara.use_memo(take_seat, [attempt.value])
    with solara.Column(gap="0px") as main:
        solara.Title(TITLE)
        with solara.AppBar():
            solara.AppBarTitle(TITLE)
        if seated:
            Session()
        else:
            NoSeat(lambda: attempt.set(attempt.value + 1))
    return main
