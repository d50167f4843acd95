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

import html
import math
import threading
from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from mesa.visualization.utils import force_update

from dashboards.catalog import ConfigCatalog, page_lines, start_config
from dashboards.compare_page import ComparePage
from dashboards.controls import (
    Actions,
    InterventionControls,
    Problems,
    SaveControls,
    SetupControls,
    report,
)
from dashboards.headline import measure
from dashboards.help import HEADLINE_HELP, WithHelp
from dashboards.look import PRESENTING, NoMath, PresentationToggle, StartHint, page_css
from dashboards.player import Player
from dashboards.registry import HeavyRunError, registry, take_seat
from dashboards.run_controls import PinControls, RunControls
from dashboards.session import DashboardSession
from dashboards.views import CHARTS, ChartCard, EventStrip, current_snapshot
from experiments.discover_replay import Replay
from experiments.palette import INK, MUTED
from model.config import ConfigError, load_config

TITLE = "Diplomacy and legitimacy: live"

FALLBACK_CONFIG: dict[str, Any] = {
    "name": "default",
    "description": "The model's defaults (the config given could not be opened)",
    "scenarios": {"defaults": None},
}
"""What a session runs when its config no longer validates (the problem is shown)."""


def open_session() -> DashboardSession:
    """A new session on the config named by the environment (see `DashboardSession.open`).

    If that config no longer validates, the session runs the model's defaults and shows why.

    Raises:
        HeavyRunError: the config's run is large and the server runs its most large runs.
    """
    path = start_config()
    try:
        return DashboardSession.open(path)
    except HeavyRunError:
        raise
    except ConfigError as error:
        configs = ConfigCatalog.beside(path)
        session = DashboardSession.from_config(load_config(FALLBACK_CONFIG), configs=configs)
        session.problems = [f"config not opened: {line}" for line in page_lines(error, path.name)]
        return session


def _kpi(label: str, value: str, delta: str = "", side: str | None = None, key: str = "") -> None:
    css = f"kpi side-{side}" if side else "kpi"
    help_text = HEADLINE_HELP.get(key, "")
    with solara.Tooltip(help_text or label), solara.Div():
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div class="kpi-label">{label}</div><div class="kpi-value">{value}</div>'
                f'<div class="kpi-delta">{delta}</div>'
            ),
            classes=[css],
            attributes={
                "role": "group",
                "aria-label": f"{label}: {value} {delta}".strip(),
                "aria-description": help_text,
                "data-headline": key,
            },
        )


@solara.component
def Indicators(session: DashboardSession) -> solara.Element:
    """The headline indices this week, with their change against the chosen reference."""
    snap = current_snapshot(session)
    last = snap.timeseries.iloc[-1]
    reference = measure(snap, session.reference)

    def delta(column: str) -> str:
        return f"{reference.change(last, column):+.3f}"

    talks = "talks held" if bool(last["talks"]) and snap.step > 0 else "no talks this week"
    with solara.Column(gap="4px") as main:
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            _kpi("Week", f"{snap.step} / {snap.horizon}", talks, key="week")
            _kpi(
                "Legitimacy of N",
                f"{last['legitimacy_negotiator']:.3f}",
                delta("legitimacy_negotiator"),
                "negotiator",
                key="legitimacy_negotiator",
            )
            _kpi(
                "Legitimacy of A",
                f"{last['legitimacy_adversary']:.3f}",
                delta("legitimacy_adversary"),
                "adversary",
                key="legitimacy_adversary",
            )
            share = float(last["narrative_share"])
            points = 100 * reference.change(last, "narrative_share")
            _kpi(
                "Narrative share (N ahead)",
                f"{share:.0%}",
                f"{points:+.1f} points",
                key="narrative_share",
            )
            crisis = float(last["crisis_index"])
            _kpi(
                "Crisis index",
                f"{crisis:.4f}" if not math.isnan(crisis) else "—",
                "model index",
                key="crisis_index",
            )
            _kpi(
                "Polarization",
                f"{last['polarization']:.3f}",
                delta("polarization"),
                key="polarization",
            )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"Changes {html.escape(reference.words)}.",
            classes=["control-note"],
            attributes={"data-testid": "reference"},
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
    player = solara.use_memo(lambda: Player(session), [])
    playing = solara.use_reactive(False)
    revision = controls.value

    def play(cancel: threading.Event) -> None:
        if not playing.value:
            return
        try:
            if player.play(force_update, cancel) == "finished":
                act.refresh()
        except Exception as error:  # report in the page, stop playing
            report(act, error)
        if not cancel.is_set():
            playing.set(False)
        force_update()

    # A thread owned by this component (halted when it unmounts): unlike `use_task`, it keeps
    # no reference to the session once the page is closed.
    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)
    solara.use_effect(lambda: player.halt, [])

    presenting = PRESENTING.value
    folded = solara.use_reactive(False)
    # presentation mode folds the controls away when it starts; a click brings them back
    solara.use_effect(lambda: folded.set(presenting), [presenting])
    with solara.Div(classes=["live-page", *(["presenting"] if presenting else [])]) as main:
        solara.Style(page_css())
        with solara.Column(gap="10px", classes=["live-controls"]):
            RunControls(act, player, playing, revision)
            PinControls(act, revision)
            with WithHelp("show_controls"):
                solara.Button(
                    "Show all controls" if folded.value else "Fold the controls",
                    icon_name="mdi-chevron-down" if folded.value else "mdi-chevron-up",
                    text=True,
                    small=True,
                    on_click=lambda: folded.set(not folded.value),
                    attributes={"aria-expanded": "false" if folded.value else "true"},
                )
            if not folded.value:
                InterventionControls(act, revision)
                SetupControls(act, revision)
                SaveControls(act)
        with solara.Column(gap="12px", classes=["live-views"]):
            Problems(act, revision)
            StartHint(session)
            if presenting:
                # what a projector needs first: the event strip, legitimacy, then the rest
                with solara.Div(classes=["top-pair"]):
                    EventStrip(session)
                    ChartCard(CHARTS[0], session)
                Indicators(session)
                shown = CHARTS[1:]
            else:
                Indicators(session)
                EventStrip(session)
                shown = CHARTS
            with solara.Div(classes=["view-grid"]):
                for chart in shown:
                    ChartCard(chart, session)
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


def _opened_or_why(*_: object) -> DashboardSession | str:
    try:
        return open_session()
    except HeavyRunError as error:
        return str(error)


@solara.component
def NoRoom(why: str, retry: Callable[[], None]) -> solara.Element:
    """What a browser session sees when its first run is large and no room is left for it."""
    with solara.Column(gap="8px", style={"padding": "16px", "max-width": "720px"}) as main:
        solara.Warning(why, attributes={"data-testid": "no-room"})
        solara.Button("Try again", color="primary", on_click=retry)
    return main


@solara.component
def Session() -> solara.Element:
    """The pages of `PAGES` on this browser session's own `DashboardSession`.

    A page other than the first may open a run on the first (the Compare tab's Discover view
    opens a box's run): the session takes the run's config and the first page is drawn anew.
    """
    attempt = solara.use_reactive(0)
    tab = solara.use_reactive(0)
    opened = solara.use_reactive(0)
    session = solara.use_memo(_opened_or_why, [attempt.value])
    if isinstance(session, str):
        return NoRoom(session, lambda: attempt.set(attempt.value + 1))

    def open_run(replay: Replay) -> None:
        if session.open_replay(replay.config, replay.scenario):
            opened.set(opened.value + 1)
        tab.set(0)

    with solara.Column(gap="0px") as main:
        if len(PAGES) == 1:
            PAGES[0][1](session)
        else:
            with solara.lab.Tabs(value=tab, lazy=True):
                for i, (label, page) in enumerate(PAGES):
                    with solara.lab.Tab(label):
                        if i == 0:
                            page(session).key(f"{label}-{opened.value}")
                        elif page is ComparePage:
                            ComparePage(session, open_run)
                        else:
                            page(session)
    return main


@solara.component
def Page() -> solara.Element:
    """The dashboard of one browser session: a seat, then its own model on the pages."""
    attempt = solara.use_reactive(0)
    seated = solara.use_memo(take_seat, [attempt.value])
    with solara.Column(gap="0px") as main:
        solara.Title(TITLE)
        NoMath.element()
        with solara.AppBar():
            solara.AppBarTitle(TITLE)
            PresentationToggle()
        if seated:
            Session()
        else:
            NoSeat(lambda: attempt.set(attempt.value + 1))
    return main
