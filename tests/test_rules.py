import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pydantic import ValidationError

from model.actions import Action
from model.metrics import narrative_share, polarization
from model.network import small_world
from model.rules import (
    anchoring,
    bargaining,
    blame,
    blocs,
    crisis,
    escalation,
    events,
    learning,
    leverage,
    media,
    peers,
    salience,
    valence,
)
from model.strategies import DecisionContext, build_strategy

# ---------------------------------------------------------------------------------------------
# Rule 1: leverage, face and record
# ---------------------------------------------------------------------------------------------


def test_leverage_gain_hill_function():
    gain = leverage.leverage_gain([0.0, 0.2, 0.4, 0.8], leverage_half=0.4)
    # 0; 0.04 / (0.04 + 0.16) = 0.2; 0.16 / 0.32 = 0.5; 0.64 / (0.64 + 0.16) = 0.8
    assert_allclose(gain, [0.0, 0.2, 0.5, 0.8])


def test_update_face():
    face = leverage.update_face([0.0, 0.5, 1.0], [1.0, 0.0, 1.0], memory=0.8)
    # 0.8*0 + 0.2*1 = 0.2; 0.8*0.5 + 0 = 0.4; 0.8*1 + 0.2*1 = 1.0
    assert_allclose(face, [0.2, 0.4, 1.0])


def test_update_record():
    record = leverage.update_record([0.0, 0.5, 0.2], [1.0, 0.2, 0.0], memory=0.99)
    # 0 + 0.01*1 = 0.01; 0.495 + 0.002 = 0.497; 0.198 + 0 = 0.198
    assert_allclose(record, [0.01, 0.497, 0.198])


def test_event_weight():
    weight = leverage.event_weight([0.5, 0.8, 1.0], [0.5, 0.0, 1.0], face_penalty=0.8)
    # 0.5*(1 - 0.4) = 0.3; 0.8*(1 - 0) = 0.8; 1*(1 - 0.8) = 0.2
    assert_allclose(weight, [0.3, 0.8, 0.2])


# ---------------------------------------------------------------------------------------------
# Rule 2: salience
# ---------------------------------------------------------------------------------------------


def test_scaled_newsworthiness_only_scales_repeated_postures():
    news = salience.scaled_newsworthiness([0.2, 1.0], [True, False], persistence=0.25)
    # 0.25*0.2 = 0.05; 1.0 unchanged
    assert_allclose(news, [0.05, 1.0])


def test_update_salience_uses_max_newsworthiness():
    s = salience.update_salience(0.5, [0.05, 1.0], memory=0.7)
    # 0.7*0.5 + 0.3*max(0.05, 1.0) = 0.35 + 0.3 = 0.65
    assert isinstance(s, float)
    assert_allclose(s, 0.65)
    # both quiet: 0.7*0.5 + 0.3*0 = 0.35
    assert_allclose(salience.update_salience(0.5, [0.0, 0.0], memory=0.7), 0.35)


# ---------------------------------------------------------------------------------------------
# Rule 3: valence in context
# ---------------------------------------------------------------------------------------------

H_OBS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
SCEPTICISM = np.array([0.0, 0.25, 0.5, 0.75, 1.0])


def test_base_valence_fixed_actions():
    for action, v in [
        (Action.ENGAGE, 0.5),
        (Action.ADD_CONDITIONS, -0.2),
        (Action.WALK_AWAY, -0.6),
        (Action.ESCALATE_RHETORIC, -0.3),
        (Action.SILENT, 0.0),
    ]:
        out = valence.base_valence(action, H_OBS, SCEPTICISM, 1.0)
        assert out.shape == (5,)
        assert_allclose(out, np.full(5, v))


def test_base_valence_concede_depends_on_strength_orientation():
    out = valence.base_valence(Action.CONCEDE, H_OBS, SCEPTICISM, 1.0)
    # 0.4 - 0.8*[0, 0.25, 0.5, 0.75, 1]
    assert_allclose(out, [0.4, 0.2, 0.0, -0.2, -0.4], atol=1e-12)


def test_base_valence_sanction_unilateral_and_multilateral():
    unilateral = valence.base_valence(Action.SANCTION, H_OBS, SCEPTICISM, 1.0)
    # -0.8 * s * 1
    assert_allclose(unilateral, [0.0, -0.2, -0.4, -0.6, -0.8], atol=1e-12)
    multilateral = valence.base_valence(Action.SANCTION, H_OBS, SCEPTICISM, 0.3)
    # -0.8 * s * 0.3 = -0.24 s
    assert_allclose(multilateral, [0.0, -0.06, -0.12, -0.18, -0.24], atol=1e-12)


def test_contrast_strength_with_and_without_record_bonus():
    chi = valence.contrast_strength(
        0.4,
        gain=[1.0, 0.5, 1.0, 1.0, 0.0],
        record=[0.2, 0.2, 0.4, 0.1, 0.4],
        record_bonus=2.0,
        record_threshold=0.2,
    )
    # 0.4*1*(1+0) = 0.4; 0.4*0.5 = 0.2; 0.4*1*(1 + 2*0.2/0.2) = 1.2;
    # record below threshold gives no bonus: 0.4; no deterrence: 0
    assert_allclose(chi, [0.4, 0.2, 1.2, 0.4, 0.0])


def test_contextual_valence():
    own = np.array([0.5, -0.6, 0.5])
    other = np.array([-0.6, 0.5, 0.5])
    out = valence.contextual_valence(own, other, 0.4)
    # 0.5 + 0.4*(0.5-(-0.6))/2 = 0.72; -0.6 + 0.4*(-1.1)/2 = -0.82; same acts: 0.5
    assert_allclose(out, [0.72, -0.82, 0.5])


def test_talk_fatigue_penalty():
    out = valence.talk_fatigue_penalty(np.array([0.0, 0.5, 1.0]), 8, fatigue=0.3, half=8)
    # 0.3 * h * 8/16 = 0.15 h
    assert_allclose(out, [0.0, 0.075, 0.15])
    none = valence.talk_fatigue_penalty(np.array([0.0, 0.5, 1.0]), 0, fatigue=0.3, half=8)
    assert_allclose(none, [0.0, 0.0, 0.0])
    # k = 24: 0.3 * 1 * 24/32 = 0.225
    assert_allclose(valence.talk_fatigue_penalty(np.array([1.0]), 24, 0.3, 8), [0.225])


def test_target_legitimacy_clips():
    out = valence.target_legitimacy(np.array([-1.5, -1.0, 0.0, 0.44, 1.2]))
    # (1 + v)/2 clipped to [0, 1]: -0.25 -> 0; 0; 0.5; 0.72; 1.1 -> 1
    assert_allclose(out, [0.0, 0.0, 0.5, 0.72, 1.0])


# ---------------------------------------------------------------------------------------------
# Rule 4: events and attribution
# ---------------------------------------------------------------------------------------------


def test_attribution_multiplier_sign_cases():
    v = np.array([0.5, 0.5, -0.6, -0.6, 0.0, 0.5])
    legit = np.array([0.8, 0.2, 0.8, 0.2, 0.9, 0.5])
    m = events.attribution_multiplier(v, legit, 0.6)
    # trusted good act:     1 + 0.6*(+1)*(0.6)  = 1.36
    # distrusted good act:  1 + 0.6*(+1)*(-0.6) = 0.64
    # trusted bad act:      1 + 0.6*(-1)*(0.6)  = 0.64
    # distrusted bad act:   1 + 0.6*(-1)*(-0.6) = 1.36
    # neutral act: 1; undecided observer (L = 0.5): 1
    assert_allclose(m, [1.36, 0.64, 0.64, 1.36, 1.0, 1.0])


def test_event_update():
    legit = np.array([0.4, 0.6])
    target = np.array([0.8, 0.2])
    out = events.event_update(legit, target, 0.03, 0.5, 0.8, np.array([1.36, 0.64]))
    # 0.03*0.5*0.8 = 0.012; 0.4 + 0.012*1.36*0.4 = 0.406528; 0.6 - 0.012*0.64*0.4 = 0.596928
    assert_allclose(out, [0.406528, 0.596928])
    scalar = events.event_update(legit, target, 0.03, 0.5, 0.8, 1.0)
    # 0.4 + 0.012*0.4 = 0.4048; 0.6 - 0.0048 = 0.5952
    assert_allclose(scalar, [0.4048, 0.5952])


# ---------------------------------------------------------------------------------------------
# Rule 5: media
# ---------------------------------------------------------------------------------------------


def test_elite_disagreement():
    assert media.elite_disagreement(np.array([])) == 1.0
    assert_allclose(media.elite_disagreement(np.array([0.1, 0.2, 0.3])), 0.0)
    assert_allclose(media.elite_disagreement(np.array([-0.1, -0.2])), 0.0)
    # p = 0.5 -> 1 - |0| = 1
    assert_allclose(media.elite_disagreement(np.array([0.1, -0.1, 0.2, -0.3])), 1.0)
    # p = 0.75 -> 1 - 0.5 = 0.5
    assert_allclose(media.elite_disagreement(np.array([0.1, 0.2, 0.3, -0.1])), 0.5)
    # a zero gap does not favour the negotiator: p = 0.5 -> 1
    assert_allclose(media.elite_disagreement(np.array([0.0, 0.1])), 1.0)


def test_effective_indexing():
    out = media.effective_indexing(np.array([0.4, 0.8, 0.6]), 0.5)
    assert_allclose(out, [0.2, 0.4, 0.3])


def test_outlet_frames():
    bias = np.array([0.6, -0.6, 0.0])
    idx = np.array([0.2, 0.2, 0.4])
    frames = media.outlet_frames(bias, idx, np.array([0.72, 0.09]))
    assert frames.shape == (2, 3)
    # N: 0.8*0.8 + 0.2*0.72 = 0.784; 0.8*0.2 + 0.144 = 0.304; 0.6*0.5 + 0.4*0.72 = 0.588
    # A: 0.8*0.2 + 0.2*0.09 = 0.178; 0.8*0.8 + 0.018 = 0.658; 0.6*0.5 + 0.4*0.09 = 0.336
    assert_allclose(frames, [[0.784, 0.304, 0.588], [0.178, 0.658, 0.336]])


def test_media_update_acceptance_at_and_beyond_bound():
    legit = np.full(5, 0.5)
    frame = np.array([0.625, 0.75, 0.875, 0.625, 0.375])
    exposed = np.array([True, True, True, False, True])
    bound = np.full(5, 0.125)
    out = media.media_update(legit, frame, exposed, bound, rate=0.25, latitude=0.125)
    # acceptance while |f - L| < 0.125 + 0.125 = 0.25 (strict)
    # d = 0.125: 0.5 + 0.25*0.125 = 0.53125; d = 0.25 exactly: rejected; d = 0.375: rejected;
    # not exposed: unchanged; d = -0.125: 0.5 - 0.03125 = 0.46875
    assert_allclose(out, [0.53125, 0.5, 0.5, 0.5, 0.46875])


def test_media_update_backfire_only_beyond_bound_plus_margin():
    legit = np.full(5, 0.25)
    frame = np.array([1.0, 0.75, 0.625, 0.375, 1.0])
    exposed = np.array([True, True, True, True, False])
    bound = np.full(5, 0.125)
    out = media.media_update(
        legit,
        frame,
        exposed,
        bound,
        rate=0.25,
        latitude=0.125,
        backfire_rate=0.125,
        backfire_margin=0.375,
    )
    # repel while |f - L| > 0.125 + 0.375 = 0.5 (strict)
    # d = 0.75: 0.25 - 0.125*0.75 = 0.15625; d = 0.5 exactly: no backfire, no acceptance;
    # d = 0.375: in between, unchanged; d = 0.125: accepted, 0.25 + 0.25*0.125 = 0.28125;
    # not exposed: unchanged
    assert_allclose(out, [0.15625, 0.25, 0.25, 0.28125, 0.25])


def test_media_update_no_backfire_by_default():
    legit = np.array([0.25])
    out = media.media_update(
        legit, np.array([1.0]), np.array([True]), np.array([0.125]), 0.25, 0.125
    )
    assert_allclose(out, [0.25])


# ---------------------------------------------------------------------------------------------
# Rule 6: peers
# ---------------------------------------------------------------------------------------------

# Tiny CSR graph: 0 - 1, 0 - 2, node 3 isolated; node 1 is an elite.
INDPTR = np.array([0, 2, 3, 4, 4], dtype=np.int64)
INDICES = np.array([1, 2, 0, 0], dtype=np.int64)
IS_ELITE = np.array([False, True, False, False])


def _draw(indptr, indices, is_elite, uniforms, influence=3.0):
    table, cumulative = peers.neighbour_table(indptr, indices, is_elite, influence)
    return peers.draw_neighbours(table, cumulative, np.asarray(uniforms, dtype=float))


def test_neighbour_table_pads_with_self_and_normalises_elite_weights():
    table, cumulative = peers.neighbour_table(INDPTR, INDICES, IS_ELITE, 3.0)
    # node 0: neighbours [1 (elite, weight 3), 2 (weight 1)] -> cumulative [3/4, 4/4]
    assert_array_equal(table, [[1, 2], [0, 1], [0, 2], [3, 3]])
    assert_allclose(cumulative[0], [0.75, 1.0])
    assert_allclose(cumulative[1], [1.0, np.inf])
    assert_allclose(cumulative[3], [np.inf, np.inf])


def test_draw_neighbours_maps_uniforms_with_elite_weights():
    # node 0: elite 1 takes u < 0.75, node 2 takes [0.75, 1)
    cases = [(0.0, 1), (0.5, 1), (0.74, 1), (0.76, 2), (0.999, 2)]
    for u, expected in cases:
        out = _draw(INDPTR, INDICES, IS_ELITE, [u, 0.5, 0.5, 0.5])
        # node 1's only neighbour is 0, node 2's only neighbour is 0, node 3 draws itself
        assert_array_equal(out, [expected, 0, 0, 3])


def test_draw_neighbours_frequency_of_elite():
    uniforms = (np.arange(1000) + 0.5) / 1000
    drawn = np.array([_draw(INDPTR, INDICES, IS_ELITE, [u, u, u, u])[0] for u in uniforms])
    # u < 0.75 -> elite 1: exactly 750 of the 1000 midpoints
    assert np.sum(drawn == 1) == 750
    assert np.sum(drawn == 2) == 250


def test_draw_neighbours_isolated_first_node_draws_itself():
    indptr = np.array([0, 0, 1, 2], dtype=np.int64)
    indices = np.array([2, 1], dtype=np.int64)
    for u in (0.0, 0.3, 0.99):
        out = _draw(indptr, indices, np.zeros(3, bool), np.full(3, u))
        assert_array_equal(out, [0, 2, 1])


def test_draw_neighbours_graph_without_edges_draws_self():
    indptr = np.array([0, 0, 0], dtype=np.int64)
    indices = np.array([], dtype=np.int64)
    out = _draw(indptr, indices, np.zeros(2, bool), [0.3, 0.6])
    assert_array_equal(out, [0, 1])


def test_deffuant_update_bounded_confidence():
    legit = np.full(4, 0.5)
    neighbour = np.array([0.625, 0.75, 0.875, 0.375])
    out = peers.deffuant_update(legit, neighbour, np.full(4, 0.25), 0.5)
    # d = 0.125 < 0.25: 0.5 + 0.0625; d = 0.25 at the bound: no change; d = 0.375: none;
    # d = -0.125: 0.5 - 0.0625
    assert_allclose(out, [0.5625, 0.5, 0.5, 0.4375])
    # per-observer bound: the second observer with bound 0.3 accepts d = 0.25: 0.5 + 0.125
    out2 = peers.deffuant_update(legit, neighbour, np.array([0.25, 0.3, 0.25, 0.25]), 0.5)
    assert_allclose(out2, [0.5625, 0.625, 0.5, 0.4375])


def test_hegselmann_krause_update_path_graph():
    # path 0 - 1 - 2
    indptr = np.array([0, 1, 3, 4], dtype=np.int64)
    indices = np.array([1, 0, 2, 1], dtype=np.int64)
    legit = np.array([0.2, 0.4, 0.9])
    out = peers.hegselmann_krause_update(legit, indptr, indices, np.full(3, 0.25), 0.5)
    # node 0: mean(0.2, 0.4) = 0.3 -> 0.2 + 0.5*0.1 = 0.25
    # node 1: node 2 is 0.5 away (out); mean(0.4, 0.2) = 0.3 -> 0.4 - 0.05 = 0.35
    # node 2: nobody close -> 0.9
    assert_allclose(out, [0.25, 0.35, 0.9])
    # node 2 with a wide bound 0.6 sees node 1: mean(0.9, 0.4) = 0.65 -> 0.9 - 0.125 = 0.775
    out2 = peers.hegselmann_krause_update(legit, indptr, indices, np.array([0.25, 0.25, 0.6]), 0.5)
    assert_allclose(out2, [0.25, 0.35, 0.775])


def test_hegselmann_krause_full_rate_reaches_local_mean():
    # triangle, everyone within bound, rate 1 -> everyone at the mean 0.4
    indptr = np.array([0, 2, 4, 6], dtype=np.int64)
    indices = np.array([1, 2, 0, 2, 0, 1], dtype=np.int64)
    out = peers.hegselmann_krause_update(
        np.array([0.3, 0.4, 0.5]), indptr, indices, np.full(3, 0.5), 1.0
    )
    assert_allclose(out, [0.4, 0.4, 0.4])


# ---------------------------------------------------------------------------------------------
# Rule 7: anchoring
# ---------------------------------------------------------------------------------------------


def test_anchor_pulls_toward_initial_and_clips():
    legit = np.array([0.5, 0.2, 1.05, -0.1])
    initial = np.array([0.3, 0.6, 1.0, 0.0])
    out = anchoring.anchor(legit, initial, 0.04)
    # 0.5 - 0.04*0.2 = 0.492; 0.2 + 0.04*0.4 = 0.216; 1.05 - 0.002 = 1.048 -> 1; -0.096 -> 0
    assert_allclose(out, [0.492, 0.216, 1.0, 0.0])


def test_anchor_two_sides_array_and_zero_rate():
    legit = np.array([[0.5, 1.2], [-0.3, 0.7]])
    out = anchoring.anchor(legit, np.zeros((2, 2)), 0.0)
    assert_allclose(out, [[0.5, 1.0], [0.0, 0.7]])


# ---------------------------------------------------------------------------------------------
# Rule 8: blame
# ---------------------------------------------------------------------------------------------


def test_blame_target_mixed_defection_and_media_tilt():
    bias = np.array([0.0, 0.6, -0.6, 1.0, -1.0])
    out = blame.blame_target(0.2, 0.6, bias, 0.15)
    # 0.6/0.8 = 0.75, plus 0.15*bias
    assert_allclose(out, [0.75, 0.84, 0.66, 0.9, 0.6])


def test_blame_target_clips():
    bias = np.array([0.6, -0.6])
    # only A defects: 1 + 0.09 -> 1; 1 - 0.09 = 0.91
    assert_allclose(blame.blame_target(0.0, 0.6, bias, 0.15), [1.0, 0.91])
    # only N defects: 0 + 0.09 = 0.09; 0 - 0.09 -> 0
    assert_allclose(blame.blame_target(0.6, 0.0, bias, 0.15), [0.09, 0.0])


def test_blame_target_needs_a_defection():
    with pytest.raises(ValueError):
        blame.blame_target(0.0, 0.0, np.zeros(3), 0.15)


def test_blame_update():
    out = blame.blame_update(np.array([0.5, 0.2, 0.9]), np.array([0.75, 1.0, 0.4]), 0.05, 0.8)
    # rate*S = 0.04: 0.5 + 0.04*0.25 = 0.51; 0.2 + 0.04*0.8 = 0.232; 0.9 - 0.04*0.5 = 0.88
    assert_allclose(out, [0.51, 0.232, 0.88])


# ---------------------------------------------------------------------------------------------
# Rule 9: learning
# ---------------------------------------------------------------------------------------------


def test_type_signal_right_with_probability_accuracy():
    truth = np.array([True, True, False, False, True])
    uniform = np.array([0.1, 0.9, 0.1, 0.9, 0.65])
    out = learning.type_signal(truth, uniform, 0.65)
    # right when u < 0.65 (strict): T, F (flipped), F, T (flipped), u = 0.65 -> flipped
    assert_array_equal(out, [True, False, False, True, False])


def test_update_type_belief_values_and_direction():
    # from 0.5 the posterior equals the likelihood: q or 1 - q
    assert_allclose(learning.update_type_belief(0.5, True, 0.65), 0.65)
    assert_allclose(learning.update_type_belief(0.5, False, 0.65), 0.35)
    out = learning.update_type_belief([0.2, 0.2], [True, False], 0.65)
    # 0.65*0.2 / (0.65*0.2 + 0.35*0.8) = 0.13/0.41; 0.35*0.2 / (0.07 + 0.65*0.8) = 0.07/0.59
    assert_allclose(out, [0.13 / 0.41, 0.07 / 0.59])
    assert out[0] > 0.2 > out[1]
    # an uninformative signal (q = 0.5) leaves the belief unchanged
    assert_allclose(learning.update_type_belief([0.2, 0.7], [True, False], 0.5), [0.2, 0.7])


def test_update_type_belief_symmetry_and_cancellation():
    up = learning.update_type_belief(0.2, True, 0.65)
    mirrored = learning.update_type_belief(0.8, False, 0.65)
    # 0.28/0.41 = 1 - 0.13/0.41
    assert_allclose(mirrored, 0.28 / 0.41)
    assert_allclose(mirrored, 1.0 - up)
    # one signal each way returns to the prior
    back = learning.update_type_belief(up, False, 0.65)
    assert_allclose(back, 0.2)


def test_update_redline_estimate_normal_normal():
    mean, var = learning.update_redline_estimate([0.5, 0.5], [0.04, 0.04], [0.7, 0.7], [0.15, 0.6])
    # talks: sigma^2 = 0.0225: var = 0.04*0.0225/0.0625 = 0.0144,
    #   mean = (0.0225*0.5 + 0.04*0.7)/0.0625 = 0.03925/0.0625 = 0.628
    # outside: sigma^2 = 0.36: var = 0.04*0.36/0.4 = 0.036, mean = (0.18 + 0.028)/0.4 = 0.52
    assert_allclose(mean, [0.628, 0.52])
    assert_allclose(var, [0.0144, 0.036])
    assert np.all(var < 0.04)


# ---------------------------------------------------------------------------------------------
# Rule 10: bargaining
# ---------------------------------------------------------------------------------------------


def test_asks():
    out = bargaining.asks([0.5, 0.6], [0.04, 0.01], [1.0, 2.0])
    # 0.5 - 1*0.2 = 0.3; 0.6 - 2*0.1 = 0.4
    assert_allclose(out, [0.3, 0.4])


def test_crossings_strict():
    out = bargaining.crossings([0.25, 0.5, 0.25], [0.25, 0.375, 0.5])
    # equal: not crossed; 0.5 > 0.375: crossed; below: not crossed
    assert_array_equal(out, [False, True, False])


def test_update_progress_capped():
    assert_allclose(bargaining.update_progress(0.5, False, 0.1), 0.6)
    assert bargaining.update_progress(0.5, True, 0.1) == 0.5
    assert bargaining.update_progress(0.95, False, 0.1) == 1.0
    assert bargaining.update_progress(1.0, False, 0.1) == 1.0


# ---------------------------------------------------------------------------------------------
# Rule 11: escalation cost and adaptive choice
# ---------------------------------------------------------------------------------------------


def test_escalation_cost():
    # 0.2 + 1*(1 - 0.45) = 0.75; 0.2 + 2*(1 - 1) = 0.2
    assert_allclose(escalation.escalation_cost(0.2, 1.0, 0.45), 0.75)
    assert_allclose(escalation.escalation_cost(0.2, 2.0, 1.0), 0.2)


def _utilities(preparing=False, crossed=False):
    return escalation.adaptive_utilities(
        engage_utility=1.0,
        other_gain=0.5,
        hawkishness=0.2,
        cost=0.6,
        sanction_utility=0.1,
        preparing=preparing,
        preparing_bonus=0.3,
        recently_crossed=crossed,
        crossing_bonus=0.25,
    )


def test_adaptive_utilities():
    # engage 0.5 - 0.2 = 0.3; conditions 0.2 - 0.3 = -0.1; rhetoric -0.1; walk 0.2 - 0.6 = -0.4;
    # sanction 0.2 + 0.1 - 0.6 = -0.3
    assert_allclose(_utilities(), [0.3, -0.1, -0.1, -0.4, -0.3])
    # preparing adds 0.3 to rhetoric and sanction only
    assert_allclose(_utilities(preparing=True), [0.3, -0.1, 0.2, -0.4, 0.0], atol=1e-12)
    # plus a crossing: +0.25 more
    assert_allclose(_utilities(True, True), [0.3, -0.1, 0.45, -0.4, 0.25])
    assert escalation.ADAPTIVE_ACTIONS == (
        Action.ENGAGE,
        Action.ADD_CONDITIONS,
        Action.ESCALATE_RHETORIC,
        Action.WALK_AWAY,
        Action.SANCTION,
    )


def test_logit_choice_rationality_zero_is_uniform_inversion():
    u = np.array([3.0, 1.0, 0.0, -2.0, 5.0])
    # cumulative [0.2, 0.4, 0.6, 0.8, 1.0]
    for uniform, index in [(0.0, 0), (0.1, 0), (0.3, 1), (0.5, 2), (0.7, 3), (0.9, 4), (1.0, 4)]:
        assert escalation.logit_choice(u, 0.0, uniform) == index


def test_logit_choice_intermediate_rationality():
    u = np.array([0.0, np.log(3.0)])
    # P = [1/4, 3/4]
    assert escalation.logit_choice(u, 1.0, 0.2) == 0
    assert escalation.logit_choice(u, 1.0, 0.3) == 1
    assert escalation.logit_choice(u, 1.0, 0.99) == 1


def test_logit_choice_high_rationality_picks_argmax():
    u = np.array([0.3, -0.1, 0.45, -0.4, 0.25])
    for uniform in (0.001, 0.5, 0.999):
        assert escalation.logit_choice(u, 100.0, uniform) == 2
    u2 = np.array([-1.0, 0.0, 0.0, -1.0, 0.5])
    for uniform in (0.001, 0.5, 0.999):
        assert escalation.logit_choice(u2, 100.0, uniform) == 4


# ---------------------------------------------------------------------------------------------
# Rule 12: crisis
# ---------------------------------------------------------------------------------------------


def _hazard(provocation, misperception, talks):
    return crisis.crisis_hazard(0.002, provocation, misperception, talks, 2.0, 1.0, 0.5)


def test_crisis_hazard_factors():
    assert_allclose(_hazard(False, 0.0, False), 0.002)
    assert_allclose(_hazard(True, 0.0, False), 0.006)  # 0.002 * (1 + 2)
    assert_allclose(_hazard(False, 0.5, False), 0.003)  # 0.002 * (1 + 0.5)
    assert_allclose(_hazard(False, 0.0, True), 0.001)  # 0.002 * (1 - 0.5)
    assert_allclose(_hazard(True, 0.5, True), 0.0045)  # 0.002 * 3 * 1.5 * 0.5


def test_update_crisis_index():
    assert_allclose(crisis.update_crisis_index(0.1, 0.2), 0.28)  # 1 - 0.9*0.8
    index = crisis.update_crisis_index(0.0, 0.5)
    index = crisis.update_crisis_index(index, 0.5)
    assert_allclose(index, 0.75)  # 1 - 0.5*0.5
    assert crisis.update_crisis_index(0.3, 0.0) == pytest.approx(0.3)


# ---------------------------------------------------------------------------------------------
# Rule 13: blocs
# ---------------------------------------------------------------------------------------------


def test_bloc_means_with_empty_bloc():
    out = blocs.bloc_means(np.array([0.2, 0.4, 0.9, 0.5, 0.3]), np.array([0, 0, 2, 2, 3]), 4)
    # bloc 0: (0.2 + 0.4)/2; bloc 1 empty: NaN; bloc 2: (0.9 + 0.5)/2; bloc 3: 0.3
    assert np.isnan(out[1])
    assert_allclose(out, [0.3, np.nan, 0.7, 0.3])


def test_weighted_mean_skips_nan():
    out = blocs.weighted_mean(np.array([0.3, np.nan, 0.7]), np.array([1.0, 5.0, 3.0]))
    # (0.3*1 + 0.7*3) / (1 + 3) = 2.4/4
    assert_allclose(out, 0.6)
    assert np.isnan(blocs.weighted_mean(np.array([np.nan, np.nan]), np.array([1.0, 1.0])))
    assert np.isnan(blocs.weighted_mean(np.array([0.4, np.nan]), np.array([0.0, 1.0])))


def test_sanction_compliance_logistic():
    out = blocs.sanction_compliance(
        legitimacy_adversary=np.array([0.6, 0.5, 0.5]),
        legitimacy_negotiator=np.array([0.4, 0.5, 0.5]),
        scepticism=np.array([0.5, 0.0, 0.0]),
        exposure=np.array([0.2, 0.0, 0.0]),
        intercept=0.0,
        legitimacy_weight=2.0,
        scepticism_weight=1.0,
        exposure_weight=1.0,
    )
    # logit 0 + 2*0.2 - 0.5 + 0.2 = 0.1 -> 1/(1 + e^-0.1) = 1/1.904837 = 0.524979; logit 0 -> 0.5
    assert_allclose(out[:2], [0.524979, 0.5], atol=1e-6)
    shifted = blocs.sanction_compliance(
        np.array([0.5]),
        np.array([0.5]),
        np.array([0.0]),
        np.array([0.0]),
        np.log(3.0),
        2.0,
        1.0,
        1.0,
    )
    # logit ln 3 -> 3/4
    assert_allclose(shifted, [0.75])


def test_vote_yes_threshold():
    out = blocs.vote_yes(
        np.array([0.3, 0.3, 0.25, 0.5]),
        np.array([0.5, 0.4, 0.5, 0.25]),
        np.array([0.4, 0.5, 0.5, 0.5]),
        0.25,
    )
    # 0.3 + 0.1 = 0.4 > 0.25 yes; 0.3 - 0.1 = 0.2 no; 0.25 exactly: no (strict); 0.25: no
    assert_array_equal(out, [True, False, False, False])


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------


def test_narrative_share():
    # positives 0.1, 0.3, 0.05 out of 5 (a zero gap does not count)
    assert_allclose(narrative_share(np.array([0.1, -0.2, 0.0, 0.3, 0.05])), 0.6)
    assert narrative_share(np.array([-0.1, 0.0])) == 0.0


def test_polarization_consensus_is_zero():
    assert polarization(np.full(10, 0.3)) == 0.0
    assert polarization(np.full(7, -1.0)) == 0.0


def test_polarization_even_split_at_extremes():
    gap = np.array([-1.0] * 5 + [1.0] * 5)
    # bins centred -0.95 and 0.95: 2 * 2 * (0.5^2 * 0.5 * 1.9) = 0.95
    assert_allclose(polarization(gap), 0.95)


def test_polarization_uneven_and_adjacent_bins():
    gap = np.array([-1.0] * 3 + [1.0])
    # 2 * (0.75^2 * 0.25 + 0.25^2 * 0.75) * 1.9 = 2 * 0.1875 * 1.9 = 0.7125
    assert_allclose(polarization(gap), 0.7125)
    near = np.array([-0.025, 0.025])
    # centres -0.05 and 0.05: 2 * 2 * (0.25 * 0.5 * 0.1) = 0.05
    assert_allclose(polarization(near), 0.05)


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def _edge_set(indptr, indices):
    owner = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    return sorted(zip(owner.tolist(), indices.tolist(), strict=True))


def test_small_world_ring_without_rewiring():
    indptr, indices = small_world(10, 4, 0.0, np.random.default_rng(0))
    assert indptr.size == 11
    assert_array_equal(np.diff(indptr), np.full(10, 4))
    assert_array_equal(indices[indptr[0] : indptr[1]], [1, 2, 8, 9])
    assert_array_equal(indices[indptr[5] : indptr[6]], [3, 4, 6, 7])
    edges = _edge_set(indptr, indices)
    assert edges == sorted((b, a) for a, b in edges)
    assert all(a != b for a, b in edges)


def test_small_world_rewired_is_symmetric_without_self_loops():
    indptr, indices = small_world(30, 4, 0.3, np.random.default_rng(1))
    owner = np.repeat(np.arange(30), np.diff(indptr))
    assert not np.any(owner == indices)
    edges = _edge_set(indptr, indices)
    assert edges == sorted((b, a) for a, b in edges)
    # 30 nodes * 2 links each, stored both ways
    assert indices.size == 120
    for i in range(30):
        neighbours = indices[indptr[i] : indptr[i + 1]]
        assert np.all(np.diff(neighbours) >= 0)


def test_small_world_deterministic_for_seeded_generator():
    a = small_world(50, 6, 0.5, np.random.default_rng(7))
    b = small_world(50, 6, 0.5, np.random.default_rng(7))
    c = small_world(50, 6, 0.5, np.random.default_rng(8))
    assert_array_equal(a[0], b[0])
    assert_array_equal(a[1], b[1])
    assert not (np.array_equal(a[0], c[0]) and np.array_equal(a[1], c[1]))


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------

ZERO_U = np.zeros(5)


def _ctx(step, other=None, own=None, uniform=0.5, utilities=ZERO_U):
    return DecisionContext(
        step=step, own_previous=own, other_previous=other, uniform=uniform, utilities=utilities
    )


def test_always_engage_and_silent():
    engage = build_strategy("always_engage")
    silent = build_strategy("silent", {})
    for step in range(4):
        assert engage.decide(_ctx(step, other=Action.WALK_AWAY)) is Action.ENGAGE
        assert silent.decide(_ctx(step)) is Action.SILENT


def test_walk_away_at():
    s = build_strategy("walk_away_at", {"at": 3})
    actions = [s.decide(_ctx(t)) for t in range(6)]
    assert actions == [Action.ENGAGE] * 3 + [Action.WALK_AWAY] * 3
    s0 = build_strategy("walk_away_at", {"at": 0})
    assert s0.decide(_ctx(0)) is Action.WALK_AWAY


def test_add_conditions_at():
    s = build_strategy("add_conditions_at", {"at": 2})
    actions = [s.decide(_ctx(t)) for t in range(5)]
    assert actions == [Action.ENGAGE] * 2 + [Action.ADD_CONDITIONS] * 3


def test_tit_for_tat():
    s = build_strategy("tit_for_tat")
    assert s.decide(_ctx(0, other=None)) is Action.ENGAGE
    assert s.decide(_ctx(1, other=Action.ENGAGE)) is Action.ENGAGE
    assert s.decide(_ctx(2, other=Action.WALK_AWAY)) is Action.WALK_AWAY
    assert s.decide(_ctx(3, other=Action.SANCTION)) is Action.SANCTION
    assert s.decide(_ctx(4, other=Action.CONCEDE)) is Action.ENGAGE
    assert s.decide(_ctx(5, other=Action.ADD_CONDITIONS)) is Action.ADD_CONDITIONS


def test_costly_reassurance_window():
    s = build_strategy("costly_reassurance", {"concede_from": 2, "concede_for": 3})
    actions = [s.decide(_ctx(t, other=Action.WALK_AWAY)) for t in range(7)]
    # steps 2, 3, 4 concede; otherwise engage, never retaliating against a walkout
    assert actions == [Action.ENGAGE] * 2 + [Action.CONCEDE] * 3 + [Action.ENGAGE] * 2


def test_sanction_every_with_from():
    s = build_strategy("sanction_every", {"every": 3, "from": 2})
    sanctions = [t for t in range(12) if s.decide(_ctx(t)) is Action.SANCTION]
    assert sanctions == [2, 5, 8, 11]
    assert s.decide(_ctx(3)) is Action.ENGAGE
    default = build_strategy("sanction_every", {"every": 2})
    assert [t for t in range(6) if default.decide(_ctx(t)) is Action.SANCTION] == [0, 2, 4]


def test_scripted_holds_until_next_entry():
    s = build_strategy(
        "scripted", {"timeline": {3: "walk_away", 6: "escalate_rhetoric", 8: "sanction"}}
    )
    expected = (
        [Action.ENGAGE] * 3
        + [Action.WALK_AWAY] * 3
        + [Action.ESCALATE_RHETORIC] * 2
        + [Action.SANCTION] * 2
    )
    assert [s.decide(_ctx(t)) for t in range(10)] == expected
    assert s.decide(_ctx(500)) is Action.SANCTION


def test_adaptive_high_rationality_picks_max_utility():
    s = build_strategy("adaptive", {"rationality": 100})
    u = np.array([0.3, -0.1, 0.45, -0.4, 0.25])
    for uniform in (0.01, 0.5, 0.99):
        assert s.decide(_ctx(0, uniform=uniform, utilities=u)) is Action.ESCALATE_RHETORIC
    u_engage = np.array([1.0, -0.1, 0.2, -0.4, 0.25])
    assert s.decide(_ctx(1, uniform=0.99, utilities=u_engage)) is Action.ENGAGE
    u_sanction = np.array([0.0, -0.1, 0.2, -0.4, 0.6])
    assert s.decide(_ctx(2, uniform=0.01, utilities=u_sanction)) is Action.SANCTION


def test_adaptive_rationality_zero_is_uniform():
    s = build_strategy("adaptive", {"rationality": 0})
    u = np.array([5.0, -0.1, 0.2, -0.4, 0.6])
    # cumulative 0.2 steps: 0.7 -> index 3 (walk_away), 0.1 -> engage
    assert s.decide(_ctx(0, uniform=0.7, utilities=u)) is Action.WALK_AWAY
    assert s.decide(_ctx(0, uniform=0.1, utilities=u)) is Action.ENGAGE


def test_build_strategy_rejects_bad_options():
    with pytest.raises(ValidationError):
        build_strategy("walk_away_at", {})
    with pytest.raises(ValidationError):
        build_strategy("walk_away_at", {"at": 3, "bogus": 1})
    with pytest.raises(ValidationError):
        build_strategy("adaptive", {"rationality": 101})
