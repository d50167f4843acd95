"""The phases over every observer: evidence, news, media, peers, anchoring and blame (rules 3-8).

`ObserverPhases` is the part of `DiplomacyModel` that applies the observer rules of MODEL_SPEC
as whole-array operations over every observer, each a call of a pure function of
`model.rules`. `tools.reference` overrides these phases with self-stepping agents, to dock a
plain Mesa implementation against them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from model.acts import SideEvidence, StepActs, StepEvidence
from model.rules import (
    anchoring,
    blame,
    evidence,
    logodds,
    media,
    news,
    peers,
)


class ObserverPhases:
    """Applies the rules over every observer (a part of `DiplomacyModel`)."""

    def _evidence(self, acts: StepActs) -> StepEvidence:
        """Rule 3: each side's act and standing evidence, in context, for every observer."""
        return self._observer_evidence(self._side_evidence(acts))

    def _observer_evidence(self, side: SideEvidence) -> StepEvidence:
        """Rule 3, per observer: act faith (a sanction's by s u), contrast, the h_obs mix."""
        table = self.evidence_table
        faith: list[evidence.Evidence] = [0.0, 0.0]
        strength = [0.0, 0.0]
        for s, action in enumerate(side.acts):
            if action is None:
                continue
            faith[s] = evidence.act_faith(table, action, self.scepticism, self.sanction_scale[s])
            strength[s] = float(table.strength[table.row(action)])
            if side.excused[s]:
                faith[s] = faith[s] + self.dynamics.justified_exit
        h = self.strength_orientation
        act = np.zeros((2, self.spec.observers))
        standing = np.zeros((2, self.spec.observers))
        for s in range(2):
            face, gain = side.face[s], side.gain[s]
            act_faith = evidence.contrasted(faith[s], faith[1 - s], side.contrast[s])
            act_strength = strength[s]
            if side.deal:
                act_faith = act_faith + table.agreement_faith
                act_strength += table.agreement_strength
            if np.any(act_faith) or act_strength:
                act[s] = evidence.observer_evidence(act_faith, act_strength, h, face, gain)
            held_faith, held_strength, weight = (
                side.standing_faith[s],
                side.standing_strength[s],
                side.weight[s],
            )
            if held_faith or held_strength or weight:
                standing[s] = evidence.observer_standing(
                    held_faith, held_strength, weight, h, face, gain
                )
        return StepEvidence(act, standing)

    def _news(self, found: StepEvidence, salience_now: float, before: NDArray[np.float64]) -> None:
        """Rule 4: the news cycle, absorbed in proportion to attention; the standing trickle."""
        dyn = self.dynamics
        self.news = news.update_news(self.news, found.act, dyn.news_memory)
        multiplier = (
            news.attribution_multiplier(self.news, before, dyn.attribution_bias)
            if self.mechanisms.attribution
            else 1.0
        )
        self.logodds = news.absorb(
            self.logodds,
            self.news,
            salience_now,
            multiplier,
            dyn.event_rate,
            found.standing,
            dyn.standing_rate,
        )

    def _media(self, salience_now: float, before: NDArray[np.float64]) -> None:
        """Rule 5: outlets relay each observer's news with their slant (drawn every step)."""
        dyn, mech = self.dynamics, self.mechanisms
        exposure_draws = self.streams.media.random((2, self.spec.observers))
        if not mech.media:
            return
        self._report_outlets()
        if not self.news.any():
            return
        backfire_rate = dyn.backfire_rate if mech.backfire else 0.0
        for slot in range(2):
            indexing = media.effective_indexing(self._slot_indexing[slot], self._disagreement)
            exposed = exposure_draws[slot] < self._slot_reach[slot] * salience_now
            for s, sign in enumerate(media.SIDE_SIGN):
                report = media.outlet_report(
                    self.news[s], indexing, self._slot_bias[slot], sign, dyn.media_slant
                )
                self.logodds[s] = media.media_update(
                    self.logodds[s],
                    before[s],
                    report,
                    self._slot_stance[s, slot],
                    exposed,
                    self.confidence_bound,
                    dyn.media_rate,
                    dyn.media_margin,
                    backfire_rate,
                    dyn.backfire_margin,
                )

    def _report_outlets(self) -> None:
        """Rule 5, outlet level: indexing after elite disagreement; each outlet's mean report."""
        if self.mechanisms.elite_indexing:
            gap = self.news[0, self.is_elite] - self.news[1, self.is_elite]
            self._disagreement = media.elite_disagreement(gap)
        else:
            self._disagreement = 0.0
        self.outlet_indexing_effective = media.effective_indexing(
            self.outlet_indexing, self._disagreement
        )
        indexing, bias = self.outlet_indexing_effective, self.outlet_bias
        mean_news = self.news.mean(axis=1)
        mean_size = np.abs(self.news).mean(axis=1)
        for s, sign in enumerate(media.SIDE_SIGN):
            self.outlet_reports[s] = (
                indexing * mean_news[s]
                + (1.0 - indexing) * sign * bias * self.dynamics.media_slant * mean_size[s]
            )

    def _peers(self) -> None:
        """Rule 6: one neighbour each (Deffuant), or all neighbours (Hegselmann-Krause)."""
        dyn = self.dynamics
        peer_draws = self.streams.peers.random(self.spec.observers)
        if not self.mechanisms.peers:
            return
        current = logodds.to_probability(self.logodds)
        if self.spec.peer_model == "deffuant":
            neighbour = peers.draw_neighbours(
                self._neighbour_table, self._neighbour_cumulative, peer_draws
            )
            moved = peers.deffuant_update(
                current, current.take(neighbour, axis=1), self.confidence_bound, dyn.peer_rate
            )
        else:
            moved = np.stack(
                [
                    peers.hegselmann_krause_update(
                        current[s],
                        self.network_indptr,
                        self.network_indices,
                        self.confidence_bound,
                        dyn.peer_rate,
                    )
                    for s in range(2)
                ]
            )
        # Only moved values go back to log-odds (one that rounds to 1 stays as it was).
        with np.errstate(divide="ignore"):
            self.logodds = np.where(moved != current, logodds.to_logodds(moved), self.logodds)

    def _anchoring(self) -> None:
        """Rule 7: the pull back to the prior image, in log-odds."""
        if self.mechanisms.anchoring:
            self.logodds = anchoring.anchor(
                self.logodds, self.logodds_initial, self.dynamics.anchoring
            )

    def _blame(self, acts: StepActs, salience_now: float) -> None:
        """Rule 8: on a step with a defection act, blame follows it."""
        severity = self._defection_severity(acts)
        if sum(severity) > 0:
            dyn = self.dynamics
            tilt = self.outlet_bias_mean if self.mechanisms.media else 0.0
            target = blame.blame_target(severity[0], severity[1], tilt, dyn.blame_media_tilt)
            self.blame = blame.blame_update(self.blame, target, dyn.blame_rate, salience_now)
