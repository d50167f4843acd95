# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The live page's look: its style sheet, presentation mode, the first screen, no math fonts.

`page_css` is the page's style sheet, colours from `experiments.palette`; with the
``presenting`` class on the page, type grows, what a projector needs comes first (the event
strip and the legitimacy chart, above the fold at 1024x768 and 1280x720) and the rest waits
below. `PRESENTING` is this browser session's choice (`PresentationToggle` flips it).
`StartHint` says what to do at week 0 (in presentation mode, the charts say it). `NoMath`
keeps Solara's Markdown from asking for the KaTeX fonts and scripts, which the offline assets
do not ship (the pages show no formulas).
"""

from __future__ import annotations

from typing import Protocol

import ipyvuetify as v
import solara
import traitlets
from mesa.visualization.utils import update_counter

from agents.actions import SIDES
from dashboards.help import CONTROL_HELP, WithHelp
from dashboards.labels import ROLE_LABELS
from experiments.palette import (
    ADVERSARY_COLOUR,
    FOCUS,
    INK,
    MUTED,
    NEGOTIATOR_COLOUR,
    RULE,
    SIDE_COLOURS,
    SIDE_TEXT_COLOURS,
    text_on,
)

PRESENTING = solara.reactive(False)
"""Whether this browser session shows the page in presentation mode (Solara keeps one value
per session)."""

START_TEXT = (
    "Press Step or Play to start the run: each step is one week. Then force a side's action "
    "with the interventions and watch legitimacy respond."
)
"""What the page says before the first week."""


def _side_css() -> str:
    """Each side's pressed intervention button and status line in colours readable as text."""
    rules = []
    for role in SIDES:
        label = ROLE_LABELS[role]
        rules.append(
            f'.v-btn[aria-pressed="true"][aria-label^="{label}"] '
            f"{{ color: {text_on(SIDE_COLOURS[role])} !important; }}"
        )
        rules.append(
            f'[data-testid="status-{role}"] {{ color: {SIDE_TEXT_COLOURS[role]} !important; '
            "filter: none !important; }"
        )
    return "\n".join(rules)


def page_css() -> str:
    """The live page's style sheet (normal and presentation mode)."""
    return f"""
.live-page {{ display: grid; grid-template-columns: 350px minmax(0, 1fr); gap: 16px;
              padding: 4px 8px; align-items: start; }}
.live-controls {{ position: sticky; top: 8px; max-height: calc(100vh - 80px); overflow-y: auto;
                  padding: 2px; }}
.view-grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(430px, 1fr));
              gap: 12px; }}
@media (max-width: 900px) {{ .live-page {{ grid-template-columns: minmax(0, 1fr); }}
                            .live-controls {{ position: static; max-height: none; }} }}
.view-card {{ height: 100%; }}
.view-card .v-card__title {{ font-size: 1.1rem; padding-bottom: 0; color: {INK}; }}
.view-card .v-card__subtitle {{ padding-top: 4px; color: {MUTED}; font-size: 0.9rem; }}
.view-card .v-card__title + .v-card__subtitle {{ margin-top: 0; }}
.chart-help {{ font-size: 12px; color: {MUTED}; }}
.vega-embed {{ width: 100%; }}
.kpi {{ border-left: 5px solid {RULE}; padding: 6px 12px; background: white;
        border-radius: 4px; box-shadow: 0 1px 3px rgba(0,0,0,.12); min-width: 150px; }}
.kpi .kpi-label {{ font-size: 13px; color: {MUTED}; }}
.kpi .kpi-value {{ font-size: 24px; font-weight: 500; color: {INK}; line-height: 1.2; }}
.kpi .kpi-delta {{ font-size: 12px; color: {MUTED}; }}
.side-negotiator {{ border-color: {NEGOTIATOR_COLOUR}; }}
.side-adversary {{ border-color: {ADVERSARY_COLOUR}; }}
.side-heading {{ font-weight: 500; font-size: 14px; margin: 6px 0 2px 0; }}
.control-note {{ font-size: 12px; color: {MUTED}; }}
.start-hint {{ font-size: 16px; color: {INK}; }}
.v-btn:focus-visible, .v-input input:focus-visible {{ outline: 3px solid {FOCUS}; }}
{_side_css()}
.presenting.live-page {{ grid-template-columns: 290px minmax(0, 1fr); gap: 12px; }}
.presenting .view-card .v-card__title {{ font-size: 1.35rem; padding-top: 6px; }}
.presenting .view-card .v-card__text {{ padding-top: 4px; padding-bottom: 6px; }}
.presenting .view-card .v-card__subtitle {{ font-size: 1rem; padding-bottom: 0; }}
.presenting .kpi .kpi-label {{ font-size: 15px; }}
.presenting .kpi .kpi-value {{ font-size: 30px; }}
.presenting .kpi .kpi-delta {{ font-size: 14px; }}
.presenting .data-behind, .presenting .chart-help, .presenting .chart-axes,
.presenting .start-hint {{ display: none !important; }}
.top-pair {{ display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; }}
.presenting .top-pair {{ grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); }}
body:has(.presenting) .v-app-bar, body:has(.presenting) .v-app-bar .v-toolbar__content {{
    height: 48px !important; }}
body:has(.presenting) .v-main, body:has(.presenting) .v-content {{
    padding-top: 48px !important; }}
body:has(.presenting) .v-tabs-bar {{ height: 36px !important; }}
.live-views > .d-flex:empty {{ display: none !important; }}
.presenting .view-card .v-card__title {{ line-height: 1.3; padding-bottom: 2px; }}
.presenting [data-testid="event-log"] {{ font-size: 15px !important; }}
.presenting [data-testid="step-counter"] {{ font-size: 26px !important; }}
.presenting .view-card .v-card__text, .presenting .view-card > div {{ padding-top: 0; }}
"""


@solara.component
def PresentationToggle() -> solara.Element:
    """The app bar's switch between the normal page and presentation mode."""
    presenting = PRESENTING.value
    with WithHelp("presentation") as main:
        solara.Button(
            "Normal view" if presenting else "Presentation",
            icon_name="mdi-monitor" if presenting else "mdi-projector-screen",
            text=True,
            dark=True,
            on_click=lambda: PRESENTING.set(not PRESENTING.value),
            attributes={
                "aria-pressed": "true" if presenting else "false",
                "aria-label": "Presentation mode",
                "title": CONTROL_HELP["presentation"],
            },
        )
    return main


class Weeks(Protocol):
    """What `StartHint` reads: a run's week now (a `DashboardSession` is one)."""

    step_count: int


@solara.component
def StartHint(session: Weeks) -> solara.Element:
    """What to do first, shown while the session's run is at week 0 (redrawn on every step)."""
    update_counter.get()
    with solara.Column(gap="0px") as main:
        if session.step_count == 0:
            solara.Info(
                START_TEXT,
                dense=True,
                icon="mdi-play-circle-outline",
                classes=["start-hint"],
                attributes={"data-testid": "start-hint"},
            )
    return main


class NoMath(v.VuetifyTemplate):
    """An invisible widget that gives Solara's Markdown a math renderer that does nothing.

    Markdown asks for KaTeX from the asset folder unless the page already has
    ``renderMathInElement``; the offline assets have no KaTeX, so that request failed.
    """

    template = traitlets.Unicode(
        "<template><span style='display: none'></span></template>\n"
        "<script>\nmodule.exports = {\n  created() {\n"
        "    if (!window.renderMathInElement) {\n"
        "      window.renderMathInElement = function () {};\n    }\n  },\n};\n</script>"
    ).tag(sync=True)
