"""Check V6 of MODEL_SPEC: each mechanism switched off removes its effect.

Two kinds of evidence per switch: with the mechanism off, its own parameters no longer change
anything (bit-identical outputs); with it on, it has its claimed effect (paired intervals over
seeds).
"""

from __future__ import annotations

import pandas as pd
import pytest
from ensemble import assert_positive, make_spec, run, seeds, values

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
    ("media", {**WALKOUT, "media": "polarized"}, ("dynamics", "media_rate"), (0.01, 0.2)),
    ("peers", WALKOUT, ("dynamics", "peer_rate"), (0.1, 0.5)),
    ("anchoring", WALKOUT, ("dynamics", "anchoring"), (0.01, 0.3)),
    ("leverage", WALKOUT, ("negotiator", "deterrence"), (0.1, 0.9)),
    ("reassurance", REASSURANCE, ("dynamics", "record_bonus"), (2.0, 30.0)),
    ("learning", WALKOUT, ("dynamics", "signal_accuracy_talks"), (0.55, 0.95)),
    ("talk_fatigue", FRUITLESS, ("dynamics", "talk_fatigue"), (0.1, 1.0)),
    ("justified_exit", TIT_FOR_TAT, ("dynamics", "justified_exit"), (0.1, 1.0)),
    ("backfire", {**WALKOUT, "media": "polarized"}, ("dynamics", "backfire_rate"), (0.01, 0.3)),
]


def _with(model: dict, path: tuple, value, switch: str, on: bool) -> dict:
    out = {**model, "observers": SMALL}
    section, key = path
    out[section] = {**out.get(section, {}), key: value}
    out["mechanisms"] = {**out.get("mechanisms", {}), switch: on}
    return out


@pytest.mark.parametrize(
    ("switch", "model", "path", "pair"),
    IRRELEVANT_WHEN_OFF,
    ids=[c[0] for c in IRRELEVANT_WHEN_OFF],
)
def test_switched_off_mechanism_parameters_have_no_effect(switch, model, path, pair):
    seed = seeds(1)[0]
    low, high = (make_spec(**_with(model, path, v, switch, False)) for v in pair)
    columns = [
        "legitimacy_negotiator",
        "legitimacy_adversary",
        "blame_adversary",
        "belief_error_negotiator",
        "redline_uncertainty_negotiator",
        "polarization",
    ]
    pd.testing.assert_frame_equal(run(low, seed, 120)[columns], run(high, seed, 120)[columns])
    on_low, on_high = (make_spec(**_with(model, path, v, switch, True)) for v in pair)
    assert not run(on_low, seed, 120)[columns].equals(run(on_high, seed, 120)[columns]), (
        f"{switch} on: changing {path} should change the outputs"
    )


def _spec(model: dict, **switches: bool):
    return make_spec(**{**model, "observers": SMALL, "mechanisms": switches})


def _gain(column: str, step: int, treatment: dict, control: dict, **switches):
    return values(_spec(treatment, **switches), column, step) - values(
        _spec(control, **switches), column, step
    )


def test_contrast_off_shrinks_v1_gain_of_negotiator():
    on = _gain("legitimacy_negotiator", 102, WALKOUT, {}, contrast=True)
    off = _gain("legitimacy_negotiator", 102, WALKOUT, {}, contrast=False)
    assert_positive(on, off, "V1 gain with contrast - without")


def test_learning_off_freezes_beliefs():
    spec = _spec({}, learning=False)
    series = run(spec, seeds(1)[0], 60)
    assert series["redline_uncertainty_negotiator"].nunique() == 1
    assert series["belief_error_negotiator"].nunique() == 1
    moving = run(_spec({}, learning=True), seeds(1)[0], 60)
    assert moving["redline_uncertainty_negotiator"].iloc[-1] < 0.05


def test_elite_indexing_off_keeps_outlets_on_their_indexing():
    from model.model import DiplomacyModel

    for on in (True, False):
        model = DiplomacyModel(_spec(WALKOUT, elite_indexing=on), rng=seeds(1)[0])
        model.run_for(60)
        media = model.datacollector.get_table_dataframe("media")
        indexing = dict(zip([o.name for o in model.outlets], model.outlet_indexing, strict=True))
        expected = media["outlet"].map(indexing)
        same = (media.loc[media.step > 0, "effective_indexing"] == expected[media.step > 0]).all()
        assert bool(same) is (not on)


def test_peers_off_leaves_more_dispersion():
    spread_on = values(_spec({}, peers=True), "polarization", 200)
    spread_off = values(_spec({}, peers=False), "polarization", 200)
    assert_positive(spread_off, spread_on, "polarization without peers - with")


def test_anchoring_off_lets_the_walkout_effect_last():
    with_anchor = -_gain("legitimacy_adversary", 200, WALKOUT, {}, anchoring=True)
    without = -_gain("legitimacy_adversary", 200, WALKOUT, {}, anchoring=False)
    assert_positive(without, with_anchor, "walkout loss of A without anchoring - with")


def test_leverage_on_gives_deterred_engagement_more_weight():
    strong = {**WALKOUT, "negotiator": {"deterrence": 0.9}}
    weak = {**WALKOUT, "negotiator": {"deterrence": 0.1}}
    on = values(_spec(strong, leverage=True), "legitimacy_negotiator", 102) - values(
        _spec(weak, leverage=True), "legitimacy_negotiator", 102
    )
    assert_positive(on, 0 * on, "negotiator legitimacy, deterrence 0.9 - 0.1")


def test_justified_exit_softens_a_tit_for_tat_walkout():
    on = values(_spec(TIT_FOR_TAT, justified_exit=True), "legitimacy_negotiator", 60)
    off = values(_spec(TIT_FOR_TAT, justified_exit=False), "legitimacy_negotiator", 60)
    assert_positive(on, off, "tit-for-tat negotiator legitimacy, justified exit on - off")


def test_talk_fatigue_costs_fruitless_engagement():
    on = values(_spec(FRUITLESS, talk_fatigue=True), "legitimacy_negotiator", 200)
    off = values(_spec(FRUITLESS, talk_fatigue=False), "legitimacy_negotiator", 200)
    assert_positive(off, on, "legitimacy of N without fatigue - with")


def test_media_off_makes_the_ecology_irrelevant():
    seed = seeds(1)[0]
    columns = ["legitimacy_negotiator", "legitimacy_adversary", "polarization"]
    polar = run(_spec({**WALKOUT, "media": "polarized"}, media=False), seed, 100)[columns]
    neutral = run(_spec({**WALKOUT, "media": "neutral"}, media=False), seed, 100)[columns]
    pd.testing.assert_frame_equal(polar, neutral)
    polar_on = run(_spec({**WALKOUT, "media": "polarized"}, media=True), seed, 100)[columns]
    neutral_on = run(_spec({**WALKOUT, "media": "neutral"}, media=True), seed, 100)[columns]
    assert not polar_on.equals(neutral_on)
