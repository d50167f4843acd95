"""The observer agent of the reference implementation: its own state as plain floats.

`ReferenceObserver` applies rules 3 to 8 of MODEL_SPEC to itself, one method per phase, reading
this step's side-level numbers (`Reading`) and the model's settings; `tools.reference` steps
every observer through each phase with `shuffle_do` and explains how it docks with the array
model.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import mesa
import numpy as np

from agents.actions import Action
from model.acts import SideEvidence
from model.model import DiplomacyModel

SIDE_SIGN = (1.0, -1.0)
"""sigma_s: +1 for the negotiator, -1 for the adversary."""


def to_probability(x: float) -> float:
    """L = 1 / (1 + exp(-x)), with numpy's exp (see `tools.reference` on exact docking)."""
    return float(1.0 / (1.0 + np.exp(-x)))


def to_logodds(p: float) -> float:
    """X = log(L / (1 - L)), with numpy's log (see `tools.reference` on exact docking)."""
    return float(np.log(p / (1.0 - p)))


@dataclass(frozen=True)
class Reading:
    """What every observer reads this step's acts with: rule 3's side-level numbers as floats.

    Attributes:
        act_faith: each side's act faith evidence from the table (0 without an act).
        sanction_scale: u for a side whose act is a sanction (its faith is scaled per observer
            by s u), None otherwise.
        excuse: the justified-exit faith added to an excused walkout, None otherwise.
        act_strength: each side's act strength evidence, the agreement's included.
        agreement_faith: the agreement's faith evidence in a step that concludes a deal, else
            None (added after contrast).
        standing_faith: each side's standing faith evidence after contrast.
        standing_strength: each side's standing strength evidence after talk fatigue.
        weight: each side's weight evidence.
        contrast: chi_s.
        face: f_s.
        gain: g(D_s).
    """

    act_faith: list[float]
    sanction_scale: list[float | None]
    excuse: list[float | None]
    act_strength: list[float]
    agreement_faith: float | None
    standing_faith: list[float]
    standing_strength: list[float]
    weight: list[float]
    contrast: list[float]
    face: list[float]
    gain: list[float]

    @classmethod
    def of(cls, side: SideEvidence, model: DiplomacyModel) -> Reading:
        """The plain numbers of `side` (the inherited side-level part of rule 3)."""
        table = model.evidence_table
        faith, strength = [0.0, 0.0], [0.0, 0.0]
        scale: list[float | None] = [None, None]
        excuse: list[float | None] = [None, None]
        for s, action in enumerate(side.acts):
            if action is None:
                continue
            faith[s] = float(table.faith[table.row(action)])
            strength[s] = float(table.strength[table.row(action)])
            if action is Action.SANCTION:
                scale[s] = float(model.sanction_scale[s])
            if side.excused[s]:
                excuse[s] = model.dynamics.justified_exit
        if side.deal:
            strength = [value + table.agreement_strength for value in strength]
        return cls(
            act_faith=faith,
            sanction_scale=scale,
            excuse=excuse,
            act_strength=strength,
            agreement_faith=table.agreement_faith if side.deal else None,
            standing_faith=[float(v) for v in side.standing_faith],
            standing_strength=[float(v) for v in side.standing_strength],
            weight=[float(v) for v in side.weight],
            contrast=[float(v) for v in side.contrast],
            face=[float(v) for v in side.face],
            gain=[float(v) for v in side.gain],
        )


class ReferenceObserver(mesa.Agent):
    """One observer holding its own state as plain floats and applying rules 3-8 to itself.

    Its `model` is a `tools.reference.ReferenceDiplomacyModel` (its `draws` says how the
    observer gets its random numbers).

    Attributes:
        index: position in the model's observer arrays (and in `model.observers`).
        bloc: index of the observer's bloc.
        is_elite: whether the observer is an elite.
        logodds: [x^N, x^A], the legitimacy of each side as log-odds.
        logodds_initial: [x^N(0), x^A(0)], the prior images anchoring pulls back to.
        legitimacy: [L^N, L^A] in (0, 1), as the last step left them.
        news: [news^N, news^A], the acts of each side still in the news (rule 4).
        blame_adversary: beta, the share of blame on the adversary.
        confidence_bound: eps, the bounded-confidence threshold.
        scepticism: s, scepticism of unilateral sanctions.
        strength_orientation: h_obs, the weight of the strength reading.
        subscriptions: the indices of the two outlets the observer follows.
        outlet_bias_mean: bbar, the mean bias of those outlets.
        neighbours: the observer's neighbours on the small-world network.
        neighbour_cumulative: cumulative draw probabilities along `neighbours` (elites weigh
            `elite_influence` times as much).
    """

    def __init__(self, model: DiplomacyModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.bloc = int(model.observer_bloc[index])
        self.is_elite = bool(model.is_elite[index])
        self.logodds = [float(model.logodds[0, index]), float(model.logodds[1, index])]
        self.logodds_initial = list(self.logodds)
        self.legitimacy = [float(model.legitimacy[0, index]), float(model.legitimacy[1, index])]
        self.news = [float(model.news[0, index]), float(model.news[1, index])]
        self.blame_adversary = float(model.blame[index])
        self.confidence_bound = float(model.confidence_bound[index])
        self.scepticism = float(model.scepticism[index])
        self.strength_orientation = float(model.strength_orientation[index])
        first, second = (int(m) for m in model.subscriptions[index])
        self.subscriptions = (first, second)
        self.outlet_bias_mean = float(model.outlet_bias_mean[index])
        self.neighbours: list[ReferenceObserver] = []
        self.neighbour_cumulative: list[float] = []
        self._after_peers = list(self.logodds)

    @property
    def legitimacy_negotiator(self) -> float:
        """L^N."""
        return self.legitimacy[0]

    @property
    def legitimacy_adversary(self) -> float:
        """L^A."""
        return self.legitimacy[1]

    def connect(self, neighbours: list[ReferenceObserver], cumulative: list[float]) -> None:
        """Set the neighbours and the cumulative probabilities of drawing each (rule 6)."""
        self.neighbours = neighbours
        self.neighbour_cumulative = cumulative

    # ---------------------------------------------------------------------------------------
    # Phases
    # ---------------------------------------------------------------------------------------

    def perceive(self, reading: Reading, salience: float) -> None:
        """Rules 3 and 4 for this observer: read both sides' evidence, then absorb it."""
        act, standing = self.read_evidence(reading)
        for s in range(2):
            self.absorb(s, act[s], standing[s], salience)

    def read_evidence(self, reading: Reading) -> tuple[list[float], list[float]]:
        """Rule 3: this observer's act evidence e_s and standing evidence u_s of each side.

        e_s = f_s ((1 - h) ehat_faith + h g_s e_strength) with ehat_faith = e_faith + chi_s
        (e_faith - e_faith_o) / 2 (a sanction's e_faith scaled by s u; an agreement's added
        after contrast); u_s = f_s ((1 - h) uhat_faith + h (g_s u_strength + weight_s)).
        """
        h = self.strength_orientation
        faith = list(reading.act_faith)
        for s in range(2):
            scale, excuse = reading.sanction_scale[s], reading.excuse[s]
            if scale is not None:
                faith[s] = faith[s] * self.scepticism * scale
            if excuse is not None:
                faith[s] = faith[s] + excuse
        act, standing = [0.0, 0.0], [0.0, 0.0]
        for s in range(2):
            face, gain = reading.face[s], reading.gain[s]
            e_faith = faith[s] + reading.contrast[s] * (faith[s] - faith[1 - s]) / 2.0
            if reading.agreement_faith is not None:
                e_faith = e_faith + reading.agreement_faith
            e_strength = reading.act_strength[s]
            if e_faith or e_strength:
                act[s] = face * (e_faith + h * (gain * e_strength - e_faith))
            u_faith, u_strength = reading.standing_faith[s], reading.standing_strength[s]
            weight = reading.weight[s]
            if u_faith or u_strength or weight:
                standing[s] = face * (u_faith + h * (gain * u_strength + weight - u_faith))
        return act, standing

    def absorb(self, s: int, act: float, standing: float, salience: float) -> None:
        """Rule 4 for side `s`: the news cycle, absorbed with attention; the standing trickle.

        news^s <- m news^s + e_s, then x^s += alpha_e S M^s news^s + alpha_u u_s with
        M^s = 1 + eta sign(news^s) (2 L^s - 1), L^s as the last step left it.
        """
        model = self.model
        dyn = model.dynamics
        news = dyn.news_memory * self.news[s] + act
        self.news[s] = news
        multiplier = 1.0
        if model.mechanisms.attribution:
            sign = (news > 0.0) - (news < 0.0)
            multiplier = 1.0 + dyn.attribution_bias * sign * (2.0 * self.legitimacy[s] - 1.0)
        self.logodds[s] = (
            self.logodds[s]
            + dyn.event_rate * salience * multiplier * news
            + dyn.standing_rate * standing
        )

    def read_media(self, salience: float) -> None:
        """Rule 5: each subscription is read with probability r_m S.

        The report of side s is lambda_eff news^s + (1 - lambda_eff) sigma_s b slant |news^s|;
        it is taken (x^s += alpha_m report) if the outlet's stance lies within eps + margin of
        L^s as it stood before this step's news, and under `backfire` pushes x^s away
        (-alpha_bf report) beyond eps + backfire_margin.
        """
        model = self.model
        if model.draws == "per_agent":
            stream = model.streams.media
            draws = (stream.random(), stream.random())
        else:
            draws = (model.media_draws[0][self.index], model.media_draws[1][self.index])
        if not (model.mechanisms.media and model.any_news):
            return
        dyn = model.dynamics
        backfire_rate = dyn.backfire_rate if model.mechanisms.backfire else 0.0
        accept_within = self.confidence_bound + dyn.media_margin
        repel_beyond = self.confidence_bound + dyn.backfire_margin
        indexing, bias = model.indexing_list, model.bias_list
        for slot, outlet in enumerate(self.subscriptions):
            if not draws[slot] < model.reach_list[outlet] * salience:
                continue
            lean = indexing[outlet]
            for s in range(2):
                news = self.news[s]
                slant = (1.0 - lean) * SIDE_SIGN[s] * bias[outlet] * dyn.media_slant
                report = lean * news + slant * abs(news)
                distance = abs(model.stance_lists[s][outlet] - self.legitimacy[s])
                if backfire_rate > 0.0 and distance > repel_beyond:
                    self.logodds[s] = self.logodds[s] + -backfire_rate * report
                elif distance < accept_within:
                    self.logodds[s] = self.logodds[s] + dyn.media_rate * report

    def consult_peer(self) -> None:
        """Rule 6, first pass: the peer influence from the neighbours' values before the phase.

        On the probability scale: Deffuant, one neighbour j (elites drawn more often), if
        |L_j - L| < eps then L += mu (L_j - L); Hegselmann-Krause, L += mu (mean of L over self
        and the neighbours within eps - L). A changed L goes back to log-odds. `adopt_peer`
        applies it once every observer has consulted.
        """
        model = self.model
        if model.draws == "per_agent":
            draw = model.streams.peers.random()
        else:
            draw = model.peer_draws[self.index]
        self._after_peers = list(self.logodds)
        if not model.mechanisms.peers or not self.neighbours:
            return
        rate = model.dynamics.peer_rate
        bound = self.confidence_bound
        if model.spec.peer_model == "deffuant":
            other = self.neighbours[bisect_right(self.neighbour_cumulative, draw)]
            for s in range(2):
                current = to_probability(self.logodds[s])
                distance = to_probability(other.logodds[s]) - current
                if abs(distance) < bound:
                    self._settle(s, current, current + rate * distance)
            return
        for s in range(2):
            current = to_probability(self.logodds[s])
            total, count = 0.0, 0.0
            for other in self.neighbours:
                value = to_probability(other.logodds[s])
                if abs(value - current) < bound:
                    total += value
                    count += 1.0
            self._settle(s, current, current + rate * ((current + total) / (1.0 + count) - current))

    def _settle(self, s: int, current: float, moved: float) -> None:
        if moved != current:
            self._after_peers[s] = to_logodds(moved)

    def adopt_peer(self) -> None:
        """Rule 6, second pass: take the value computed by `consult_peer`."""
        self.logodds = self._after_peers

    def anchor(self) -> None:
        """Rule 7: x += alpha_0 (x(0) - x) (Friedkin & Johnsen 1990); then L = logistic(x)."""
        model = self.model
        if model.mechanisms.anchoring:
            rate = model.dynamics.anchoring
            for s in range(2):
                self.logodds[s] = self.logodds[s] + rate * (
                    self.logodds_initial[s] - self.logodds[s]
                )
        self.legitimacy = [to_probability(self.logodds[0]), to_probability(self.logodds[1])]

    def assign_blame(self, severity: list[float], salience: float) -> None:
        """Rule 8: beta += alpha_b S (clip(d_A / (d_A + d_N) + kappa_f bbar) - beta)."""
        model = self.model
        dyn = model.dynamics
        tilt = self.outlet_bias_mean if model.mechanisms.media else 0.0
        share = severity[1] / (severity[0] + severity[1])
        target = min(max(share + dyn.blame_media_tilt * tilt, 0.0), 1.0)
        self.blame_adversary = self.blame_adversary + dyn.blame_rate * salience * (
            target - self.blame_adversary
        )
