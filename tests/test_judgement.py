"""The judgement core's invariants: evidence moves observers, attention alone does not, and
nothing is clipped."""

from __future__ import annotations

import numpy as np
import pytest
from ensemble import verify

from model.model import DiplomacyModel

ZERO = {"faith": 0.0, "strength": 0.0}
ZERO_POSTURE = {**ZERO, "standing_faith": 0.0, "standing_strength": 0.0}


def _final(spec, seed: int = 11, steps: int = 80) -> DiplomacyModel:
    model = DiplomacyModel(spec, rng=seed, horizon=steps)
    model.run_model()
    return model


@pytest.mark.parametrize("news", [0.1, 1.0])
def test_an_event_with_zero_evidence_moves_nobody_however_salient(news):
    """In the verification settings, where nothing else is in the news (with deals on, a deal
    concluded while attention is high would rightly be absorbed more)."""
    rhetoric = {
        "strategy": "scripted",
        "timeline": {0: "engage", 30: "escalate_rhetoric", 31: "engage", 40: "escalate_rhetoric"},
    }
    dynamics = {
        "evidence": {"escalate_rhetoric": ZERO},
        "newsworthiness": {"escalate_rhetoric": news},
    }
    quiet = _final(verify(observers=300, dynamics=dynamics))
    loud = _final(verify(observers=300, dynamics=dynamics, adversary=rhetoric))
    assert loud.datacollector.get_model_vars_dataframe()["salience"].max() > 0.3 * news
    np.testing.assert_array_equal(quiet.legitimacy, loud.legitimacy)
    np.testing.assert_array_equal(quiet.blame, loud.blame)


def test_a_walkout_with_zero_evidence_moves_nobody_when_talks_carry_no_evidence_either():
    dynamics = {"evidence": {"walk_away": ZERO_POSTURE}}
    stay = _final(verify(observers=300, dynamics=dynamics))
    walk = _final(
        verify(observers=300, dynamics=dynamics, adversary={"strategy": "walk_away_at", "at": 30})
    )
    np.testing.assert_array_equal(stay.legitimacy, walk.legitimacy)


def test_the_same_walkout_with_evidence_does_move_observers():
    stay = _final(verify(observers=300))
    walk = _final(verify(observers=300, adversary={"strategy": "walk_away_at", "at": 30}))
    assert not np.array_equal(stay.legitimacy, walk.legitimacy)


def test_no_rule_clips_legitimacy():
    """Evidence keeps moving log-odds far past where a clip to [0, 1] would have stopped it."""
    conceding = {
        "strategy": "scripted",
        "timeline": {t: ("concede" if t % 2 == 0 else "engage") for t in range(0, 200)},
    }
    spec = verify(
        observers=200,
        negotiator=conceding,
        dynamics={
            "event_rate": 5.0,
            "face_penalty": 0.0,
            "evidence": {"concede": {"faith": 3.0, "strength": 3.0}},
            "newsworthiness": {"concede": 1.0},
            "spin_up": 0,
        },
        mechanisms={"anchoring": False, "peers": False, "media": False},
    )
    model = DiplomacyModel(spec, rng=5, horizon=200)
    previous = model.logodds[0].copy()
    for _ in range(200):
        model.step()
        assert np.all(model.logodds[0] >= previous)  # evidence only ever pushes up
        previous = model.logodds[0].copy()
    assert np.all(np.isfinite(model.logodds))
    assert model.logodds[0].min() > 40  # far beyond L = 1 - 1e-17
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["logodds_negotiator"].is_monotonic_increasing
