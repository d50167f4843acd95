# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The choice of a time chart's y axis: the whole scale (0 to 1) or a close-up of the run.

The choice is kept per chart and per browser session (`close_up_of`), so it survives the
page's presentation mode, which lays the charts out again; the close-up itself is
`dashboards.charts.zoom`.
"""

from __future__ import annotations

import solara

from dashboards.help import WithHelp

AXES = ("whole scale", "close-up")
"""The two y axes offered, the whole scale first (the default)."""

_CLOSE_UP: dict[str, solara.Reactive[bool]] = {}


def close_up_of(key: str) -> solara.Reactive[bool]:
    """Whether the chart `key` shows its close-up axis, in this browser session (off at first)."""
    if key not in _CLOSE_UP:
        _CLOSE_UP[key] = solara.reactive(False)
    return _CLOSE_UP[key]


@solara.component
def AxesChoice(close_up: solara.Reactive[bool]) -> solara.Element:
    """``Axes: whole scale / close-up``, with its help; a value not offered is ignored."""

    def choose(value: str | None) -> None:
        if value in AXES:
            close_up.set(value == AXES[1])

    row = {"gap": "8px", "style": {"align-items": "center"}}
    with solara.Div(classes=["chart-axes"]) as main, WithHelp("axes"), solara.Row(**row):
        solara.Text("Axes:", style={"font-size": "13px"})
        solara.ToggleButtonsSingle(
            value=AXES[1] if close_up.value else AXES[0],
            values=list(AXES),
            on_value=choose,
            dense=True,
        )
    return main
