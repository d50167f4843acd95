"""Verification checks V1-V5 and V7-V9 of MODEL_SPEC (v2), over paired seed ensembles.

Each claim is a Monte Carlo interval of a paired difference (same seeds, common random
numbers) over 30 seeds, in the verification settings (rivals, deals and the weight signal off)
unless a check says otherwise; V5 compares distributions after mirroring the resolved model.
The calibration patterns P1-P4 are in `test_calibration.py`; V6 in `test_switches.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import (
    REPLICATES,
    assert_negative,
    assert_positive,
    make_spec,
    models,
    paired_interval,
    unpaired_interval,
    values,
    verify,
)
from scipy import stats

from model.config import ModelSpec, load_config
from model.config.strategy import flat_strategy

pytestmark = pytest.mark.slow

WALKS_50 = {"strategy": "walk_away_at", "at": 50}
BOTH_ENGAGE = verify()
ADVERSARY_WALKS = verify(adversary=WALKS_50)
NEGOTIATOR_WALKS = verify(negotiator=WALKS_50)


@pytest.mark.parametrize(
    ("column", "check"),
    [
        ("legitimacy_negotiator", assert_positive),
        ("legitimacy_adversary", assert_negative),
        ("blame_adversary", assert_positive),
        ("narrative_share", assert_positive),
    ],
)
def test_v1_burden_shift(column, check):
    check(
        values(ADVERSARY_WALKS, column, 102),
        values(BOTH_ENGAGE, column, 102),
        f"V1 {column} at 102",
    )


@pytest.mark.parametrize(
    ("column", "check"),
    [
        ("legitimacy_negotiator", assert_negative),
        ("blame_adversary", assert_negative),
        ("legitimacy_adversary", assert_positive),
    ],
)
def test_v2_mirror(column, check):
    check(values(NEGOTIATOR_WALKS, column, 102), values(BOTH_ENGAGE, column, 102), f"V2 {column}")


INFORMATION = load_config("configs/information.yaml")


def _information(scenario: str) -> ModelSpec:
    spec = INFORMATION.scenario_spec(scenario)
    return verify(
        negotiator=flat_strategy(spec.negotiator.strategy),
        adversary=flat_strategy(spec.adversary.strategy),
        observers=300,
    )


@pytest.mark.parametrize(
    "column", ["redline_uncertainty_negotiator", "belief_error_negotiator", "crisis_index"]
)
def test_v3_v4_information_and_miscalculation(column):
    """talks < failed talks < no channel: red-line uncertainty and belief error (means over the
    run, V3) and the crisis index at the end (V4)."""
    reduce = "at" if column == "crisis_index" else "mean"
    talks, failed, none = (
        values(_information(s), column, reduce=reduce)
        for s in ("talks", "failed_talks", "no_channel")
    )
    assert_positive(failed, talks, f"{column}: failed talks - talks")
    assert_positive(none, failed, f"{column}: no channel - failed talks")


# ------------------------------------------------------------------------------------------
# V5: symmetry, on the fully resolved model
# ------------------------------------------------------------------------------------------


def mirrored(spec: ModelSpec) -> ModelSpec:
    """The mirror of a resolved model: every side parameter swapped (strategies included),
    every media bias negated, every bloc tilt swapped, the starting blame reflected."""
    data = spec.model_dump()
    data["negotiator"], data["adversary"] = data["adversary"], data["negotiator"]
    data["media"] = [{**o, "bias": -o["bias"]} for o in data["media"]]
    data["blocs"] = [
        {**b, "tilt": {"negotiator": b["tilt"]["adversary"], "adversary": b["tilt"]["negotiator"]}}
        for b in data["blocs"]
    ]
    data["dynamics"]["blame_start"] = 1.0 - data["dynamics"]["blame_start"]
    return ModelSpec.model_validate(data)


ASYMMETRIC = {
    "observers": 300,
    "negotiator": {
        "deterrence": 0.5,
        "hawkishness": 0.3,
        "caution": 0.8,
        "initial_legitimacy": {"mean": 0.35, "concentration": 6},
    },
    "adversary": {
        "deterrence": 0.9,
        "hawkishness": 0.7,
        "prepare_probability": 0.3,
        "initial_legitimacy": {"mean": 0.6, "concentration": 8},
    },
    "media": [
        {"name": "Leaning to N", "bias": 0.7, "reach": 0.5, "indexing": 0.3},
        {"name": "Wire", "bias": 0.0, "reach": 0.4, "indexing": 0.8},
        {"name": "Leaning to A", "bias": -0.3, "reach": 0.2, "indexing": 0.5},
    ],
}
PAIRS = {
    "walk_away_vs_engage": ({"strategy": "always_engage"}, {"strategy": "walk_away_at", "at": 40}),
    "adaptive_vs_adaptive": ({"strategy": "adaptive"}, {"strategy": "adaptive", "rationality": 2}),
    "tit_for_tat_vs_sanctions": (
        {"strategy": "tit_for_tat"},
        {"strategy": "sanction_every", "every": 8, "from": 30},
    ),
}
SWAPPED = [
    ("legitimacy_negotiator", "legitimacy_adversary", False),
    ("legitimacy_adversary", "legitimacy_negotiator", False),
    ("blame_adversary", "blame_adversary", True),
    ("escalation_cost_negotiator", "escalation_cost_adversary", False),
    ("belief_error_negotiator", "belief_error_adversary", False),
    ("redline_uncertainty_negotiator", "redline_uncertainty_adversary", False),
]


@pytest.mark.parametrize("pair", list(PAIRS))
def test_v5_mirroring_the_resolved_model_swaps_the_outputs_in_distribution(pair):
    negotiator, adversary = PAIRS[pair]
    model = {
        **ASYMMETRIC,
        "negotiator": {**ASYMMETRIC["negotiator"], **negotiator},
        "adversary": {**ASYMMETRIC["adversary"], **adversary},
    }
    original = make_spec(**model)
    mirror = mirrored(original)
    n, steps = 60, 120
    checks = 3 * len(SWAPPED)
    for step in (30, 60, 120):
        for column, other, reflected in SWAPPED:
            a = values(original, column, step, steps=steps, n=n)
            b = values(mirror, other, step, steps=steps, n=n)
            b = 1.0 - b if reflected else b
            # A family-wise 95% level over the checks of one strategy pair (Bonferroni).
            mean, low, high = unpaired_interval(a, b, level=1 - 0.05 / checks)
            assert low <= 0 <= high or np.allclose(a.mean(), b.mean()), (
                f"V5 {pair} {column} at {step}: mirror differs by {mean:+.4f} "
                f"[{low:+.4f}, {high:+.4f}]"
            )
            if np.ptp(a) > 0 and np.ptp(b) > 0:
                pvalue = stats.ks_2samp(a, b).pvalue
                assert pvalue > 0.05 / checks, f"V5 {pair} {column} at {step}: KS p {pvalue}"
    # Comparing a column with itself across the mirror finds the asymmetry: the check has power.
    a = values(original, "legitimacy_negotiator", 10, steps=steps, n=n)
    b = values(mirror, "legitimacy_negotiator", 10, steps=steps, n=n)
    _, low, high = unpaired_interval(a, b, level=1 - 0.05 / checks)
    assert low > 0 or high < 0, "V5: the check cannot tell the sides apart"


def test_v5_mirror_is_built_from_every_resolved_parameter():
    spec = make_spec(**ASYMMETRIC)
    mirror = mirrored(spec)
    assert mirror.negotiator == spec.adversary and mirror.adversary == spec.negotiator
    assert mirrored(mirror) == spec


# ------------------------------------------------------------------------------------------
# V7, V8, V9 (v2): contrast, attention, no transient
# ------------------------------------------------------------------------------------------


def _gain(treatment: ModelSpec, control: ModelSpec, column: str, step: int) -> np.ndarray:
    return values(treatment, column, step) - values(control, column, step)


def test_v7_the_burden_shift_is_contrast_not_attention():
    on = _gain(ADVERSARY_WALKS, BOTH_ENGAGE, "legitimacy_negotiator", 102).mean()
    no_contrast = {"contrast": False}
    off = _gain(
        verify(adversary=WALKS_50, mechanisms=no_contrast),
        verify(mechanisms=no_contrast),
        "legitimacy_negotiator",
        102,
    ).mean()
    assert on > 0
    assert off <= on / 3, f"V7: N's gain without contrast {off:+.5f}, with {on:+.5f}"


def test_v8a_attention_without_evidence_moves_nobody():
    shocks = {step: 0.25 for step in range(50, 103)}
    quiet, attentive = (
        models(verify(observers=300, salience_shocks=s), 102, n=5) for s in ({}, shocks)
    )
    for a, b in zip(quiet, attentive, strict=True):
        assert b.salience > a.salience
        np.testing.assert_array_equal(a.legitimacy, b.legitimacy)


def test_v8b_the_same_act_by_both_sides_moves_the_gap_little_whatever_the_media():
    both_escalate = {
        "strategy": "scripted",
        "timeline": {0: "engage", 50: "escalate_rhetoric", 51: "engage"},
    }
    media = [
        {"name": "Outlet leaning to N", "bias": 0.6, "reach": 0.1, "indexing": 0.4},
        {"name": "Outlet leaning to A", "bias": -0.6, "reach": 0.6, "indexing": 0.4},
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
    ]
    lopsided = {"media": media, "mechanisms": {"leverage": False}}
    treatment = verify(negotiator=both_escalate, adversary=both_escalate, **lopsided)
    control = verify(**lopsided)
    for step in (55, 102):
        same_act = abs(_gain(treatment, control, "legitimacy_gap", step).mean())
        walkout = abs(_gain(ADVERSARY_WALKS, BOTH_ENGAGE, "legitimacy_gap", step).mean())
        assert same_act < walkout / 10, (
            f"V8b at {step}: the same act moves the gap by {same_act:.5f}, V1 by {walkout:.5f}"
        )


@pytest.mark.parametrize(
    "column", ["legitimacy_negotiator", "legitimacy_adversary", "narrative_share"]
)
def test_v9_no_transient_after_the_spin_up(column):
    drift = values(BOTH_ENGAGE, column, 50) - values(BOTH_ENGAGE, column, 0)
    mean, low, high = paired_interval(drift, np.zeros_like(drift))
    assert abs(mean) < 0.005 and low > -0.005 and high < 0.005, (
        f"V9 {column}: drift 0-50 {mean:+.5f} [{low:+.5f}, {high:+.5f}]"
    )


def test_v9_without_the_spin_up_there_is_a_transient():
    cold = verify(dynamics={"spin_up": 0})
    drift = values(cold, "legitimacy_adversary", 50) - values(cold, "legitimacy_adversary", 0)
    spun = values(BOTH_ENGAGE, "legitimacy_adversary", 50) - values(
        BOTH_ENGAGE, "legitimacy_adversary", 0
    )
    assert abs(drift.mean()) > abs(spun.mean())
    assert (
        np.std(values(cold, "spread_adversary", 50) - values(cold, "spread_adversary", 0)) >= 0
        and abs((values(cold, "spread_adversary", 50) - values(cold, "spread_adversary", 0)).mean())
        > 0.005
    )


def test_ensembles_use_enough_seeds():
    assert REPLICATES >= 30
