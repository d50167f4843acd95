"""Rule 3: the evidence each side's act and held posture carry, read in context.

Evidence is a pair of log-likelihood ratios per act: on good faith (Kydd's type; Hurd's
rightful conduct) and on weight and resolve (Fearon's strength reading). An observer with
strength orientation h_obs reads e = (1 - h_obs) e_faith + h_obs e_strength (Kertzer & Brutger
2016: publics judge belligerence and inconsistency differently by disposition).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from agents.actions import ACTIONS, AGREEMENT, Action

Evidence = float | NDArray[np.float64]
"""A value for every observer: a number when it is the same for all, else an array."""


@dataclass(frozen=True)
class EvidenceTable:
    """The evidence and newsworthiness table of MODEL_SPEC, as arrays indexed by action.

    Rows follow `agents.actions.ACTIONS`. Events have zero standing evidence. `agreement_*` are
    the act evidence and newsworthiness of a concluded deal (both sides).
    """

    faith: NDArray[np.float64]
    strength: NDArray[np.float64]
    standing_faith: NDArray[np.float64]
    standing_strength: NDArray[np.float64]
    newsworthiness: NDArray[np.float64]
    agreement_faith: float
    agreement_strength: float
    agreement_newsworthiness: float

    @classmethod
    def from_dynamics(cls, dynamics: Any) -> EvidenceTable:
        """Read the table from the `evidence` and `newsworthiness` sections of the dynamics."""
        evidence, news = dynamics.evidence, dynamics.newsworthiness

        def column(key: str) -> NDArray[np.float64]:
            return np.array([getattr(getattr(evidence, a.value), key, 0.0) for a in ACTIONS])

        agreement = getattr(evidence, AGREEMENT)
        return cls(
            faith=column("faith"),
            strength=column("strength"),
            standing_faith=column("standing_faith"),
            standing_strength=column("standing_strength"),
            newsworthiness=np.array([getattr(news, a.value) for a in ACTIONS]),
            agreement_faith=float(agreement.faith),
            agreement_strength=float(agreement.strength),
            agreement_newsworthiness=float(getattr(news, AGREEMENT)),
        )

    def row(self, action: Action) -> int:
        """The row of `action`."""
        return ACTIONS.index(action)


def act_faith(
    table: EvidenceTable, action: Action, scepticism: NDArray[np.float64], sanction_scale: float
) -> Evidence:
    """Good-faith evidence of `action` as an act; a sanction's is scaled per observer by s u."""
    value = float(table.faith[table.row(action)])
    if action is Action.SANCTION:
        return value * scepticism * sanction_scale
    return value


def fruitless_weeks(weeks: int, at_table: bool, progressed: bool) -> int:
    """k: consecutive weeks a side holds a posture at the table and talks make no progress.

    Waiting alone at the table counts (there are no talks, so no progress); k resets when talks
    progress or the side leaves the table.
    """
    if not at_table or progressed:
        return 0
    return weeks + 1


def talk_fatigue_loss(weeks: int, fatigue: float, half: int) -> float:
    """Standing strength evidence lost to talk fatigue: phi k / (k + k_half) (rival)."""
    return fatigue * weeks / (weeks + half)


def excused(step: int, last_provocation: float, window: int) -> bool:
    """Whether a walkout at `step` comes within `window` weeks after a provocation.

    A provocation is a defection act by the other side or a red line crossed by its ask; the
    walkout must follow it (1 to `window` weeks later). Rival mechanism `justified_exit`.
    """
    return 1 <= step - last_provocation <= window


def weight_evidence(
    gain_other: float, gain_own: float, weight_signal: float, dependence: float
) -> float:
    """Standing strength evidence of being negotiated with, in a week with talks.

    omega g(D_o) - delta max(g(D_o) - g(D_s), 0): talks with a strong side reveal weight (the
    essay), or dependence on a much stronger one (the rival `dependence`). It is read with the
    other side's deterrence only.
    """
    return weight_signal * gain_other - dependence * max(gain_other - gain_own, 0.0)


def contrast_strength(
    contrast: float, gain: ArrayLike, record: ArrayLike, record_bonus: float, record_start: float
) -> NDArray[np.float64]:
    """chi_s = chi g(D_s) (1 + zeta max(R_s - R_0, 0) / R_0).

    Staying counts as good faith in proportion to the weight that made leaving possible (the
    leverage claim) and, under `reassurance`, to a good-faith record above its start.
    """
    excess = np.maximum(np.asarray(record, dtype=float) - record_start, 0.0)
    return contrast * np.asarray(gain, dtype=float) * (1.0 + record_bonus * excess / record_start)


def contrasted(own: Evidence, other: Evidence, chi: float) -> Evidence:
    """ehat_s = e_s + chi_s (e_s - e_o) / 2: a side's good-faith evidence against the other's."""
    return own + chi * (own - other) / 2.0


def observer_evidence(
    faith: Evidence,
    strength: Evidence,
    strength_orientation: NDArray[np.float64],
    face: float,
    gain: float,
) -> NDArray[np.float64]:
    """E = f ((1 - h_obs) e_faith + h_obs g(D) e_strength), per observer.

    Deterrent weight g scales the strength reading of a side's own conduct, never the faith
    reading; the face weight f scales both.
    """
    h = strength_orientation
    return face * (faith + h * (gain * strength - faith))


def observer_standing(
    faith: Evidence,
    strength: float,
    weight: float,
    strength_orientation: NDArray[np.float64],
    face: float,
    gain: float,
) -> NDArray[np.float64]:
    """U = f ((1 - h_obs) uhat_faith + h_obs (g(D) u_strength + weight)), per observer."""
    h = strength_orientation
    return face * (faith + h * (gain * strength + weight - faith))


def positive_share(evidence: NDArray[np.float64]) -> float:
    """Share of observers for whom an act is positive evidence (pattern P3)."""
    return float(np.mean(evidence > 0.0))
