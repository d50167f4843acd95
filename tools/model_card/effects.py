"""The claims' effects as paired differences between the scenarios of the Sobol analysis.

Each effect is `column` at `step` in a treatment scenario minus in a control scenario of one
design point (the same seed: common random numbers). The scenarios are those of
`tools.model_card.scenarios.SOBOL_SCENARIOS` (configs/sensitivity.yaml); `tools.model_card.drivers`
computes their Sobol indices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    """A claim's effect: `column` at `step` in `treatment` minus in `control`, per design point.

    `bloc` names a bloc whose mean replaces the model-level mean; `expected` is the sign the
    essay predicts.
    """

    name: str
    claim: str
    description: str
    treatment: str
    control: str
    column: str
    step: int
    expected: int
    bloc: str | None = None


EFFECTS: tuple[Effect, ...] = (
    Effect(
        "burden_shift_ln_60",
        "burden shift",
        "L^N at 60: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "legitimacy_negotiator",
        60,
        1,
    ),
    Effect(
        "burden_shift_ln_102",
        "burden shift",
        "L^N at 102: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "burden_shift_la_60",
        "burden shift",
        "L^A at 60: A walks at 50 - both engage (pattern P1)",
        "adversary_walks",
        "both_engage",
        "legitimacy_adversary",
        60,
        -1,
    ),
    Effect(
        "burden_shift_share_102",
        "burden shift",
        "narrative share at 102: A walks at 50 - both engage",
        "adversary_walks",
        "both_engage",
        "narrative_share",
        102,
        1,
    ),
    Effect(
        "staying_56",
        "staying beats tit-for-tat",
        "L^N at 56 after A walks at 50: N stays - N plays tit-for-tat",
        "adversary_walks",
        "negotiator_tit_for_tat",
        "legitimacy_negotiator",
        56,
        1,
    ),
    Effect(
        "staying_102",
        "staying beats tit-for-tat",
        "L^N at 102 after A walks at 50: N stays - N plays tit-for-tat",
        "adversary_walks",
        "negotiator_tit_for_tat",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "reassurance_40",
        "costly reassurance",
        "L^N at 40: N concedes in weeks 20-39 - N engages (A walks at 50)",
        "reassure_then_adversary_walks",
        "adversary_walks",
        "legitimacy_negotiator",
        40,
        -1,
    ),
    Effect(
        "reassurance_102",
        "costly reassurance",
        "L^N at 102: N concedes in weeks 20-39 - N engages (A walks at 50)",
        "reassure_then_adversary_walks",
        "adversary_walks",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "talks_signal_60",
        "talks signal weight",
        "L^N at 60: N silent until 50 then talks - N stays silent",
        "talks_from_50",
        "negotiator_silent",
        "legitimacy_negotiator",
        60,
        1,
    ),
    Effect(
        "talks_signal_102",
        "talks signal weight",
        "L^N at 102: N silent until 50 then talks - N stays silent",
        "talks_from_50",
        "negotiator_silent",
        "legitimacy_negotiator",
        102,
        1,
    ),
    Effect(
        "media_spread_102",
        "polarized media polarize",
        "gap_spread at 102 after A walks at 50: polarized - neutral media",
        "polarized_media",
        "neutral_media",
        "gap_spread",
        102,
        1,
    ),
    Effect(
        "media_bimodality_102",
        "polarized media polarize",
        "bimodality at 102 after A walks at 50: polarized - neutral media",
        "polarized_media",
        "neutral_media",
        "bimodality",
        102,
        1,
    ),
    Effect(
        "sanctions_bloc_c_102",
        "unilateral sanctions cost the sanctioner",
        "L^A in bloc C at 102: A sanctions every 2 weeks from 50 - A engages",
        "unilateral_sanctions",
        "both_engage",
        "legitimacy_adversary",
        102,
        -1,
        "Bloc C",
    ),
)
"""The effects whose drivers the card shows; leverage is read from the burden shift's indices
of the negotiator's deterrence and `leverage_half`."""
