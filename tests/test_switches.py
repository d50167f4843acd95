"""Check V6 of MODEL_SPEC: each mechanism switched off removes its effect, with a direction.

Two kinds of evidence per switch: with the mechanism off, its own parameters no longer change
anything (bit-identical outputs); with it on, it has its stated effect where the effect lives
(a paired interval over 30 seeds that excludes zero). Everything runs in the verification
settings (rivals, deals and the weight signal off) except the switch under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ensemble import assert_positive, models, run, seeds, values, verify

pytestmark = pytest.mark.slow

SMALL = 300
WALKOUT = {"adversary": {"strategy": "walk_away_at", "at": 50}}
TIT_FOR_TAT = {
    "negotiator": {"strategy": "tit_for_tat"},
    "adversary": {"strategy": "walk_away_at", "at": 50},
}
REASSURANCE = {
    "negotiator": {"strategy": "costly_reassurance", "concede_from": 20, "concede_for": 20},
    "adversary": {"strategy": "walk_away_at", "at": 100},
}
FRUITLESS = {"negotiator": {"caution": 0.0}, "adversary": {"caution": 0.0}}

# (switch, base scenario, a parameter path of the mechanism, two values of it)
IRRELEVANT_WHEN_OFF = [
    ("contrast", WALKOUT, ("dynamics", "contrast"), (0.1, 1.5)),
    ("attribution", WALKOUT, ("dynamics", "attribution_bias"), (0.1, 0.9)),
    ("media", {**WALKOUT, "media": "polarized"}, ("dynamics", "media_rate"), (0.05, 0.5)),
    ("peers", WALKOUT, ("dynamics", "peer_rate"), (0.05, 0.4)),
    ("anchoring", WALKOUT, ("dynamics", "anchoring"), (0.01, 0.3)),
    ("leverage", WALKOUT, ("negotiator", "deterrence"), (0.1, 0.9)),
    ("reassurance", REASSURANCE, ("dynamics", "record_bonus"), (2.0, 30.0)),
    ("learning", WALKOUT, ("dynamics", "signal_accuracy_talks"), (0.55, 0.95)),
    ("weight_signal", WALKOUT, ("dynamics", "weight_signal"), (0.1, 1.0)),
    ("deals", {}, ("dynamics", "evidence", "agreement", "faith"), (0.1, 1.5)),
    ("talk_fatigue", WALKOUT, ("dynamics", "talk_fatigue"), (0.05, 1.0)),
    ("justified_exit", TIT_FOR_TAT, ("dynamics", "justified_exit"), (0.1, 1.0)),
    (
        "backfire",
        {**WALKOUT, "media": "polarized", "dynamics": {"backfire_margin": 0.1}},
        ("dynamics", "backfire_rate"),
        (0.05, 0.5),
    ),
]


def _with(model: dict, path: tuple, value, switch: str, on: bool) -> dict:
    out = {**model, "observers": SMALL}
    here = out
    for key in path[:-1]:
        here[key] = dict(here.get(key, {}))
        here = here[key]
    here[path[-1]] = value
    out["mechanisms"] = {switch: on}
    return out


@pytest.mark.parametrize(
    ("switch", "model", "path", "pair"),
    IRRELEVANT_WHEN_OFF,
    ids=[c[0] for c in IRRELEVANT_WHEN_OFF],
)
def test_switched_off_mechanism_parameters_have_no_effect(switch, model, path, pair):
    seed = seeds(1)[0]
    low, high = (verify(**_with(model, path, v, switch, False)) for v in pair)
    columns = [
        "legitimacy_negotiator",
        "legitimacy_adversary",
        "blame_adversary",
        "belief_error_negotiator",
        "redline_uncertainty_negotiator",
        "gap_spread",
    ]
    pd.testing.assert_frame_equal(run(low, seed, 120)[columns], run(high, seed, 120)[columns])
    on_low, on_high = (verify(**_with(model, path, v, switch, True)) for v in pair)
    assert not run(on_low, seed, 120)[columns].equals(run(on_high, seed, 120)[columns]), (
        f"{switch} on: changing {path} should change the outputs"
    )


def _spec(model: dict, observers: int = SMALL, **switches: bool):
    return verify(**{**model, "observers": observers, "mechanisms": switches})


def _gain(column: str, step: int, treatment: dict, control: dict, **switches) -> np.ndarray:
    return values(_spec(treatment, **switches), column, step) - values(
        _spec(control, **switches), column, step
    )


def test_contrast_on_raises_the_negotiators_gain_when_the_adversary_walks():
    on = _gain("legitimacy_negotiator", 102, WALKOUT, {}, contrast=True)
    off = _gain("legitimacy_negotiator", 102, WALKOUT, {}, contrast=False)
    assert_positive(on, off, "V1 gain of N with contrast - without")


def test_attribution_on_spreads_the_judgement_of_a_walkout():
    on = _gain("spread_adversary", 55, WALKOUT, {}, attribution=True)
    off = _gain("spread_adversary", 55, WALKOUT, {}, attribution=False)
    assert_positive(on, off, "widening of the spread of L^A by the walkout, attribution on - off")


def test_media_on_relays_the_walkout_to_more_observers():
    on = -_gain("legitimacy_adversary", 55, WALKOUT, {}, media=True)
    off = -_gain("legitimacy_adversary", 55, WALKOUT, {}, media=False)
    assert_positive(on, off, "A's loss from its walkout, media on - off")


def test_elite_indexing_off_keeps_outlets_on_their_indexing():
    for on in (True, False):
        (model,) = models(_spec(WALKOUT, elite_indexing=on), 60, n=1)
        media = model.datacollector.get_table_dataframe("media")
        indexing = dict(zip([o.name for o in model.outlets], model.outlet_indexing, strict=True))
        later = media[media.step > 50]
        same = (later["effective_indexing"] == later["outlet"].map(indexing)).all()
        assert bool(same) is (not on)


def test_peers_on_narrow_the_spread_of_views():
    on = values(_spec({}, peers=True), "spread_adversary", 100)
    off = values(_spec({}, peers=False), "spread_adversary", 100)
    assert_positive(off, on, "sd of L^A without peers - with")


def test_anchoring_on_pulls_back_after_a_walkout():
    on = -_gain("legitimacy_adversary", 200, WALKOUT, {}, anchoring=True)
    off = -_gain("legitimacy_adversary", 200, WALKOUT, {}, anchoring=False)
    assert_positive(off, on, "A's walkout loss at 200 without anchoring - with")


def test_leverage_on_makes_staying_count_with_deterrence():
    strong = {**WALKOUT, "negotiator": {"deterrence": 0.9}}
    weak = {**WALKOUT, "negotiator": {"deterrence": 0.1}}
    gain = values(_spec(strong, leverage=True), "legitimacy_negotiator", 102) - values(
        _spec(weak, leverage=True), "legitimacy_negotiator", 102
    )
    assert_positive(gain, 0 * gain, "N's legitimacy when A walks, deterrence 0.9 - 0.1")


def test_reassurance_on_pays_a_concession_back_when_the_other_side_defects():
    on = values(_spec(REASSURANCE, reassurance=True), "legitimacy_negotiator", 110)
    off = values(_spec(REASSURANCE, reassurance=False), "legitimacy_negotiator", 110)
    assert_positive(on, off, "N's legitimacy after A walks at 100, reassurance on - off")


def test_learning_off_freezes_beliefs_and_on_sharpens_them():
    (frozen,) = (run(_spec({}, learning=False), seeds(1)[0], 60),)
    assert frozen["redline_uncertainty_negotiator"].nunique() == 1
    assert frozen["belief_error_negotiator"].nunique() == 1
    moving = run(_spec({}, learning=True), seeds(1)[0], 60)
    assert moving["redline_uncertainty_negotiator"].iloc[-1] < 0.05


def test_weight_signal_on_lends_the_negotiator_weight_while_talks_last():
    on = values(_spec({}, weight_signal=True), "legitimacy_negotiator", 0)
    off = values(_spec({}, weight_signal=False), "legitimacy_negotiator", 0)
    assert_positive(on, off, "N's legitimacy in talks, weight signal on - off")


def test_deals_on_credit_both_sides():
    for column in ("legitimacy_negotiator", "legitimacy_adversary"):
        on = values(_spec({}, deals=True), column, reduce="mean")
        off = values(_spec({}, deals=False), column, reduce="mean")
        assert_positive(on, off, f"{column} over the run, deals on - off")
    counted = values(_spec({}, deals=False), "agreements")
    assert counted.mean() > 0  # deals are concluded and counted either way


def test_talk_fatigue_on_lowers_the_negotiators_gain_when_it_waits_alone():
    on = _gain("legitimacy_negotiator", 102, WALKOUT, {}, talk_fatigue=True)
    off = _gain("legitimacy_negotiator", 102, WALKOUT, {}, talk_fatigue=False)
    assert_positive(off, on, "N's gain when A walks, fatigue off - on")


def test_justified_exit_on_softens_a_tit_for_tat_reply():
    on = values(_spec(TIT_FOR_TAT, justified_exit=True), "legitimacy_negotiator", 56)
    off = values(_spec(TIT_FOR_TAT, justified_exit=False), "legitimacy_negotiator", 56)
    assert_positive(on, off, "N's legitimacy after a tit-for-tat walkout, excused - not")


def test_backfire_on_widens_the_split_under_polarized_media():
    # Cross-cutting exposure (no selective exposure) and a narrow margin, where backfire lives.
    polarized = {
        **WALKOUT,
        "media": "polarized",
        "dynamics": {"selective_exposure": 0.0, "backfire_margin": 0.1},
    }
    on = values(_spec(polarized, backfire=True), "spread_adversary", 55)
    off = values(_spec(polarized, backfire=False), "spread_adversary", 55)
    assert_positive(on, off, "sd of L^A under polarized media, backfire on - off")


def test_dependence_makes_talks_with_a_stronger_side_cost_a_weak_negotiator():
    weak = {"negotiator": {"deterrence": 0.2}}
    dependent = {**weak, "dynamics": {"dependence": 0.5}}
    on = values(_spec(dependent), "legitimacy_negotiator", 0)
    off = values(_spec(weak), "legitimacy_negotiator", 0)
    assert_positive(off, on, "weak N's legitimacy in talks, dependence 0 - 0.5")


def test_selective_exposure_ties_outlets_to_leaning():
    def correlation(k: float) -> float:
        (model,) = models(_spec({"dynamics": {"selective_exposure": k}}, observers=2000), 0, n=1)
        gap = model.legitimacy_initial[0] - model.legitimacy_initial[1]
        return float(np.corrcoef(gap, model.outlet_bias_mean)[0, 1])

    assert correlation(3.0) > 0.3
    assert abs(correlation(0.0)) < 0.1
