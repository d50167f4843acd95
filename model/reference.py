"""A reference implementation of the observer rules, written the straightforward Mesa way.

`DiplomacyModel` keeps every observer's state in arrays and applies rules 3 to 8 of MODEL_SPEC
as whole-array operations. `ReferenceDiplomacyModel` applies the same rules the way a Mesa model
usually does: each observer is a `ReferenceObserver` agent that holds its own state as plain
Python floats (L^N, L^A, their initial values, blame, eps, s, h_obs, its two subscriptions and
its neighbours as a Python list) and updates itself in Python, one phase at a time over every
observer with `shuffle_do`, in the order of MODEL_SPEC's "One step, in order":

1. `perceive_events`: rule 3 per observer (valence in context, target) and rule 4 (events);
2. `read_media`: rule 5, each subscription read with probability r_m S;
3. `consult_peer` then `adopt_peer`: rule 6 (Deffuant, or Hegselmann-Krause), in two passes
   so that every observer compares itself with its neighbours' values from before the phase,
   as in the array model (no observer reads a half-updated neighbour);
4. `anchor`: rule 7 (and the clip to [0, 1]);
5. `assign_blame`: rule 8, on a step with a defection.

Everything that is not per observer is inherited from `DiplomacyModel` unchanged: set-up (the
same draws from the initialization stream, so one seed gives both models the same observers,
network, subscriptions and states), the states' decisions, rules 1 and 2 and the side-level
part of rule 3, the outlets' frames (rule 5), learning, bargaining, escalation, the crisis
index, blocs and recording. The two implementations thus dock (Axtell, Axelrod, Epstein &
Cohen 1996) on the per-observer rules and their scheduling.

Keeping the arrays in sync: the agents own the observer state. The model copies their values
(legitimacy, target, blame) into its observer arrays twice per step, after the events (the
outlets' frames read the mean target and the elites' views) and after the blame phase (the
escalation costs, the votes and the record read them), so everything downstream reads the
arrays exactly as in the array model, and nothing writes the arrays but that copy.

Random numbers come from the model's named streams (`media`, `peers`), drawn per agent:

- ``draws="per_agent"`` (the default, the straightforward way): each observer draws its own
  numbers when it acts, so which observer gets which number follows the shuffled order. Runs
  then agree with the array model in distribution, not run by run.
- ``draws="as_array"``: the model draws each phase's numbers in one block, in the array
  model's order, and each observer reads its own. Since every phase reads only values from
  before the phase, the order of the agents does not matter and runs agree with the array
  model exactly (checked in the tests for the default parameters).

The cost is the point of comparison: a Python method call per observer and phase makes an
observer-step about a hundred times as costly as in the array model at 100,000 observers
(BENCHMARKS.md, "Scale").
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Literal

import mesa
import numpy as np

from model.actions import BASE_VALENCE, CONCEDE_VALENCE, SANCTION_VALENCE, Action
from model.config import ModelSpec
from model.model import DiplomacyModel, StepContext

DrawOrder = Literal["per_agent", "as_array"]
"""How the reference observers get their random numbers (see the module docstring)."""

DRAW_ORDERS: tuple[str, ...] = ("per_agent", "as_array")


class ReferenceObserver(mesa.Agent):
    """One observer holding its own state as plain floats and applying rules 3-8 to itself.

    Attributes:
        index: position in the model's observer arrays (and in `model.observers`).
        bloc: index of the observer's bloc.
        is_elite: whether the observer is an elite.
        legitimacy: [L^N, L^A], the legitimacy of each side in [0, 1].
        legitimacy_initial: [L^N(0), L^A(0)], the prior images anchoring pulls back to.
        target: [T_N, T_A], what this step's acts point to (rule 3).
        blame_adversary: beta, the share of blame on the adversary.
        confidence_bound: eps, the bounded-confidence threshold.
        scepticism: s, scepticism of unilateral sanctions.
        strength_orientation: h_obs, how strongly strength is valued.
        subscriptions: the indices of the two outlets the observer follows.
        outlet_bias_mean: bbar, the mean bias of those outlets.
        neighbours: the observer's neighbours on the small-world network.
        neighbour_cumulative: cumulative draw probabilities along `neighbours` (elites weigh
            `elite_influence` times as much).
    """

    def __init__(self, model: ReferenceDiplomacyModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.bloc = int(model.observer_bloc[index])
        self.is_elite = bool(model.is_elite[index])
        self.legitimacy = [float(model.legitimacy[0, index]), float(model.legitimacy[1, index])]
        self.legitimacy_initial = list(self.legitimacy)
        self.target = [0.5, 0.5]
        self.blame_adversary = 0.5
        self.confidence_bound = float(model.confidence_bound[index])
        self.scepticism = float(model.scepticism[index])
        self.strength_orientation = float(model.strength_orientation[index])
        first, second = (int(m) for m in model.subscriptions[index])
        self.subscriptions = (first, second)
        bias = model.outlet_bias
        self.outlet_bias_mean = (float(bias[first]) + float(bias[second])) / 2.0
        self.neighbours: list[ReferenceObserver] = []
        self.neighbour_cumulative: list[float] = []
        self._after_peers = list(self.legitimacy)

    @property
    def legitimacy_negotiator(self) -> float:
        """L^N."""
        return self.legitimacy[0]

    @property
    def legitimacy_adversary(self) -> float:
        """L^A."""
        return self.legitimacy[1]

    def connect(self, neighbours: list[ReferenceObserver], elite_influence: float) -> None:
        """Set the neighbours and the probabilities of drawing each of them (rule 6)."""
        self.neighbours = neighbours
        weights = [elite_influence if j.is_elite else 1.0 for j in neighbours]
        total = sum(weights)
        running = 0.0
        self.neighbour_cumulative = []
        for weight in weights:
            running += weight
            self.neighbour_cumulative.append(running / total)
        if self.neighbour_cumulative:
            self.neighbour_cumulative[-1] = 1.0

    # ---------------------------------------------------------------------------------------
    # Phases
    # ---------------------------------------------------------------------------------------

    def _base_valence(self, action: Action, sanction_weight: float) -> float:
        if action is Action.CONCEDE:
            a, b = CONCEDE_VALENCE
            return a - b * self.strength_orientation
        if action is Action.SANCTION:
            return -SANCTION_VALENCE * self.scepticism * sanction_weight
        return BASE_VALENCE[action]

    def perceive_events(self, context: StepContext) -> None:
        """Rules 3 and 4: judge both acts against each other and move toward their targets.

        vhat_s = v_s + chi_s (v_s - v_o) / 2, T_s = clip((1 + vhat_s) / 2), then
        L^s += alpha_e S w_s m^s (T_s - L^s) with m^s = 1 + eta sign(vhat_s) (2 L^s - 1).
        """
        model = self.model
        dyn, mech = model.dynamics, model.mechanisms
        valence = [
            self._base_valence(action, model.sanction_weights[s])
            for s, action in enumerate(context.actions)
        ]
        k = context.fruitless_rounds
        for s in range(2):
            if context.fatigued[s]:
                valence[s] -= (
                    dyn.talk_fatigue * self.strength_orientation * (k / (k + dyn.talk_fatigue_half))
                )
            if context.justified[s]:
                valence[s] += dyn.justified_exit
        for s in range(2):
            own, other = valence[s], valence[1 - s]
            judged = own + model.step_contrast[s] * (own - other) / 2.0
            target = min(max((1.0 + judged) / 2.0, 0.0), 1.0)
            current = self.legitimacy[s]
            if mech.attribution:
                sign = (judged > 0.0) - (judged < 0.0)
                multiplier = 1.0 + dyn.attribution_bias * sign * (2.0 * current - 1.0)
            else:
                multiplier = 1.0
            self.legitimacy[s] = current + (
                dyn.event_rate
                * context.salience
                * model.step_weight[s]
                * multiplier
                * (target - current)
            )
            self.target[s] = target

    def read_media(self) -> None:
        """Rule 5: each subscription is read with probability r_m S.

        A frame within eps + latitude pulls L toward it by alpha_m; under `backfire` a frame
        beyond eps + margin pushes L away by alpha_bf.
        """
        model = self.model
        if model.draws == "per_agent":
            stream = model.media_stream
            draws = (stream.random(), stream.random())
        else:
            draws = (model.media_draws[0][self.index], model.media_draws[1][self.index])
        if not model.mechanisms.media:
            return
        dyn = model.dynamics
        backfire_rate = dyn.backfire_rate if model.mechanisms.backfire else 0.0
        accept_within = self.confidence_bound + dyn.media_latitude
        repel_beyond = self.confidence_bound + dyn.backfire_margin
        for slot, outlet in enumerate(self.subscriptions):
            if not draws[slot] < model.outlet_reach_list[outlet] * model.salience:
                continue
            for s in range(2):
                current = self.legitimacy[s]
                distance = model.frames[s][outlet] - current
                far = abs(distance)
                if backfire_rate > 0.0 and far > repel_beyond:
                    self.legitimacy[s] = current + -backfire_rate * distance
                elif far < accept_within:
                    self.legitimacy[s] = current + dyn.media_rate * distance

    def consult_peer(self) -> None:
        """Rule 6, first pass: compute the peer influence from the neighbours' current values.

        Deffuant: one neighbour j (elites drawn more often); if |L_j - L| < eps then
        L += mu (L_j - L). Hegselmann-Krause: L += mu (mean of L over self and the neighbours
        within eps - L). The result is applied by `adopt_peer` once every observer has
        consulted, so that no observer reads a neighbour that has already moved.
        """
        model = self.model
        if model.draws == "per_agent":
            draw = model.peers_stream.random()
        else:
            draw = model.peer_draws[self.index]
        self._after_peers = list(self.legitimacy)
        if not model.mechanisms.peers:
            return
        rate = model.dynamics.peer_rate
        bound = self.confidence_bound
        if model.spec.peer_model == "deffuant":
            if not self.neighbours:
                return
            other = self.neighbours[bisect_right(self.neighbour_cumulative, draw)]
            for s in range(2):
                distance = other.legitimacy[s] - self.legitimacy[s]
                if abs(distance) < bound:
                    self._after_peers[s] = self.legitimacy[s] + rate * distance
        else:
            for s in range(2):
                current = self.legitimacy[s]
                total, count = 0.0, 0.0
                for other in self.neighbours:
                    value = other.legitimacy[s]
                    if abs(value - current) < bound:
                        total += value
                        count += 1.0
                self._after_peers[s] = current + rate * (
                    (current + total) / (1.0 + count) - current
                )

    def adopt_peer(self) -> None:
        """Rule 6, second pass: take the value computed by `consult_peer`."""
        self.legitimacy = self._after_peers

    def anchor(self) -> None:
        """Rule 7: L += alpha_0 (L(0) - L), then clip to [0, 1] (Friedkin & Johnsen 1990)."""
        model = self.model
        rate = model.dynamics.anchoring if model.mechanisms.anchoring else 0.0
        for s in range(2):
            current = self.legitimacy[s]
            moved = current + rate * (self.legitimacy_initial[s] - current)
            self.legitimacy[s] = min(max(moved, 0.0), 1.0)

    def assign_blame(self, severity_negotiator: float, severity_adversary: float) -> None:
        """Rule 8: beta += alpha_b S (clip(d_A / (d_A + d_N) + kappa_f bbar) - beta)."""
        model = self.model
        dyn = model.dynamics
        tilt = self.outlet_bias_mean if model.mechanisms.media else 0.0
        share = severity_adversary / (severity_negotiator + severity_adversary)
        target = min(max(share + dyn.blame_media_tilt * tilt, 0.0), 1.0)
        self.blame_adversary = self.blame_adversary + dyn.blame_rate * model.salience * (
            target - self.blame_adversary
        )


class ReferenceDiplomacyModel(DiplomacyModel):
    """The diplomacy model with observers as self-stepping Mesa agents (see module docstring).

    It takes the arguments of `DiplomacyModel`, and `draws` ("per_agent" or "as_array"): how
    the observers get their random numbers.
    """

    def __init__(
        self,
        spec: ModelSpec | None = None,
        *,
        rng: int | None = None,
        horizon: int = 200,
        draws: DrawOrder = "per_agent",
        **parameters: Any,
    ) -> None:
        if draws not in DRAW_ORDERS:
            raise ValueError(f"draws: expected one of {', '.join(DRAW_ORDERS)}, found {draws!r}")
        self.draws = draws
        super().__init__(spec, rng=rng, horizon=horizon, **parameters)

    def _create_observers(self) -> None:
        """The observers as `ReferenceObserver` agents, linked to their neighbours."""
        n = self.spec.observers
        self.observers: list[ReferenceObserver] = [ReferenceObserver(self, i) for i in range(n)]
        indptr, indices = self.network_indptr.tolist(), self.network_indices.tolist()
        influence = self.dynamics.elite_influence
        for i, observer in enumerate(self.observers):
            observer.connect(
                [self.observers[j] for j in indices[indptr[i] : indptr[i + 1]]], influence
            )
        self.media_stream = self.streams["media"]
        self.peers_stream = self.streams["peers"]
        self.outlet_reach_list: list[float] = self.outlet_reach.tolist()
        self.sanction_weights: list[float] = self.sanction_weight.tolist()

    def _observer_rules(self, context: StepContext) -> None:
        """Rules 3 (per observer) to 7, each a `shuffle_do` over the observer agents."""
        observers = self.agents_by_type[ReferenceObserver]
        n = self.spec.observers
        self.step_weight: list[float] = context.weight.tolist()
        self.step_contrast: list[float] = np.asarray(context.contrast, dtype=float).tolist()

        observers.shuffle_do("perceive_events", context)
        self._gather_observers()

        if self.draws == "as_array":
            self.media_draws: list[list[float]] = self.streams.media.random((2, n)).tolist()
        if self.mechanisms.media:
            self._frame_media()
        self.frames: list[list[float]] = self.outlet_frames.tolist()
        observers.shuffle_do("read_media")

        if self.draws == "as_array":
            self.peer_draws: list[float] = self.streams.peers.random(n).tolist()
        observers.shuffle_do("consult_peer")
        observers.do("adopt_peer")

        observers.shuffle_do("anchor")

    def _blame_rule(self, context: StepContext) -> None:
        """Rule 8, a `shuffle_do` over the observer agents; then the arrays are updated."""
        severity = [a.defection_severity for a in context.actions]
        if sum(severity) > 0:
            self.agents_by_type[ReferenceObserver].shuffle_do(
                "assign_blame", severity[0], severity[1]
            )
        self._gather_observers()
        self._note_defections(context)

    def _gather_observers(self) -> None:
        """Copy the agents' legitimacy, targets and blame into the model's observer arrays."""
        observers = self.observers
        self.legitimacy = np.array(
            [[o.legitimacy[0] for o in observers], [o.legitimacy[1] for o in observers]]
        )
        self.target = np.array([[o.target[0] for o in observers], [o.target[1] for o in observers]])
        self.blame = np.array([o.blame_adversary for o in observers])
