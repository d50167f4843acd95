"""The contestable claims of MODEL_SPEC as comparisons between named scenarios.

A claim says that a metric is higher (sign +1) or lower (sign -1) in a treatment scenario than
in a control scenario, at a step (None: the last step). The shipped configs name their
scenarios so that these claims apply to their results; any config that uses the same scenario
names gets the same robustness table (`run.py compare` on a batch with a sweep). A claim is a
model statement, tested against the model's own mechanisms: where it fails in parameter space,
that is a result, not a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """A signed difference between two scenarios that the source essay predicts."""

    name: str
    text: str
    treatment: str
    control: str
    metric: str
    sign: int
    step: int | None = None

    def applies_to(self, scenarios: Iterable[str]) -> bool:
        """Whether both of the claim's scenarios are among `scenarios`."""
        names = set(scenarios)
        return self.treatment in names and self.control in names


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "burden_shift",
        "staying while the adversary walks away raises the negotiator's legitimacy",
        "adversary_walks",
        "both_engage",
        "legitimacy_negotiator",
        +1,
    ),
    Claim(
        "burden_shift_blame",
        "the side that walks away takes the blame",
        "adversary_walks",
        "both_engage",
        "blame_adversary",
        +1,
    ),
    Claim(
        "staying_beats_tit_for_tat",
        "after the adversary walks away, staying beats answering tit-for-tat",
        "adversary_walks",
        "negotiator_tit_for_tat",
        "legitimacy_negotiator",
        +1,
    ),
    Claim(
        "talks_inform",
        "talks leave the negotiator less unsure of the adversary's red line than failed talks",
        "talks",
        "failed_talks",
        "redline_uncertainty_negotiator",
        -1,
    ),
    Claim(
        "talks_lower_crisis",
        "talks keep the crisis index below that of failed talks",
        "talks",
        "failed_talks",
        "crisis_index",
        -1,
    ),
    Claim(
        "reassurance_costs_first",
        "conceding costs the negotiator legitimacy during the concession window",
        "reassure_then_adversary_walks",
        "engage_then_adversary_walks",
        "legitimacy_negotiator",
        -1,
        40,
    ),
    Claim(
        "reassurance_pays_later",
        "after the adversary defects, the negotiator who conceded earlier is more legitimate",
        "reassure_then_adversary_walks",
        "engage_then_adversary_walks",
        "legitimacy_negotiator",
        +1,
    ),
    Claim(
        "polarized_media_polarize",
        "polarized media turn the walkout into polarization",
        "polarized_media",
        "neutral_media",
        "polarization",
        +1,
    ),
    Claim(
        "neutral_media_carry_consensus",
        "neutral media carry the walkout as a shift of the narrative",
        "neutral_media",
        "polarized_media",
        "narrative_share",
        +1,
    ),
    Claim(
        "unilateral_sanctions_cost",
        "unilateral sanctions cost the sanctioning adversary more legitimacy than multilateral",
        "unilateral_sanctions",
        "multilateral_sanctions",
        "legitimacy_adversary",
        -1,
    ),
)
"""The claims, by the scenario names of the shipped configs."""
