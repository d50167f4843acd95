"""Measures of the figures the ODD quotes, each over the seed ensemble (common random numbers).

Each returns a per-seed sample over the replicate seeds (or one number: a ratio of means, or an
exact expectation). The patterns P1-P4 are the samples that `test_calibration.py` checks
against their targets; the others measure, the same way, what MODEL_SPEC's Calibration section
lists for the prototype. `odd_figures.py` quotes them in docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from ensemble import make_spec, seeds, values, verify
from scipy import stats

from model.config import ModelSpec, default_model_spec
from model.rules.evidence import positive_share
from model.rules.leverage import leverage_gain

WALKS_50 = {"strategy": "walk_away_at", "at": 50}
WALKS_100 = {"strategy": "walk_away_at", "at": 100}
TIT_FOR_TAT = {"strategy": "tit_for_tat"}
REASSURANCE = {"strategy": "costly_reassurance", "concede_from": 20, "concede_for": 20}
SILENT = {"strategy": "silent"}
TALKS_AFTER_SILENCE = {"strategy": "scripted", "timeline": {0: "silent", 50: "engage"}}
BOTH_ESCALATE = {
    "strategy": "scripted",
    "timeline": {0: "engage", 50: "escalate_rhetoric", 51: "engage"},
}
LOPSIDED_MEDIA = {
    "media": [
        {"name": "Outlet leaning to N", "bias": 0.6, "reach": 0.1, "indexing": 0.4},
        {"name": "Outlet leaning to A", "bias": -0.6, "reach": 0.6, "indexing": 0.4},
        {"name": "Wire service", "bias": 0.0, "reach": 0.5, "indexing": 0.8},
        {"name": "Public broadcaster", "bias": 0.0, "reach": 0.4, "indexing": 0.6},
    ],
    "mechanisms": {"leverage": False},
}
"""V8(b)'s setting: an outlet leaning to A with six times the reach of the one leaning to N."""

HORIZON = 103
"""Steps of the runs behind the figures with the defaults at step 102 or before (the figures of
the checks use the checks' own 200-step runs, which a test session shares)."""

SWITCH_OBSERVERS = 300
"""Observers in the runs of check V6 (`test_switches.py`)."""


# ------------------------------------------------------------------------------------------
# The patterns P1-P4 (MODEL_SPEC, "Calibration")
# ------------------------------------------------------------------------------------------


def p1_walkout_change(**dynamics: Any) -> np.ndarray:
    """P1: the change of L^A at step 60 when A walks away at 50, against both engaging."""
    walks = make_spec(adversary=WALKS_50, dynamics=dynamics)
    engage = make_spec(dynamics=dynamics)
    steps = 61 if dynamics else HORIZON  # the default runs serve the other figures too
    column = "legitimacy_adversary"
    return values(walks, column, 60, steps) - values(engage, column, 60, steps)


def p2_spread(concentration: float | None = None) -> np.ndarray:
    """P2: the standard deviation of L^A over observers at step 0 (after the spin-up)."""
    if concentration is None:
        return values(make_spec(), "spread_adversary", 0, HORIZON)
    adversary = {"initial_legitimacy": {"concentration": concentration}}
    return values(make_spec(adversary=adversary), "spread_adversary", 0, steps=1)


def p3_positive_share() -> np.ndarray:
    """P3: the share of observers for whom A's walkout act (step 50) is positive evidence."""
    return np.array([positive_share(m.evidence_now.act[1]) for m in _runs(WALKS_50, 50)])


def p3_expected(concentration: float | None = None) -> float:
    """P3's expectation: P(h_obs > t), the strength orientation beyond which a walkout reads well.

    A's walkout act, read against N's engagement (no act), has contrasted faith evidence
    ehat = e_f (1 + chi_A / 2) with chi_A = contrast g(D_A) (A's record at its start) and
    strength evidence g(D_A) e_s, so e > 0 exactly when h_obs > -ehat / (g(D_A) e_s - ehat).
    """
    spec = default_model_spec()
    dyn = spec.dynamics
    gain = float(leverage_gain(spec.adversary.deterrence, dyn.leverage_half))
    walk = dyn.evidence.walk_away
    faith = walk.faith * (1.0 + dyn.contrast * gain / 2.0)
    strength = gain * walk.strength
    threshold = -faith / (strength - faith)
    mean = dyn.strength_orientation_mean
    c = dyn.strength_orientation_concentration if concentration is None else concentration
    return float(stats.beta.sf(threshold, mean * c, (1.0 - mean) * c))


def p4_rank_correlation(**dynamics: Any) -> np.ndarray:
    """P4: Spearman's correlation of observers' L^A between steps 0 and 52, both engaging."""
    from model.model import DiplomacyModel

    spec = make_spec(dynamics=dynamics)
    out = []
    for seed in seeds():
        model = DiplomacyModel(spec, rng=seed, horizon=52)
        start = model.legitimacy[1].copy()
        model.run_for(52)
        out.append(stats.spearmanr(start, model.legitimacy[1]).statistic)
    return np.array(out)


def _runs(adversary: Mapping[str, Any], steps: int) -> list:
    from model.model import DiplomacyModel

    spec = make_spec(adversary=dict(adversary))
    out = []
    for seed in seeds():
        model = DiplomacyModel(spec, rng=seed, horizon=steps)
        model.run_for(steps)
        out.append(model)
    return out


# ------------------------------------------------------------------------------------------
# The prototype's other figures: checks in their verification settings, and the defaults
# ------------------------------------------------------------------------------------------


def _change(
    treatment: ModelSpec, control: ModelSpec, column: str, step: int, steps: int = 200
) -> np.ndarray:
    return values(treatment, column, step, steps) - values(control, column, step, steps)


def v1_change(column: str, step: int = 102) -> np.ndarray:
    """V1: what A's walkout at 50 changes at `step`, in the verification settings."""
    return _change(verify(adversary=WALKS_50), verify(), column, step)


def v7_gain_without_contrast() -> np.ndarray:
    """V7: N's gain at step 102 from A's walkout with `contrast` off."""
    off = {"contrast": False}
    return _change(
        verify(adversary=WALKS_50, mechanisms=off),
        verify(mechanisms=off),
        "legitimacy_negotiator",
        102,
    )


def v8b_ratio(step: int) -> float:
    """V8(b): |change of the gap when both escalate| / |V1's change of the gap|, at `step`."""
    same = _change(
        verify(negotiator=BOTH_ESCALATE, adversary=BOTH_ESCALATE, **LOPSIDED_MEDIA),
        verify(**LOPSIDED_MEDIA),
        "legitimacy_gap",
        step,
    )
    walkout = v1_change("legitimacy_gap", step)
    return float(abs(same.mean()) / abs(walkout.mean()))


def v9_drift() -> np.ndarray:
    """V9: the change of L^A between steps 0 and 50, both engaging."""
    return values(verify(), "legitimacy_adversary", 50) - values(
        verify(), "legitimacy_adversary", 0
    )


def _switched(model: Mapping[str, Any], **switches: bool) -> ModelSpec:
    return verify(**{**model, "observers": SWITCH_OBSERVERS, "mechanisms": switches})


def v6_talk_fatigue() -> np.ndarray:
    """V6: N's gain at 102 from A's walkout, `talk_fatigue` off minus on."""
    walks = {"adversary": WALKS_50}

    def gain(on: bool) -> np.ndarray:
        return _change(
            _switched(walks, talk_fatigue=on),
            _switched({}, talk_fatigue=on),
            "legitimacy_negotiator",
            102,
        )

    return gain(False) - gain(True)


def v6_justified_exit() -> np.ndarray:
    """V6: N's legitimacy at 56 after a tit-for-tat reply to A's walkout, excused minus not."""
    reply = {"negotiator": TIT_FOR_TAT, "adversary": WALKS_50}
    return _change(
        _switched(reply, justified_exit=True),
        _switched(reply, justified_exit=False),
        "legitimacy_negotiator",
        56,
    )


def defaults_walkout(column: str, step: int = 102) -> np.ndarray:
    """With the defaults: what A's walkout at 50 changes at `step`."""
    return _change(make_spec(adversary=WALKS_50), make_spec(), column, step, HORIZON)


def staying_minus_tit_for_tat(step: int) -> np.ndarray:
    """With the defaults: L^N when N keeps engaging minus when it answers A's walkout in kind."""
    return _change(
        make_spec(adversary=WALKS_50),
        make_spec(negotiator=TIT_FOR_TAT, adversary=WALKS_50),
        "legitimacy_negotiator",
        step,
        HORIZON,
    )


def leverage_difference() -> np.ndarray:
    """With the defaults: N's gain at 102 from A's walkout at D_N 0.9 minus at D_N 0.3."""

    def gain(deterrence: float) -> np.ndarray:
        side = {"deterrence": deterrence}
        return _change(
            make_spec(negotiator=side, adversary=WALKS_50),
            make_spec(negotiator=side),
            "legitimacy_negotiator",
            102,
            HORIZON,
        )

    return gain(0.9) - gain(0.3)


def talks_after_silence(**model: Any) -> np.ndarray:
    """L^N at 102 when both sides end a silence at 50 with talks, minus both staying silent."""
    negotiator = model.pop("negotiator", {})
    return _change(
        make_spec(
            negotiator={**TALKS_AFTER_SILENCE, **negotiator}, adversary=TALKS_AFTER_SILENCE, **model
        ),
        make_spec(negotiator={**SILENT, **negotiator}, adversary=SILENT, **model),
        "legitimacy_negotiator",
        102,
        HORIZON,
    )


def concession_window() -> np.ndarray:
    """With the defaults: L^N at 39, conceding from 20 to 39, minus engaging (A engages)."""
    return _change(
        make_spec(negotiator=REASSURANCE), make_spec(), "legitimacy_negotiator", 39, HORIZON
    )


def concession_later() -> np.ndarray:
    """With the defaults: L^N at 150 after A walks at 100, a conceder minus a plain engager."""
    return _change(
        make_spec(negotiator=REASSURANCE, adversary=WALKS_100),
        make_spec(adversary=WALKS_100),
        "legitimacy_negotiator",
        150,
        151,
    )


def polarized_spread() -> np.ndarray:
    """The widening of gap_spread at 55 by A's walkout, polarized media minus the default mix."""

    def widening(media: str) -> np.ndarray:
        return _change(
            make_spec(adversary=WALKS_50, media=media),
            make_spec(media=media),
            "gap_spread",
            55,
            HORIZON,
        )

    return widening("polarized") - widening("mixed")
