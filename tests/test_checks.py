"""Verification checks V1-V5 of MODEL_SPEC and the calibration, over paired seed ensembles.

Each claim is a Monte Carlo interval of a paired difference (same seeds, common random
numbers) that must exclude zero; V5 compares distributions after swapping the sides.
"""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import (
    REPLICATES,
    assert_negative,
    assert_positive,
    make_spec,
    paired_interval,
    unpaired_interval,
    values,
)

from model.config import load_config

pytestmark = pytest.mark.slow

BOTH_ENGAGE = make_spec()
ADVERSARY_WALKS = make_spec(adversary={"strategy": "walk_away_at", "at": 50})
NEGOTIATOR_WALKS = make_spec(negotiator={"strategy": "walk_away_at", "at": 50})


@pytest.mark.parametrize("step", [102, 200])
def test_v1_burden_shift(step):
    for column, check in [
        ("legitimacy_negotiator", assert_positive),
        ("legitimacy_adversary", assert_negative),
        ("blame_adversary", assert_positive),
        ("narrative_share", assert_positive),
    ]:
        check(
            values(ADVERSARY_WALKS, column, step),
            values(BOTH_ENGAGE, column, step),
            f"V1 {column} at {step}",
        )


def test_v2_mirror():
    for column, check in [
        ("legitimacy_negotiator", assert_negative),
        ("blame_adversary", assert_negative),
        ("legitimacy_adversary", assert_positive),
    ]:
        check(values(NEGOTIATOR_WALKS, column), values(BOTH_ENGAGE, column), f"V2 {column}")


def test_calibration_adversary_walkout_moves_its_legitimacy_by_points():
    """A walkout at 50 moves legitimacy_adversary at step 102 by 0.02 to 0.15 (MODEL_SPEC)."""
    effect = values(BOTH_ENGAGE, "legitimacy_adversary", 102) - values(
        ADVERSARY_WALKS, "legitimacy_adversary", 102
    )
    mean, low, high = paired_interval(effect, np.zeros_like(effect))
    assert low >= 0.02 and high <= 0.15, f"calibration {mean:.4f} [{low:.4f}, {high:.4f}]"


INFORMATION = load_config("configs/information.yaml")
SMALL = {"observers": 300}


def _information(scenario):
    spec = INFORMATION.scenario_spec(scenario)
    return spec.model_copy(update=SMALL)


@pytest.mark.parametrize(
    "column", ["redline_uncertainty_negotiator", "belief_error_negotiator", "crisis_index"]
)
def test_v3_v4_information_and_miscalculation(column):
    """talks < failed talks < no channel, for red-line uncertainty, belief error (mean over the
    run) and the crisis index at the end."""
    reduce = "mean" if column == "belief_error_negotiator" else "at"
    talks, failed, none = (
        values(_information(s), column, reduce=reduce)
        for s in ("talks", "failed_talks", "no_channel")
    )
    assert_positive(failed, talks, f"{column}: failed talks - talks")
    assert_positive(none, failed, f"{column}: no channel - failed talks")


def swapped(model: dict) -> dict:
    """Swap every parameter between the sides, and the sign of every media bias."""
    from model.config import default_model_spec

    full = default_model_spec().to_dict()
    full.update(model)
    full["negotiator"], full["adversary"] = full["adversary"], full["negotiator"]
    full["media"] = [{**o, "bias": -o["bias"]} for o in full["media"]]
    full["blocs"] = [
        {**b, "tilt": {"negotiator": b["tilt"]["adversary"], "adversary": b["tilt"]["negotiator"]}}
        for b in full["blocs"]
    ]
    return full


def test_v5_symmetry_swaps_outputs_in_distribution():
    asymmetric = {
        "observers": 400,
        "negotiator": {
            "strategy": "always_engage",
            "deterrence": 0.5,
            "hawkishness": 0.3,
            "initial_legitimacy": {"mean": 0.35, "concentration": 10},
        },
        "adversary": {
            "strategy": "walk_away_at",
            "at": 40,
            "deterrence": 0.9,
            "hawkishness": 0.7,
            "initial_legitimacy": {"mean": 0.6, "concentration": 8},
        },
        "media": [
            {"name": "Leaning to N", "bias": 0.7, "reach": 0.5, "indexing": 0.3},
            {"name": "Wire", "bias": 0.0, "reach": 0.4, "indexing": 0.8},
            {"name": "Leaning to A", "bias": -0.3, "reach": 0.2, "indexing": 0.5},
        ],
    }
    original = make_spec(**asymmetric)
    mirror = make_spec(**swapped(asymmetric))
    n = 40
    steps = 120
    pairs = [
        (
            values(original, "legitimacy_negotiator", steps=steps, n=n),
            values(mirror, "legitimacy_adversary", steps=steps, n=n),
        ),
        (
            values(original, "legitimacy_adversary", steps=steps, n=n),
            values(mirror, "legitimacy_negotiator", steps=steps, n=n),
        ),
        (
            values(original, "blame_adversary", steps=steps, n=n),
            1.0 - values(mirror, "blame_adversary", steps=steps, n=n),
        ),
    ]
    from scipy import stats

    for a, b in pairs:
        mean, low, high = unpaired_interval(a, b)
        assert low <= 0 <= high, (
            f"V5: swapped outputs differ by {mean:+.4f} [{low:+.4f}, {high:+.4f}]"
        )
        assert high - low < 0.03, "V5: the interval is too wide to say anything"
        assert stats.ks_2samp(a, b).pvalue > 0.01
    # The same comparison without the swap finds the asymmetry (the test has power).
    a = values(original, "legitimacy_negotiator", steps=steps, n=n)
    b = values(original, "legitimacy_adversary", steps=steps, n=n)
    assert abs(unpaired_interval(a, b)[0]) > 0.05


def test_ensembles_use_enough_seeds():
    assert REPLICATES >= 30
