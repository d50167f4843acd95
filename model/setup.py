"""The set-up of a run: the sides, the observers, the media and the network, as arrays.

`SetUp` is the part of `DiplomacyModel` that builds its arrays and agents from the resolved
spec, drawing only from the initialization stream (so one seed gives the same world whatever
happens later). Every array it makes is named in MODEL_SPEC's "Entities" and in the ODD.
"""

from __future__ import annotations

import numpy as np

from agents import MediaOutlet, Observer, State
from agents.actions import SIDES, Action
from agents.strategies import build_strategy
from model.acts import StepEvidence
from model.network import small_world
from model.rules import (
    blocs,
    leverage,
    logodds,
    media,
    peers,
    postures,
)

NEVER = -(10**9)
"""The step of an event that has not happened."""


class SetUp:
    """Builds the model's arrays and agents (a part of `DiplomacyModel`)."""

    def _build_sides(self) -> None:
        """The two states: one rule set, parameters per role, their stocks and beliefs."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        sides = [spec.side(role) for role in SIDES]
        self.deterrence = np.array([s.deterrence for s in sides])
        self.hawkishness = np.array([s.hawkishness for s in sides])
        self.caution = np.array([s.caution for s in sides])
        self.sanction_scale = np.array(
            [dyn.multilateral_factor if s.multilateral else 1.0 for s in sides]
        )
        self.preparing = init.random(2) < np.array([s.prepare_probability for s in sides])
        self.red_line = init.uniform(dyn.redline_low, dyn.redline_high, size=2)
        self.type_belief = np.full(2, dyn.prior_type_belief)
        self.redline_mean = np.full(2, dyn.redline_prior_mean)
        self.redline_variance = np.full(2, dyn.redline_prior_sd**2)
        self.leverage = (
            leverage.leverage_gain(self.deterrence, dyn.leverage_half)
            if self.mechanisms.leverage
            else np.ones(2)
        )
        self.face = np.full(2, dyn.face_start)
        self.record = np.full(2, dyn.record_start)
        self.salience = dyn.initial_salience
        self.held: tuple[Action, Action] = (Action.ENGAGE, Action.ENGAGE)
        self.actions: list[Action | None] = [None, None]
        self.talks = postures.talks_held(*self.held)
        self.fruitless_weeks = np.zeros(2, dtype=np.int64)
        self.last_provoked = np.full(2, NEVER)
        self.last_crossing_of_own_line = np.full(2, NEVER)
        self.deal_progress = 0.0
        self.agreements = 0
        self.redline_crossings = 0
        self.crisis_index = 0.0
        self.states = [
            State(self, role, build_strategy(side.strategy))
            for role, side in zip(SIDES, sides, strict=True)
        ]
        self.negotiator, self.adversary = self.states

    def _build_observers(self) -> None:
        """Blocs, observers' dispositions and their initial legitimacy (as log-odds)."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        n = spec.observers
        self.bloc_names = [b.name for b in spec.blocs]
        shares = np.array([b.share for b in spec.blocs])
        self.bloc_sizes = blocs.bloc_sizes(shares, n)
        self.observer_bloc = init.permutation(np.repeat(np.arange(len(shares)), self.bloc_sizes))
        self._bloc_counts = self.bloc_sizes.astype(float)
        self.bloc_weight = np.array([b.economic_weight for b in spec.blocs])
        self.bloc_exposure = np.array([b.exposure for b in spec.blocs])
        self.is_elite = np.zeros(n, dtype=bool)
        self.is_elite[init.permutation(n)[: round(spec.elite_share * n)]] = True
        self.confidence_bound = np.where(
            self.is_elite,
            init.uniform(dyn.confidence_elite_low, dyn.confidence_elite_high, n),
            init.uniform(dyn.confidence_public_low, dyn.confidence_public_high, n),
        )
        scepticism_mean = np.array([b.scepticism for b in spec.blocs])[self.observer_bloc]
        self.scepticism = _beta(init, scepticism_mean, dyn.scepticism_concentration)
        self.bloc_elites = np.bincount(
            self.observer_bloc, weights=self.is_elite.astype(float), minlength=len(shares)
        )
        self.bloc_scepticism = self._bloc_means(self.scepticism)
        self.strength_orientation = _beta(
            init, np.full(n, dyn.strength_orientation_mean), dyn.strength_orientation_concentration
        )
        drawn = np.empty((2, n))
        for s, role in enumerate(SIDES):
            prior = spec.side(role).initial_legitimacy
            tilt = np.array([getattr(b.tilt, role) for b in spec.blocs])[self.observer_bloc]
            mean = np.clip(prior.mean + tilt, 0.01, 0.99)
            drawn[s] = _beta(init, mean, prior.concentration)
        # A Beta draw can round to 0 or 1 in floating point; keep it on the log-odds scale.
        tiny = np.finfo(float).eps
        self.legitimacy_initial = np.clip(drawn, tiny, 1.0 - tiny)
        self.logodds_initial = logodds.to_logodds(self.legitimacy_initial)
        self.logodds = self.logodds_initial.copy()
        self.legitimacy = self.legitimacy_initial.copy()
        self.news = np.zeros((2, n))
        self.evidence_now = StepEvidence(np.zeros((2, n)), np.zeros((2, n)))
        self.blame = np.full(n, dyn.blame_start)

    def _build_media(self) -> None:
        """Outlets and each observer's two subscriptions (by reach and closeness)."""
        spec, dyn, init = self.spec, self.dynamics, self.streams.initialization
        self.outlet_names = [o.name for o in spec.media]
        self.outlet_bias = np.array([o.bias for o in spec.media])
        self.outlet_reach = np.array([o.reach for o in spec.media])
        self.outlet_indexing = np.array([o.indexing for o in spec.media])
        self.outlet_indexing_effective = self.outlet_indexing.copy()
        self.outlet_reports = np.zeros((2, len(spec.media)))
        self.outlet_stances = np.stack([media.outlet_stance(self.outlet_bias, s) for s in (1, -1)])
        leaning = media.observer_leaning(self.legitimacy_initial[0] - self.legitimacy_initial[1])
        weights = media.subscription_log_weights(
            self.outlet_reach, self.outlet_bias, leaning, dyn.selective_exposure
        )
        self.subscriptions = media.two_subscriptions(weights, init.gumbel(size=weights.shape))
        # Each subscription slot's outlet attributes per observer, gathered once.
        self._slot_reach = self.outlet_reach[self.subscriptions.T]
        self._slot_indexing = self.outlet_indexing[self.subscriptions.T]
        self._gather_bias()
        self._disagreement = 0.0
        self.outlets = [MediaOutlet(self, m, o.name) for m, o in enumerate(spec.media)]

    def _gather_bias(self) -> None:
        """What follows from the outlets' bias: stances, each reader's slots and mean bias."""
        self.outlet_stances = np.stack([media.outlet_stance(self.outlet_bias, s) for s in (1, -1)])
        self.outlet_bias_mean = self.outlet_bias[self.subscriptions].mean(axis=1)
        self._slot_bias = self.outlet_bias[self.subscriptions.T]
        self._slot_stance = self.outlet_stances[:, self.subscriptions.T]

    def set_outlet_bias(self, outlet: int, bias: float) -> None:
        """Give outlet `outlet` the editorial bias `bias` from the next step on.

        Its readers keep their subscriptions (chosen once, at set-up); what it reports and
        where it stands follow the new bias.
        """
        biases = self.outlet_bias.copy()
        biases[outlet] = bias
        self.outlet_bias = biases
        self._gather_bias()

    def _build_network(self) -> None:
        dyn = self.dynamics
        self.network_indptr, self.network_indices = small_world(
            self.spec.observers,
            dyn.network_degree,
            dyn.network_rewiring,
            self.streams.initialization,
        )
        self._neighbour_table, self._neighbour_cumulative = peers.neighbour_table(
            self.network_indptr, self.network_indices, self.is_elite, dyn.elite_influence
        )

    def _create_observers(self) -> None:
        """The observer agents: views onto entries of the observer arrays."""
        self.observers = [Observer(self, i) for i in range(self.spec.observers)]


def _beta(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)
