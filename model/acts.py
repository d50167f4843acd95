"""What one step hands from phase to phase: the acts of both sides and the evidence they carry.

`StepActs` is what both sides did (decided, then bargained); `SideEvidence` is rule 3's
side-level part, what every observer reads the acts with; `StepEvidence` is rule 3's result per
observer. Each is a frozen record, made by one phase and read by the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.actions import Action
from model.rules import postures


@dataclass(frozen=True)
class StepActs:
    """What both sides did in one step, negotiator first.

    Attributes:
        step: the step being taken.
        actions: the actions taken (what the output records).
        held: the postures held after them.
        acted: whether each side's action is an act (an event, or a new posture).
        talks: whether talks are held (both held postures at the table).
        deal: whether bargaining concluded a deal this step.
        crossed: whether each side's ask crossed the other side's red line this step.
    """

    step: int
    actions: tuple[Action, Action]
    held: tuple[Action, Action]
    acted: tuple[bool, bool]
    talks: bool
    deal: bool = False
    crossed: tuple[bool, bool] = (False, False)

    @classmethod
    def holding(cls, step: int, held: tuple[Action, Action]) -> StepActs:
        """A step in which both sides hold their postures and nothing is concluded."""
        return cls(step, held, held, (False, False), postures.talks_held(*held))


@dataclass(frozen=True)
class StepEvidence:
    """Rule 3's result: per side and observer, act evidence e and standing evidence u."""

    act: NDArray[np.float64]
    standing: NDArray[np.float64]


@dataclass(frozen=True)
class SideEvidence:
    """Rule 3's side-level part (negotiator first): what every observer reads the acts with.

    Attributes:
        acts: each side's act this step (an event or a new posture), None without one.
        excused: whether each side's act is a walkout excused by a recent provocation.
        standing_faith: each side's standing faith evidence after contrast (uhat_faith).
        standing_strength: each side's standing strength evidence after talk fatigue.
        weight: each side's weight evidence (talks only).
        contrast: chi_s, the contrast strength of each side.
        face: f_s, the weight of each side's evidence after its face stock.
        gain: g(D_s), each side's deterrent gain.
        deal: whether both sides get the agreement's act evidence this step.
    """

    acts: tuple[Action | None, Action | None]
    excused: tuple[bool, bool]
    standing_faith: tuple[float, float]
    standing_strength: tuple[float, float]
    weight: tuple[float, float]
    contrast: NDArray[np.float64]
    face: NDArray[np.float64]
    gain: NDArray[np.float64]
    deal: bool
