# ruff: noqa: N802  (Solara components are named in CamelCase, as React components)
"""The classroom's Solara app: the participants' page at ``/``, the lecturer's at ``/lecturer``.

``run.py classroom`` serves it behind the dashboard's access checks (`dashboards.server`,
`dashboards.guard`): the Origin and Host of every request and websocket, and the token off
loopback. The lecturer's page also needs the lecturer's key, which only the lecturer's link
carries.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from classroom.pages import LecturerPage, ParticipantPage
from dashboards.look import page_css
from experiments.palette import INK

TITLE = "Diplomacy and legitimacy: classroom"


def _framed(page: Callable[[], solara.Element]) -> Callable[[], solara.Element]:
    @solara.component
    def Framed() -> solara.Element:
        with solara.Column(gap="0px") as main:
            solara.Title(TITLE)
            solara.Style(page_css())
            with solara.AppBar():
                solara.AppBarTitle(TITLE)
            page()
        return main

    return Framed


@solara.component
def Layout(children: list | None = None) -> solara.Element:
    """The frame around the pages: Solara's app layout in the dashboard's colours, no tabs."""
    return solara.AppLayout(children=children or [], color=INK, navigation=False)


routes = [
    solara.Route(path="/", component=_framed(ParticipantPage), layout=Layout),
    solara.Route(path="lecturer", component=_framed(LecturerPage)),
]
"""The participants' page and the lecturer's, both in `Layout` (no route tabs: a participant's
page shows no way to the lecturer's)."""
