"""The model card's claim maps: each contestable claim over the parameters it depends on.

The intervention time, the negotiator's starting legitimacy, the observers' strength
orientation, deterrence, and the evidence-table cells and mechanism strengths that carry each
claim (MODEL_SPEC, "Checks"), mapped with `tools.model_card.mapping`.
"""

from __future__ import annotations

from tools.model_card.mapping import Axis, ClaimMap, parameter, scenario_axis
from tools.model_card.measures import Measure, Term, difference, difference_in_differences
from tools.model_card.scenarios import (
    BOTH_ENGAGE,
    NEGOTIATOR_SILENT,
    Layer,
    adversary_walks,
    media_walkout,
    negotiator_tit_for_tat,
    reassure_then_adversary_walks,
    sanctions,
    talks_from,
)

LATER = 52
"""Effects are read this many weeks after the intervention (and a few weeks after, `SOON`)."""
SOON = 6

STRENGTH = parameter(
    "strength orientation (mean)", "dynamics.strength_orientation_mean", (0.2, 0.5, 0.8), 0.5
)
N_LEGITIMACY = parameter(
    "N's initial legitimacy (mean)",
    "negotiator.initial_legitimacy.mean",
    (0.2, 0.35, 0.5, 0.7),
    0.35,
)
N_DETERRENCE = parameter("N's deterrence", "negotiator.deterrence", (0.2, 0.6, 1.0), 0.6)
A_DETERRENCE = parameter("A's deterrence", "adversary.deterrence", (0.3, 0.6, 1.0), 1.0)
WEIGHT = parameter("weight_signal", "dynamics.weight_signal", (0.0, 0.3, 0.6), 0.3)
CONTRAST = parameter("contrast", "dynamics.contrast", (0.0, 1.0, 2.0), 1.0)
WALK_FAITH = parameter(
    "evidence.walk_away.faith", "dynamics.evidence.walk_away.faith", (-1.0, -0.5, 0.0), -0.5
)
WALK_STRENGTH = parameter(
    "evidence.walk_away.strength", "dynamics.evidence.walk_away.strength", (0.0, 0.6, 1.2), 0.6
)


def _burden(at: int) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            "burden shift",
            "map",
            f"{label} at A's walkout + {LATER}: A walks - both engage",
            column,
            at + LATER,
            difference(adversary_walks(at), BOTH_ENGAGE),
            1,
        )
        for column, label in [("legitimacy_negotiator", "L^N"), ("narrative_share", "share")]
    )


def _leverage(at: int) -> tuple[Measure, ...]:
    high, low = {"negotiator": {"deterrence": 0.9}}, {"negotiator": {"deterrence": 0.2}}
    return (
        Measure(
            "leverage",
            "map",
            f"gain of L^N at A's walkout + {LATER}: N's deterrence 0.9 - 0.2",
            "legitimacy_negotiator",
            at + LATER,
            difference_in_differences(adversary_walks(at), BOTH_ENGAGE, high, low),
            1,
        ),
    )


def _staying(at: int) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            "staying beats tit-for-tat",
            "map",
            f"L^N at A's walkout + {weeks}: N stays - N plays tit-for-tat",
            "legitimacy_negotiator",
            at + weeks,
            difference(adversary_walks(at), negotiator_tit_for_tat(at)),
            1,
        )
        for weeks in (SOON, LATER)
    )


def _reassurance(at: int) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            "costly reassurance",
            "map",
            f"L^N at {when}: N concedes in weeks 20-39 - N engages",
            "legitimacy_negotiator",
            step,
            difference(reassure_then_adversary_walks(at), adversary_walks(at)),
            expected,
        )
        for when, step, expected in [
            ("step 40", 40, -1),
            (f"A's walkout + {LATER}", at + LATER, 1),
        ]
    )


def _talks(at: int) -> tuple[Measure, ...]:
    return (
        Measure(
            "talks signal weight",
            "map",
            f"L^N at talks + {LATER}: N silent, then talks - N stays silent",
            "legitimacy_negotiator",
            at + LATER,
            difference(talks_from(at), NEGOTIATOR_SILENT),
            1,
        ),
    )


def _media(at: int) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            "media ecology",
            "map",
            f"{column} at A's walkout + {LATER}: polarized - neutral media",
            column,
            at + LATER,
            difference(media_walkout("polarized", at), media_walkout("neutral", at)),
            1,
        )
        for column in ("gap_spread", "bimodality")
    )


def _sanctions_every(every: int) -> tuple[Measure, ...]:
    sanctioning = sanctions(every)
    c_minus_a = (
        Term(1.0, (sanctioning,), "Bloc C"),
        Term(-1.0, (BOTH_ENGAGE,), "Bloc C"),
        Term(-1.0, (sanctioning,), "Bloc A"),
        Term(1.0, (BOTH_ENGAGE,), "Bloc A"),
    )
    return (
        Measure(
            "unilateral sanctions",
            "map",
            "L^A in bloc C at 102: A sanctions from 50 - A engages",
            "legitimacy_adversary",
            102,
            difference(sanctioning, BOTH_ENGAGE, bloc="Bloc C"),
            -1,
        ),
        Measure(
            "unilateral sanctions",
            "map",
            "loss of L^A at 102: bloc C - bloc A",
            "legitimacy_adversary",
            102,
            c_minus_a,
            -1,
        ),
    )


def _sanctions(at: int) -> tuple[Measure, ...]:
    """A sanctions every 2 weeks from week 50 (the intervention time is fixed)."""
    return _sanctions_every(2)


def _weak_dependent(value: float) -> Layer:
    return {"dynamics": {"dependence": value}, "negotiator": {"deterrence": 0.2}}


def maps() -> tuple[ClaimMap, ...]:
    """The claim maps of the card, one per contestable claim."""
    return (
        ClaimMap(
            "burden shift",
            _burden,
            (
                scenario_axis("A walks at", (20, 50, 100), _burden),
                N_LEGITIMACY,
                STRENGTH,
                N_DETERRENCE,
                WEIGHT,
                WALK_FAITH,
                WALK_STRENGTH,
                CONTRAST,
                parameter("talk_fatigue", "dynamics.talk_fatigue", (0.0, 0.05, 0.2), 0.05),
            ),
        ),
        ClaimMap(
            "leverage",
            _leverage,
            (
                STRENGTH,
                parameter("leverage_half", "dynamics.leverage_half", (0.2, 0.4, 0.8), 0.4),
                CONTRAST,
                WEIGHT,
                WALK_FAITH,
            ),
        ),
        ClaimMap(
            "staying beats tit-for-tat",
            _staying,
            (
                scenario_axis("A walks at", (20, 50, 100), _staying),
                parameter("justified_exit", "dynamics.justified_exit", (0.0, 0.4, 1.0, 2.0), 0.4),
                N_LEGITIMACY,
                STRENGTH,
                WALK_FAITH,
                WALK_STRENGTH,
                CONTRAST,
            ),
        ),
        ClaimMap(
            "costly reassurance",
            _reassurance,
            (
                scenario_axis("A walks at", (50, 100), _reassurance),
                parameter("record_bonus", "dynamics.record_bonus", (0.0, 2.0, 10.0, 30.0), 2.0),
                parameter("face_penalty", "dynamics.face_penalty", (0.0, 0.4, 0.8), 0.8),
                STRENGTH,
                parameter(
                    "evidence.concede.faith",
                    "dynamics.evidence.concede.faith",
                    (0.3, 0.6, 1.2),
                    0.6,
                ),
                parameter(
                    "evidence.concede.strength",
                    "dynamics.evidence.concede.strength",
                    (-1.8, -0.9, 0.0),
                    -0.9,
                ),
                N_LEGITIMACY,
            ),
        ),
        ClaimMap(
            "talks signal weight",
            _talks,
            (
                scenario_axis("talks start at", (20, 50, 100), _talks),
                parameter("weight_signal", "dynamics.weight_signal", (0.0, 0.3, 0.6, 1.0), 0.3),
                Axis(
                    "dependence, with N's deterrence 0.2",
                    (0.0, 0.5, 1.0, 2.0),
                    None,
                    layer=_weak_dependent,
                ),
                N_DETERRENCE,
                A_DETERRENCE,
                STRENGTH,
                N_LEGITIMACY,
            ),
        ),
        ClaimMap(
            "media ecology",
            _media,
            (
                parameter("media_slant", "dynamics.media_slant", (0.5, 1.0, 2.0, 4.0), 1.0),
                parameter(
                    "selective_exposure", "dynamics.selective_exposure", (0.0, 3.0, 10.0), 3.0
                ),
                parameter("media_rate", "dynamics.media_rate", (0.1, 0.25, 0.5, 1.0), 0.25),
                parameter("backfire", "mechanisms.backfire", (False, True), False),
                STRENGTH,
            ),
        ),
        ClaimMap(
            "unilateral sanctions",
            _sanctions,
            (
                scenario_axis("sanction every (weeks)", (2, 4, 8), _sanctions_every, 2),
                parameter(
                    "evidence.sanction.faith",
                    "dynamics.evidence.sanction.faith",
                    (-2.0, -1.0, -0.5),
                    -1.0,
                ),
                parameter(
                    "evidence.sanction.strength",
                    "dynamics.evidence.sanction.strength",
                    (0.0, 0.4, 0.8),
                    0.4,
                ),
                STRENGTH,
                parameter(
                    "A's initial legitimacy (mean)",
                    "adversary.initial_legitimacy.mean",
                    (0.35, 0.55, 0.75),
                    0.55,
                ),
            ),
        ),
    )
