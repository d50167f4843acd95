"""Media outlets: they relay each step's news with the slant of their editorial line."""

from __future__ import annotations

import mesa

from agents.views import ArrayView


class MediaOutlet(mesa.Agent):
    """A news outlet that relays the news of each side with a slant that grows with it.

    It has an editorial `bias` (b in [-1, 1], positive favours the negotiator), a `reach` (r,
    the chance per step of salience that a subscriber reads it) and an `indexing` (lambda,
    how far it relays the news rather than its line when elites agree). `stance_*` is where it
    stands on each side (0.5 + sigma b / 2: observers within their bound of it take its
    reports); `report_*` is what it reported of each side this step, averaged over observers
    (evidence units; 0 when there is no news). Both live in the model's outlet arrays.
    """

    bias = ArrayView("outlet_bias")
    reach = ArrayView("outlet_reach")
    indexing = ArrayView("outlet_indexing")
    report_negotiator = ArrayView("outlet_reports", side=0)
    report_adversary = ArrayView("outlet_reports", side=1)
    stance_negotiator = ArrayView("outlet_stances", side=0)
    stance_adversary = ArrayView("outlet_stances", side=1)
    effective_indexing = ArrayView("outlet_indexing_effective")

    def __init__(self, model: mesa.Model, index: int, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.name = name
