"""The phases over the two sides: decide, bargain, stocks, learning, escalation, crisis, blocs.

`SidePhases` is the part of `DiplomacyModel` that applies the side-level rules of MODEL_SPEC
(rules 1, 2, 9 to 13 and the side-level part of rule 3), each a call of a pure function of
`model.rules` over the model's arrays.
"""

from __future__ import annotations

import numpy as np

from agents.actions import SIDES, Action
from agents.strategies import DecisionContext
from model.acts import SideEvidence, StepActs
from model.rules import (
    bargaining,
    blame,
    blocs,
    crisis,
    escalation,
    evidence,
    learning,
    leverage,
    postures,
    salience,
)


class SidePhases:
    """Applies the rules over the two sides (a part of `DiplomacyModel`)."""

    def _decide(self) -> StepActs:
        """Both sides choose this step's action (rule 11's choice, from last step's state)."""
        t = self.steps
        uniforms = [self.streams.choices(role).random() for role in SIDES]
        previous = self.actions
        actions = tuple(
            state.decide(
                DecisionContext(t, previous[s], previous[1 - s], uniforms[s], self.utilities[s])
            )
            for s, state in enumerate(self.states)
        )
        taken = [postures.take_action(h, a) for h, a in zip(self.held, actions, strict=True)]
        for state, action in zip(self.states, actions, strict=True):
            state.previous_action, state.action = state.action, action
        self.actions = list(actions)
        self.held = (taken[0][0], taken[1][0])
        self.talks = postures.talks_held(*self.held)
        return StepActs(
            t, (actions[0], actions[1]), self.held, (taken[0][1], taken[1][1]), self.talks
        )

    def strategy_action(self, role: str) -> Action:
        """The action side `role`'s strategy would choose in the next step, drawing nothing.

        The next step's uniform is read from the side's choice stream and the stream put back
        as it was, so asking changes no later draw.
        """
        s = SIDES.index(role)
        stream = self.streams.choices(role)
        saved = stream.bit_generator.state
        uniform = stream.random()
        stream.bit_generator.state = saved
        previous = self.actions
        context = DecisionContext(
            self.steps + 1, previous[s], previous[1 - s], uniform, self.utilities[s]
        )
        return self.states[s].strategy.decide(context)

    def _bargaining(self, acts: StepActs) -> StepActs:
        """Rule 10 (first in a step): asks, crossings, progress, deals, fruitless weeks."""
        dyn = self.dynamics
        draw = float(self.streams.signals.exponential())
        if self.deal_progress >= 1.0:
            self.deal_progress = 0.0
        crossed = np.zeros(2, dtype=bool)
        progressed = False
        if acts.talks:
            ask = bargaining.asks(
                self.redline_mean, self.redline_variance, self.caution, dyn.ask_floor
            )
            crossed = bargaining.crossings(ask, self.red_line[::-1])
            self.redline_crossings += int(crossed.sum())
            progressed = not crossed.any()
            self.deal_progress = bargaining.update_progress(
                self.deal_progress, progressed, dyn.progress_rate, draw
            )
            for s in np.flatnonzero(crossed):
                self.last_crossing_of_own_line[1 - s] = acts.step
                self.last_provoked[1 - s] = acts.step
        deal = bargaining.deal_concluded(self.deal_progress)
        if deal:
            self.deal_progress = 1.0
            self.agreements += 1
        self.fruitless_weeks = np.array(
            [
                evidence.fruitless_weeks(int(k), held.at_table, progressed)
                for k, held in zip(self.fruitless_weeks, acts.held, strict=True)
            ]
        )
        return StepActs(
            acts.step,
            acts.actions,
            acts.held,
            acts.acted,
            acts.talks,
            deal,
            (bool(crossed[0]), bool(crossed[1])),
        )

    def _side_stocks(self, acts: StepActs) -> None:
        """Rules 1 and 2: face, record and salience."""
        dyn, table = self.dynamics, self.evidence_table
        conceded = np.array([a is Action.CONCEDE for a in acts.actions], dtype=float)
        credit = [
            leverage.record_credit(
                a is Action.CONCEDE,
                a is Action.ENGAGE,
                dyn.record_concede_credit,
                dyn.record_engage_credit,
            )
            for a in acts.actions
        ]
        self.face = leverage.update_face(self.face, conceded, dyn.face_memory)
        self.record = leverage.update_record(self.record, credit, dyn.record_memory)
        newsworthiness = [
            salience.side_newsworthiness(
                acted,
                table.newsworthiness[table.row(action)],
                table.newsworthiness[table.row(held)],
                dyn.persistence,
            )
            for action, held, acted in zip(acts.actions, acts.held, acts.acted, strict=True)
        ]
        if acts.deal and self.mechanisms.deals:
            newsworthiness.append(table.agreement_newsworthiness)
        newsworthiness.append(self.spec.salience_shocks.get(acts.step, 0.0))
        self.salience = salience.update_salience(self.salience, newsworthiness, dyn.salience_memory)

    def _side_evidence(self, acts: StepActs) -> SideEvidence:
        """Rule 3, side level: contrast strengths, excuses, standing evidence, weight."""
        dyn, mech, table = self.dynamics, self.mechanisms, self.evidence_table
        gain = self.leverage
        face = leverage.face_weight(self.face, dyn.face_penalty)
        if mech.contrast:
            bonus = dyn.record_bonus if mech.reassurance else 0.0
            chi = evidence.contrast_strength(
                dyn.contrast, gain, self.record, bonus, dyn.record_start
            )
        else:
            chi = np.zeros(2)
        excused = [
            bool(
                acted
                and mech.justified_exit
                and action is Action.WALK_AWAY
                and evidence.excused(acts.step, self.last_provoked[s], dyn.justified_window)
            )
            for s, (action, acted) in enumerate(zip(acts.actions, acts.acted, strict=True))
        ]
        standing_faith = [float(table.standing_faith[table.row(h)]) for h in acts.held]
        standing_strength = [float(table.standing_strength[table.row(h)]) for h in acts.held]
        if mech.talk_fatigue:
            for s in range(2):
                standing_strength[s] -= evidence.talk_fatigue_loss(
                    int(self.fruitless_weeks[s]), dyn.talk_fatigue, dyn.talk_fatigue_half
                )
        weight = [0.0, 0.0]
        if acts.talks:
            signal = dyn.weight_signal if mech.weight_signal else 0.0
            weight = [
                evidence.weight_evidence(gain[1 - s], gain[s], signal, dyn.dependence)
                for s in range(2)
            ]
        held_faith = [
            evidence.contrasted(standing_faith[s], standing_faith[1 - s], chi[s]) for s in range(2)
        ]
        return SideEvidence(
            acts=(
                acts.actions[0] if acts.acted[0] else None,
                acts.actions[1] if acts.acted[1] else None,
            ),
            excused=(excused[0], excused[1]),
            standing_faith=(held_faith[0], held_faith[1]),
            standing_strength=(standing_strength[0], standing_strength[1]),
            weight=(weight[0], weight[1]),
            contrast=chi,
            face=face,
            gain=gain,
            deal=acts.deal and mech.deals,
        )

    def _defection_severity(self, acts: StepActs) -> list[float]:
        """Rule 8, side level: d_N and d_A, each side's defection act weighed by its faith."""
        table = self.evidence_table
        return [
            blame.defection_severity(
                float(table.faith[table.row(a)]) * self.sanction_scale[s]
                if a is Action.SANCTION
                else float(table.faith[table.row(a)]),
                acted and a.is_defection,
            )
            for s, (a, acted) in enumerate(zip(acts.actions, acts.acted, strict=True))
        ]

    def _note_provocations(self, acts: StepActs) -> None:
        """Remember when each side was last provoked by a defection act of the other."""
        for s in range(2):
            o = 1 - s
            if acts.acted[o] and acts.actions[o].is_defection:
                self.last_provoked[s] = acts.step

    def _learning(self, talks: bool) -> None:
        """Rule 9 (signals are drawn every step, used only when learning is on)."""
        dyn = self.dynamics
        type_draws = self.streams.signals.random(2)
        noise_draws = self.streams.signals.standard_normal(2)
        if self.mechanisms.learning:
            accuracy = dyn.signal_accuracy_talks if talks else dyn.signal_accuracy_outside
            noise = dyn.signal_noise_talks if talks else dyn.signal_noise_outside
            signal = learning.type_signal(self.preparing[::-1], type_draws, accuracy)
            self.type_belief = learning.update_type_belief(self.type_belief, signal, accuracy)
            redline_signal = self.red_line[::-1] + noise * noise_draws
            self.redline_mean, self.redline_variance = learning.update_redline_estimate(
                self.redline_mean, self.redline_variance, redline_signal, noise
            )

    def _escalation(self) -> None:
        """Rule 11: escalation costs and the utilities of the next choice."""
        self.escalation_cost = self._escalation_costs()
        self.utilities = self._utilities()

    def _crisis(self, acts: StepActs) -> None:
        """Rule 12: the crisis index."""
        dyn = self.dynamics
        provocation = any(a.raises_hazard for a in acts.actions) or any(acts.crossed)
        misperception = float(np.mean(np.abs(self.type_belief - self.preparing[::-1])))
        hazard = crisis.crisis_hazard(
            dyn.hazard_base,
            provocation,
            misperception,
            acts.talks,
            dyn.hazard_provocation,
            dyn.hazard_misperception,
            dyn.hazard_talks,
        )
        self.crisis_index = crisis.update_crisis_index(self.crisis_index, hazard)

    def _blocs(self, t: int) -> None:
        """Rule 13: votes every interval (compliance is computed when recorded)."""
        if t % self.dynamics.vote_interval == 0:
            self._vote()

    def _bloc_means(self, values: np.ndarray) -> np.ndarray:
        return blocs.bloc_means(values, self.observer_bloc, len(self.bloc_names), self._bloc_counts)

    def _escalation_costs(self) -> np.ndarray:
        dyn = self.dynamics
        self.bloc_legitimacy = np.stack([self._bloc_means(self.legitimacy[s]) for s in range(2)])
        return np.array(
            [
                escalation.escalation_cost(
                    dyn.escalation_cost_base,
                    dyn.escalation_cost_slope,
                    blocs.weighted_mean(self.bloc_legitimacy[s], self.bloc_weight),
                )
                for s in range(2)
            ]
        )

    def _utilities(self) -> np.ndarray:
        dyn = self.dynamics
        return np.stack(
            [
                escalation.adaptive_utilities(
                    engage_utility=dyn.engage_utility,
                    other_gain=float(self.leverage[1 - s]),
                    hawkishness=float(self.hawkishness[s]),
                    cost=float(self.escalation_cost[s]),
                    sanction_utility=dyn.sanction_utility,
                    preparing=bool(self.preparing[s]),
                    preparing_bonus=dyn.preparing_bonus,
                    recently_crossed=bool(
                        self.steps - self.last_crossing_of_own_line[s] < dyn.crossing_memory
                    ),
                    crossing_bonus=dyn.crossing_bonus,
                )
                for s in range(2)
            ]
        )

    def _vote(self) -> None:
        yes = blocs.vote_yes(
            self.scepticism, self.legitimacy[0], self.legitimacy[1], self.dynamics.vote_threshold
        )
        self.vote_yes_by_bloc = blocs.vote_share_by_bloc(
            yes, self.is_elite, self.observer_bloc, len(self.bloc_names)
        )
