"""The event strip: what each side did week by week, interventions marked, and its words.

`events_spec` draws both sides' actions as runs of the same action; `latest_actions_text` and
`change_log` say the same in words (for the chart's description and the page's change log).
"""

from __future__ import annotations

import functools
from typing import Any

import altair as alt
import pandas as pd

from agents.actions import SIDES
from dashboards.charts.kit import chart_spec, finish, start_hint
from dashboards.labels import ROLE_LABELS, action_label
from dashboards.snapshot import Snapshot
from experiments.palette import ACTION_COLOURS, INK, RULE, WHITE


def events_data(snap: Snapshot) -> pd.DataFrame:
    """Both sides' actions per week, interventions marked."""
    return snap.events.copy()


STRIP_HEIGHT = 110
"""The event strip's height in pixels: two rows with room above each for its markers."""

LEGEND_COLUMNS = 3
"""Actions per row of the strip's legend (three rows fit a card 460 pixels wide)."""


@functools.cache
def _events_template(horizon: int) -> dict[str, Any]:
    actions = list(ACTION_COLOURS)
    domain = [ROLE_LABELS[r] for r in SIDES]
    scale = alt.Scale(domain=domain, paddingInner=0.4, paddingOuter=0.35)
    axis = alt.Axis(labelFontSize=12, labelColor=INK, ticks=False, domain=False)
    y = alt.Y("side:N", title=None, sort=domain, scale=scale, axis=axis)
    tooltip = [alt.Tooltip("weeks:N", title="Weeks"), "side:N", "action:N", "how:N"]
    cells = (
        alt.Chart(alt.NamedData("events"))
        .mark_rect()
        .encode(
            x=alt.X(
                "start:Q",
                title="Week",
                scale=alt.Scale(domain=[0, horizon], nice=False),
                axis=alt.Axis(format="d"),
            ),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "action:N",
                title="Action",
                scale=alt.Scale(
                    domain=[action_label(a) for a in actions],
                    range=[ACTION_COLOURS[a] for a in actions],
                ),
                legend=alt.Legend(
                    orient="bottom",
                    columns=LEGEND_COLUMNS,
                    symbolType="square",
                    symbolStrokeColor=RULE,
                    symbolStrokeWidth=1,
                ),
            ),
            tooltip=tooltip,
        )
    )
    # An outline in two strokes, white under ink, stays visible on any fill (a sanction's ink).
    halo = (
        alt.Chart(alt.NamedData("forced"))
        .mark_rect(fillOpacity=0, stroke=WHITE, strokeWidth=4)
        .encode(x="start:Q", x2="end:Q", y=y)
    )
    forced = (
        alt.Chart(alt.NamedData("forced"))
        .mark_rect(fillOpacity=0, stroke=INK, strokeWidth=2)
        .encode(x="start:Q", x2="end:Q", y=y, tooltip=tooltip)
    )
    # Markers sit in the gap above their row (the top of the band), whole, never cut.
    starts = (
        alt.Chart(alt.NamedData("starts"))
        .mark_point(shape="triangle-down", filled=True, size=70, color=INK, yOffset=-6)
        .encode(x=alt.X("mid:Q"), y=alt.Y("side:N", sort=domain, bandPosition=0), tooltip=tooltip)
    )
    hint = (
        alt.Chart(alt.NamedData("hint"))
        .mark_text(fontSize=15, color=INK, fontWeight="bold")
        .encode(
            x=alt.X("step:Q", scale=alt.Scale(domain=[0, horizon], nice=False)),
            y=alt.value(STRIP_HEIGHT / 2),
            text="text:N",
        )
    )
    layers = alt.layer(cells, halo, forced, starts, hint)
    return finish(layers.properties(width="container", height=STRIP_HEIGHT))


def events_spec(snap: Snapshot) -> dict[str, Any]:
    """The event strip: both sides' action in every week, as runs of the same action.

    Weeks forced by an intervention are outlined together; ▼ marks where such a run starts.
    """
    events = snap.events
    runs: list[dict[str, Any]] = []
    last: dict[str, dict[str, Any]] = {}
    for step, side, action, intervention in events.itertuples(index=False):
        how = "intervention" if intervention else "strategy"
        run = last.get(side)
        if (
            run is not None
            and run["end"] == step - 1
            and (run["code"], run["how"]) == (action, how)
        ):
            run["end"] = step
            run["weeks"] = f"{run['first']}-{step}"
            continue
        run = {
            "first": step,
            "start": step - 1,
            "end": step,
            "mid": step - 0.5,
            "weeks": str(step),
            "side": ROLE_LABELS[side],
            "code": action,
            "action": action_label(action),
            "how": how,
        }
        runs.append(run)
        last[side] = run
    cells = [{k: v for k, v in run.items() if k != "code"} for run in runs]
    forced = [r for r in cells if r["how"] == "intervention"]
    latest = "no step yet" if events.empty else latest_actions_text(snap)
    return chart_spec(
        snap,
        _events_template(snap.horizon),
        {"events": cells, "forced": forced, "starts": forced, "hint": start_hint(snap)},
        f"Event strip, week {snap.step}: {latest}.",
    )


def latest_actions_text(snap: Snapshot) -> str:
    """This week's actions in words (``negotiator engage; adversary walk away (intervention)``)."""
    now = snap.events[snap.events["step"] == snap.step]
    parts = []
    for _, side, action, intervention in now.itertuples(index=False):
        parts.append(f"{side} {action_label(action)}" + (" (intervention)" if intervention else ""))
    return "; ".join(parts) if parts else "no step yet"


def change_log(snap: Snapshot, limit: int = 6) -> list[str]:
    """The latest changes of action, newest first (``week 12: adversary walk away, forced``)."""
    lines, previous = [], {}
    for step, side, action, intervention in snap.events.itertuples(index=False):
        key = (action, intervention)
        if previous.get(side) != key:
            how = " (intervention)" if intervention else ""
            lines.append(f"week {step}: {side} {action_label(action)}{how}")
        previous[side] = key
    return lines[::-1][:limit]
