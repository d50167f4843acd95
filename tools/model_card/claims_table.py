"""The rows of the model card's claims table: each contestable claim under a few conditions.

Measured with the defaults (rivals on) and under the conditions that take one mechanism away,
so that each row says how large the claim is and what carries it (`tools.model_card.measures` runs
and judges them). MODEL_SPEC, "Checks": the burden shift, leverage, staying against
tit-for-tat, the costly-reassurance crossing, talks as a signal of weight, media ecologies and
unilateral sanctions; talks as intelligence (V3, V4) close the table.
"""

from __future__ import annotations

from tools.model_card.measures import Measure, Term, difference, difference_in_differences
from tools.model_card.scenarios import (
    BOTH_ENGAGE,
    NEGOTIATOR_SILENT,
    SILENT_BOTH,
    VERIFICATION,
    Layer,
    adversary_walks,
    deep_merge,
    media_engage,
    media_walkout,
    negotiator_tit_for_tat,
    reassure_then_adversary_walks,
    sanctions,
    talks_from,
)

WALK = adversary_walks()
WEIGHT_SIGNAL_OFF: Layer = {"mechanisms": {"weight_signal": False}}


def _walkout(condition: str, description: str, column: str, step: int, expected: int, **kw):
    layer = kw.pop("layer", None)
    return Measure(
        "burden shift",
        condition,
        description,
        column,
        step,
        difference(WALK, BOTH_ENGAGE, layer),
        expected,
        **kw,
    )


def burden_shift() -> list[Measure]:
    """A walks away at 50 while N engages, against both engaging."""
    rows = [
        _walkout(
            "defaults, 1,000 observers (the calibration)",
            "L^A at step 60: A walks at 50 - both engage (pattern P1)",
            "legitimacy_adversary",
            60,
            -1,
            observers=1000,
        ),
    ]
    for step in (56, 60, 102):
        rows.append(
            _walkout(
                "defaults",
                f"L^N at step {step}: A walks at 50 - both engage",
                "legitimacy_negotiator",
                step,
                1,
            )
        )
    for column, label, expected in [
        ("legitimacy_adversary", "L^A", -1),
        ("narrative_share", "narrative share", 1),
        ("blame_adversary", "blame on A", 1),
    ]:
        rows.append(
            _walkout(
                "defaults",
                f"{label} at step 102: A walks at 50 - both engage",
                column,
                102,
                expected,
            )
        )
    gain = "L^N at step 102: A walks at 50 - both engage"
    rows += [
        _walkout(
            "verification settings (rivals, deals, weight signal off; V1)",
            gain,
            "legitimacy_negotiator",
            102,
            1,
            layer=VERIFICATION,
        ),
        _walkout(
            "weight_signal off", gain, "legitimacy_negotiator", 102, 1, layer=WEIGHT_SIGNAL_OFF
        ),
        _walkout(
            "weight_signal off",
            "narrative share at step 102: A walks at 50 - both engage",
            "narrative_share",
            102,
            1,
            layer=WEIGHT_SIGNAL_OFF,
        ),
        Measure(
            "burden shift",
            "contrast on - contrast off",
            "gain of L^N at step 102 from A's walkout at 50",
            "legitimacy_negotiator",
            102,
            difference_in_differences(
                WALK,
                BOTH_ENGAGE,
                {"mechanisms": {"contrast": True}},
                {"mechanisms": {"contrast": False}},
            ),
            1,
        ),
    ]
    return rows


def leverage() -> list[Measure]:
    """The burden shift at high and low deterrence of N, and their difference."""
    name = "leverage (deterrence)"
    gain = "L^N at step 102: A walks at 50 - both engage"
    rows = [
        Measure(
            name,
            f"N's deterrence {d}",
            gain,
            "legitimacy_negotiator",
            102,
            difference(WALK, BOTH_ENGAGE, {"negotiator": {"deterrence": d}}),
            1,
        )
        for d in (0.9, 0.2)
    ]
    for condition, layer in [
        ("leverage on", {}),
        ("leverage on, weight_signal off", WEIGHT_SIGNAL_OFF),
        ("leverage off", {"mechanisms": {"leverage": False}}),
    ]:
        high = deep_merge(layer, {"negotiator": {"deterrence": 0.9}})
        low = deep_merge(layer, {"negotiator": {"deterrence": 0.2}})
        rows.append(
            Measure(
                name,
                condition,
                "gain of L^N at step 102 from A's walkout: N's deterrence 0.9 - 0.2",
                "legitimacy_negotiator",
                102,
                difference_in_differences(WALK, BOTH_ENGAGE, high, low),
                1,
            )
        )
    return rows


def staying() -> list[Measure]:
    """After A walks away at 50: N stays at the table against N answering tit-for-tat."""
    rows = []
    for condition, layer, step in [
        ("defaults (justified_exit 0.4)", {}, 56),
        ("defaults (justified_exit 0.4)", {}, 102),
        ("justified_exit off", {"mechanisms": {"justified_exit": False}}, 56),
        ("justified_exit off", {"mechanisms": {"justified_exit": False}}, 102),
        ("justified_exit 1.0", {"dynamics": {"justified_exit": 1.0}}, 102),
    ]:
        rows.append(
            Measure(
                "staying beats tit-for-tat",
                condition,
                f"L^N at step {step} after A walks at 50: N stays - N plays tit-for-tat",
                "legitimacy_negotiator",
                step,
                difference(WALK, negotiator_tit_for_tat(), layer),
                1,
            )
        )
    return rows


def reassurance() -> list[Measure]:
    """N concedes in weeks 20-39 against plain engagement; A later walks away."""
    rows = []
    cases = [
        ("defaults", {}, 50, ((40, -1), (102, 1))),
        ("record_bonus 30", {"dynamics": {"record_bonus": 30.0}}, 50, ((40, -1), (102, 1))),
        ("record_bonus 30, A walks at 100", {"dynamics": {"record_bonus": 30.0}}, 100, ((150, 1),)),
    ]
    for condition, layer, at, points in cases:
        for step, expected in points:
            when = "end of the window" if step == 40 else "after A walks"
            rows.append(
                Measure(
                    "costly reassurance (Hudaybiyyah)",
                    condition,
                    f"L^N at step {step} ({when}): N concedes in weeks 20-39 - N engages; "
                    f"A walks at {at}",
                    "legitimacy_negotiator",
                    step,
                    difference(reassure_then_adversary_walks(at), adversary_walks(at), layer),
                    expected,
                )
            )
    return rows


def talks_signal() -> list[Measure]:
    """N is silent until 50 and then talks start, against N staying silent (A engages)."""
    rows = []
    weak_dependent = {"dynamics": {"dependence": 1.0}, "negotiator": {"deterrence": 0.2}}
    for condition, layer, step in [
        ("defaults", {}, 60),
        ("defaults", {}, 102),
        ("weight_signal off", WEIGHT_SIGNAL_OFF, 102),
        ("dependence 1.0, N's deterrence 0.2 (weak N)", weak_dependent, 102),
    ]:
        rows.append(
            Measure(
                "talks signal weight",
                condition,
                f"L^N at step {step}: N silent until 50, then talks - N stays silent",
                "legitimacy_negotiator",
                step,
                difference(talks_from(), NEGOTIATOR_SILENT, layer),
                1,
            )
        )
    return rows


def media() -> list[Measure]:
    """The walkout under polarized and neutral media."""
    name = "media ecology"
    polarized, neutral = media_walkout("polarized"), media_walkout("neutral")
    rows = [
        Measure(
            name,
            "defaults",
            f"{label} at step 102 after A walks at 50: polarized - neutral media",
            column,
            102,
            difference(polarized, neutral),
            1,
        )
        for column, label in [
            ("gap_spread", "gap_spread"),
            ("bimodality", "bimodality"),
            ("polarization", "polarization (Esteban-Ray)"),
        ]
    ]
    rows.append(
        Measure(
            name,
            "backfire on",
            "gap_spread at step 102 after A walks at 50: polarized - neutral media",
            "gap_spread",
            102,
            difference(polarized, neutral, {"mechanisms": {"backfire": True}}),
            1,
        )
    )
    rows.append(
        Measure(
            name,
            "defaults",
            "gain of narrative share at 102 from A's walkout at 50: neutral - polarized media",
            "narrative_share",
            102,
            (
                Term(1.0, (neutral,)),
                Term(-1.0, (media_engage("neutral"),)),
                Term(-1.0, (polarized,)),
                Term(1.0, (media_engage("polarized"),)),
            ),
            1,
        )
    )
    return rows


def sanction_rows() -> list[Measure]:
    """A engages and sanctions from week 50, against A engaging, in the most sceptical bloc."""
    name = "unilateral sanctions cost the sanctioner"
    in_c = "L^A in bloc C (scepticism 0.7) at step 102"
    rows = [
        Measure(
            name,
            condition,
            f"{in_c}: A sanctions from week 50 - A engages",
            "legitimacy_adversary",
            102,
            difference(sanctions(every), BOTH_ENGAGE, bloc="Bloc C"),
            -1,
        )
        for condition, every in [
            ("every 2 weeks, unilateral", 2),
            ("every 8 weeks, unilateral (sanctions.yaml)", 8),
        ]
    ]
    sanctioning = sanctions()
    rows.append(
        Measure(
            name,
            "every 2 weeks",
            f"{in_c}: A sanctions unilaterally - multilaterally",
            "legitimacy_adversary",
            102,
            difference(sanctioning, sanctions(2, multilateral=True), bloc="Bloc C"),
            -1,
        )
    )
    rows.append(
        Measure(
            name,
            "every 2 weeks, unilateral",
            "loss of L^A at step 102 in bloc C (scepticism 0.7) - in bloc A (0.4)",
            "legitimacy_adversary",
            102,
            (
                Term(1.0, (sanctioning,), "Bloc C"),
                Term(-1.0, (BOTH_ENGAGE,), "Bloc C"),
                Term(-1.0, (sanctioning,), "Bloc A"),
                Term(1.0, (BOTH_ENGAGE,), "Bloc A"),
            ),
            -1,
        )
    )
    return rows


def information() -> list[Measure]:
    """Talks against no channel: red-line uncertainty and the crisis index (V3, V4)."""
    return [
        Measure(
            "talks as intelligence",
            "defaults",
            f"{label} at step 200: talks - no channel",
            column,
            200,
            difference(BOTH_ENGAGE, SILENT_BOTH),
            -1,
        )
        for column, label in [
            ("redline_uncertainty_negotiator", "N's red-line uncertainty"),
            ("crisis_index", "crisis index"),
        ]
    ]


def measures() -> tuple[Measure, ...]:
    """The table's rows: each claim of the essay, where it holds and where it fails."""
    return (
        *burden_shift(),
        *leverage(),
        *staying(),
        *reassurance(),
        *talks_signal(),
        *media(),
        *sanction_rows(),
        *information(),
    )
