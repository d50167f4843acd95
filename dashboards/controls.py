# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The live page's controls: run (Reset, Play, Step), interventions, set-up and save.

Each control reads the session and changes it only through `Actions`, which turns any error
into a message in the page and redraws what depends on the change: the controls on a change
of the session (`revision`), the model's views on a change of the run (Mesa's
`update_counter`, as in SolaraViz). The last good run always stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from agents.actions import SIDES
from dashboards.form import SessionError, deterrence_range
from dashboards.help import WithHelp
from dashboards.knobs import knob_groups
from dashboards.labels import ROLE_LABELS, action_label
from dashboards.registry import touch_seat
from dashboards.session import INTERVENTIONS, DashboardSession
from experiments.palette import SIDE_COLOURS
from model.config import NAME_PATTERN
from model.parameters import MECHANISMS


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
            session = self.session
            cleared = session.refused_action  # a new action: the last refusal is old news
            if cleared:
                session.refused_action, session.problems = False, []
            failed = True
            try:
                action(*args)
                failed = False
            except SessionError as error:
                session.problems = [str(error)]
            except Exception as error:  # the page's edge: report, keep the last good model
                session.problems = [f"error: {type(error).__name__}: {error}"]
            session.refused_action = failed
            if controls or failed or cleared or (model and session.finished):
                self.refresh()
            if model:
                force_update()

        return run

    def refresh(self) -> None:
        """Redraw the controls (the session changed in a way they show)."""
        self.session.revision += 1
        self.controls.set(self.session.revision)


def report(act: Actions, error: Exception) -> None:
    """Show `error` in the page as `act` shows any error of an action."""

    def fail() -> None:
        raise error

    act(fail)()


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
            strategy = session.form.applied.strategy(role)[0]
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
                    with WithHelp(f"intervene.{role}.{action.value}"):
                        solara.Button(
                            action_label(action),
                            small=True,
                            outlined=not active,
                            dark=active,
                            color=SIDE_COLOURS[role] if active else None,
                            disabled=session.finished,
                            on_click=act(session.intervene, role, action),
                            attributes={
                                "aria-label": f"{ROLE_LABELS[role]}: {action_label(action)}",
                                "aria-pressed": "true" if active else "false",
                            },
                        )
                with WithHelp("back_to_strategy"):
                    solara.Button(
                        "back to strategy",
                        small=True,
                        text=True,
                        disabled=current is None or session.finished,
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
    applied, pending = session.form.applied, session.form.pending
    changes = session.form.pending_changes()
    low, high = deterrence_range()

    asked, set_asked = solara.use_state(cast(str | None, None))

    def choose_config(name: str) -> None:
        if session.config_path is not None and name == session.config_path.name:
            set_asked(None)
        elif session.step_count > 0:
            set_asked(name)  # ask first: opening it discards the run
        else:
            act(session.open_config, name, model=True)()

    with solara.Card("Set-up", subtitle="Changes apply on Reset", margin=0) as main:
        configs = session.available_configs()
        if configs:
            current = session.config_path.name if session.config_path else configs[0]
            with WithHelp("config"):
                solara.Select(
                    "Config (opens now)",
                    values=configs,
                    value=asked or current,
                    on_value=choose_config,
                )
            solara.lab.ConfirmationDialog(
                asked is not None,
                title="Open another config?",
                content=(
                    f"Opening {asked} ends the run at week {session.step_count}. Pin it first "
                    "to keep it on the charts. Open it now?"
                    if asked
                    else ""
                ),
                ok="Open it",
                cancel="Keep this run",
                on_ok=lambda: (act(session.open_config, asked, model=True)(), set_asked(None)),
                on_cancel=lambda: set_asked(None),
                on_close=lambda: set_asked(None),
            )
        with WithHelp("scenario"):
            solara.Select(
                _pending("Scenario", pending.scenario != applied.scenario),
                values=list(session.config.scenarios),
                value=pending.scenario,
                on_value=lambda name: act(session.form.set_scenario, name)(),
            )
        for role in SIDES:
            name, _ = pending.strategy(role)
            with WithHelp("strategy"):
                solara.Select(
                    _pending(
                        f"{ROLE_LABELS[role]} strategy",
                        pending.strategy(role) != applied.strategy(role),
                    ),
                    values=session.form.strategy_choices(role),
                    value=name,
                    on_value=lambda value, role=role: act(session.form.set_strategy, role, value)(),
                )
            for key, kind in session.form.option_fields(role):
                label = f"{role}.{key}"
                with WithHelp("strategy_option"):
                    solara.InputText(
                        f"{ROLE_LABELS[role]}: {key.replace('_', ' ')}"
                        + (" (week)" if kind == "int" else ""),
                        value=session.form.draft(label),
                        on_value=lambda text, role=role, key=key: act(
                            session.form.set_option, role, key, text or ""
                        )(),
                        error=session.form.errors.get(label, False),
                    )
        with WithHelp("deterrence"):
            solara.SliderFloat(
                _pending(
                    f"Negotiator (N) deterrence: {pending.deterrence:.2f}",
                    pending.deterrence != applied.deterrence,
                ),
                value=pending.deterrence,
                min=low,
                max=high,
                step=0.05,
                on_value=lambda value: act(session.form.set_deterrence, value)(),
            )
        with WithHelp("media"):
            solara.Select(
                _pending("Media ecology", pending.media != applied.media),
                values=session.form.media_choices(),
                value=pending.media,
                on_value=lambda value: act(session.form.set_media, value)(),
            )
        with WithHelp("observers"):
            solara.InputText(
                _pending("Observers", pending.observers != applied.observers),
                value=session.form.draft("observers"),
                on_value=lambda text: act(session.form.set_observers, text or "")(),
                error=session.form.errors.get("observers", False),
            )
        with WithHelp("seed"):
            solara.InputText(
                _pending("Seed (the config's base seed)", pending.seed != applied.seed),
                value=session.form.draft("seed"),
                on_value=lambda text: act(session.form.set_seed, text or "")(),
                error=session.form.errors.get("seed", False),
            )
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            with WithHelp("new_seed"):
                solara.Button(
                    "New random seed",
                    icon_name="mdi-dice-multiple",
                    small=True,
                    outlined=True,
                    on_click=act(session.form.new_seed),
                )
            with WithHelp("scenario_defaults"):
                solara.Button(
                    "Scenario's defaults",
                    icon_name="mdi-backup-restore",
                    small=True,
                    outlined=True,
                    on_click=act(session.form.restore_scenario),
                    attributes={"aria-label": "Every setting back to the scenario's defaults"},
                )
        for group, knobs in knob_groups():
            with solara.Details(summary=group):
                for knob in knobs:
                    low, high = knob.range
                    value = pending.parameters.get(knob.label, low)
                    with WithHelp("parameter", knob.meaning):
                        solara.SliderFloat(
                            _pending(
                                f"{knob.title}: {value:.3g}",
                                value != applied.parameters.get(knob.label),
                            ),
                            value=value,
                            min=low,
                            max=high,
                            step=_slider_step(low, high),
                            on_value=lambda x, label=knob.label: act(
                                session.form.set_parameter, label, x
                            )(),
                        )
                    if knob.label in session.form.errors:
                        solara.Error(session.form.errors[knob.label], dense=True)
        with solara.Details(summary="Mechanisms (switches)"):
            for mechanism in MECHANISMS:
                on = pending.mechanisms.get(mechanism.name, mechanism.default)
                with WithHelp("mechanism", mechanism.claim):
                    solara.Switch(
                        label=_pending(
                            mechanism.name.replace("_", " ")
                            + (" (rival)" if mechanism.rival else ""),
                            on != applied.mechanisms.get(mechanism.name, mechanism.default),
                        ),
                        value=on,
                        on_value=lambda x, name=mechanism.name: act(
                            session.form.set_mechanism, name, bool(x)
                        )(),
                    )
                solara.Text(mechanism.claim, classes=["control-note"])
        if changes:
            solara.Warning(
                "Pending until Reset: " + "; ".join(changes),
                dense=True,
                attributes={"data-testid": "pending"},
            )
    return main


def _slider_step(low: float, high: float) -> float:
    """A slider step of about a hundredth of the range, a round number."""
    span = (high - low) / 100
    return float(f"{span:.1g}") if span > 0 else 0.01


@solara.component
def SaveControls(act: Actions) -> solara.Element:
    """Save as scenario (the actions as a scripted scenario, YAML) and export the session (zip)."""
    update_counter.get()
    session = act.session
    name, set_name = solara.use_state("dashboard_session")
    valid = re.fullmatch(NAME_PATTERN, name or "") is not None
    ready = session.step_count >= 1

    def yaml_bytes() -> bytes:
        try:
            return session.scenario_yaml(name).encode("utf-8")
        except SessionError as error:
            report(act, error)
            return f"# not saved: {error}\n".encode()

    def archive_bytes() -> bytes:
        try:
            return session.archive()
        except SessionError as error:
            report(act, error)
            return b""

    with solara.Card(
        "Save and export",
        subtitle="Both sides' actions as a scripted scenario; replays exactly with run.py batch",
        margin=0,
    ) as main:
        with WithHelp("scenario_name"):
            solara.InputText(
                "Scenario name",
                value=name,
                on_value=lambda text: set_name(text or ""),
                continuous_update=True,
                error=False if valid else "only letters, digits, - and _",
            )
        if ready and valid:
            with WithHelp("save_scenario"):
                solara.FileDownload(
                    data=yaml_bytes,
                    filename=f"{name}.yaml",
                    label="Save as scenario",
                    mime_type="application/x-yaml",
                )
            with WithHelp("export_session"):
                solara.FileDownload(
                    data=archive_bytes,
                    filename=f"{name}_session.zip",
                    label="Export the session (zip)",
                    mime_type="application/zip",
                )
        else:
            with WithHelp("save_scenario"):
                solara.Button("Save as scenario", disabled=True, icon_name="mdi-content-save")
            with WithHelp("export_session"):
                solara.Button("Export the session (zip)", disabled=True, icon_name="mdi-download")
            if not ready:
                solara.Text("Take at least one step first.", classes=["control-note"])
        solara.Text(
            "The export holds every table of this run and of the pinned runs (CSV), the "
            "changes of action and the scenario (YAML).",
            classes=["control-note"],
        )
    return main


@solara.component
def Problems(act: Actions, revision: int) -> solara.Element:
    """Page-level messages (a config or settings that did not validate), with a dismiss."""
    session = act.session
    with solara.Column(gap="4px") as main:
        problems = session.current_problems()
        if problems:
            for line in problems:
                solara.Error(line, dense=True, attributes={"data-testid": "problem"})
            solara.Button(
                "Dismiss",
                text=True,
                small=True,
                on_click=act(session.dismiss_problems),
            )
    return main
