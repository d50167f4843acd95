"""Media outlets: they report each step's events through their editorial line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from agents.views import ArrayView

if TYPE_CHECKING:
    from model.config import OutletSpec
    from model.model import DiplomacyModel


class MediaOutlet(mesa.Agent):
    """A news outlet that frames each step's events through its editorial line.

    It has an editorial `bias` (b in [-1, 1], positive favours the negotiator), a `reach` (r,
    the chance per step of salience that a subscriber reads it) and an `indexing` (lambda,
    how far it reports events rather than its line when elites agree).

    `frame_negotiator` and `frame_adversary` are what it said this step about each side (f_m);
    they live in the model's `outlet_frames` array.
    """

    bias = ArrayView("outlet_bias")
    reach = ArrayView("outlet_reach")
    indexing = ArrayView("outlet_indexing")
    frame_negotiator = ArrayView("outlet_frames", side=0)
    frame_adversary = ArrayView("outlet_frames", side=1)
    effective_indexing = ArrayView("outlet_indexing_effective")

    def __init__(self, model: DiplomacyModel, index: int, spec: OutletSpec) -> None:
        super().__init__(model)
        self.index = index
        self.name = spec.name
