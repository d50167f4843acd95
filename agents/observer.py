"""Observers: Global South publics and elites who judge how legitimate each state is."""

from __future__ import annotations

import mesa

from agents.views import ArrayView


class Observer(mesa.Agent):
    """One observer (a public or an elite in a bloc) and its view of both states.

    Its state lives in the model's observer arrays, updated as whole arrays each step; this
    agent is a view onto entry `index` of them (in the `DiplomacyModel` that is its `model`),
    for inspection and for Mesa's own tools: the model never reads an observer agent.
    `legitimacy_negotiator` and `legitimacy_adversary` are L^N and L^A in (0, 1), held as
    log-odds (`logodds_*`); `news_*` is the news of each side's acts it is still absorbing;
    `blame_adversary` is beta (share of blame on the adversary), `confidence_bound` is eps,
    `scepticism` is s (of unilateral sanctions) and `strength_orientation` is h_obs.
    """

    legitimacy_negotiator = ArrayView("legitimacy", side=0)
    legitimacy_adversary = ArrayView("legitimacy", side=1)
    initial_legitimacy_negotiator = ArrayView("legitimacy_initial", side=0)
    initial_legitimacy_adversary = ArrayView("legitimacy_initial", side=1)
    logodds_negotiator = ArrayView("logodds", side=0)
    logodds_adversary = ArrayView("logodds", side=1)
    news_negotiator = ArrayView("news", side=0)
    news_adversary = ArrayView("news", side=1)
    blame_adversary = ArrayView("blame")
    confidence_bound = ArrayView("confidence_bound")
    scepticism = ArrayView("scepticism")
    strength_orientation = ArrayView("strength_orientation")
    is_elite = ArrayView("is_elite")

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def legitimacy_gap(self) -> float:
        """L^N - L^A."""
        return self.legitimacy_negotiator - self.legitimacy_adversary

    @property
    def bloc(self) -> str:
        """Name of the observer's bloc."""
        return self.model.bloc_names[self.model.observer_bloc[self.index]]

    @property
    def subscriptions(self) -> tuple[str, str]:
        """Names of the two media outlets the observer follows."""
        outlets = self.model.outlets
        a, b = self.model.subscriptions[self.index]
        return outlets[a].name, outlets[b].name

    @property
    def neighbours(self) -> list[Observer]:
        """The observer's neighbours on the small-world network."""
        indptr, indices = self.model.network_indptr, self.model.network_indices
        return [
            self.model.observers[j] for j in indices[indptr[self.index] : indptr[self.index + 1]]
        ]
