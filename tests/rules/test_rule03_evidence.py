import numpy as np
import pytest
from numpy.testing import assert_allclose

from agents.actions import ACTIONS, Action
from model.config import default_model_spec
from model.rules import evidence
from model.rules.evidence import EvidenceTable

H = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
SCEPTICISM = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
TABLE = EvidenceTable.from_dynamics(default_model_spec().dynamics)


def test_the_table_holds_the_spec_defaults():
    walk = ACTIONS.index(Action.WALK_AWAY)
    assert (TABLE.faith[walk], TABLE.strength[walk]) == (-0.5, 0.6)
    assert (TABLE.standing_faith[walk], TABLE.standing_strength[walk]) == (-0.1, 0.05)
    assert TABLE.newsworthiness[walk] == 1.0
    sanction = ACTIONS.index(Action.SANCTION)
    assert (TABLE.standing_faith[sanction], TABLE.standing_strength[sanction]) == (0.0, 0.0)
    assert (TABLE.agreement_faith, TABLE.agreement_strength) == (0.5, 0.2)
    assert TABLE.agreement_newsworthiness == 1.0


def test_act_faith_of_a_sanction_scales_with_scepticism_and_unilateralism():
    assert_allclose(evidence.act_faith(TABLE, Action.SANCTION, SCEPTICISM, 1.0), -SCEPTICISM)
    assert_allclose(evidence.act_faith(TABLE, Action.SANCTION, SCEPTICISM, 0.3), -0.3 * SCEPTICISM)
    assert evidence.act_faith(TABLE, Action.CONCEDE, SCEPTICISM, 1.0) == 0.6


@pytest.mark.parametrize(
    ("weeks", "at_table", "progressed", "expected"),
    [(3, True, False, 4), (3, True, True, 0), (3, False, False, 0), (0, True, False, 1)],
)
def test_fruitless_weeks(weeks, at_table, progressed, expected):
    assert evidence.fruitless_weeks(weeks, at_table, progressed) == expected


def test_talk_fatigue_loss_saturates():
    assert evidence.talk_fatigue_loss(0, 0.05, 8) == 0.0
    assert_allclose(evidence.talk_fatigue_loss(8, 0.05, 8), 0.025)
    assert_allclose(evidence.talk_fatigue_loss(24, 0.05, 8), 0.0375)


@pytest.mark.parametrize(
    ("step", "last", "excused"),
    [(50, 49, True), (50, 46, True), (50, 45, False), (50, 50, False), (50, -(10**9), False)],
)
def test_a_walkout_is_excused_only_within_the_window_after_a_provocation(step, last, excused):
    assert evidence.excused(step, last, window=4) is excused


def test_weight_evidence_reads_the_other_sides_leverage_and_dependence():
    assert_allclose(evidence.weight_evidence(0.8, 0.4, 0.3, 0.0), 0.24)
    # 0.3 * 0.8 - 0.5 * (0.8 - 0.4)
    assert_allclose(evidence.weight_evidence(0.8, 0.4, 0.3, 0.5), 0.04)
    # dependence only on a stronger other side
    assert_allclose(evidence.weight_evidence(0.4, 0.8, 0.3, 0.5), 0.12)


def test_contrast_strength_with_and_without_a_record_above_its_start():
    chi = evidence.contrast_strength(
        1.0, [0.5, 1.0], [0.2, 0.3], record_bonus=2.0, record_start=0.2
    )
    # 1 * 0.5 * (1 + 0); 1 * 1 * (1 + 2 * 0.1 / 0.2) = 2
    assert_allclose(chi, [0.5, 2.0])


def test_contrasted_credits_staying_against_a_walkout():
    # N did nothing (0), A walked (-0.5): N gets chi (0 + 0.5) / 2; A loses chi (-0.5 - 0) / 2
    assert_allclose(evidence.contrasted(0.0, -0.5, 0.8), 0.2)
    assert_allclose(evidence.contrasted(-0.5, 0.0, 0.8), -0.7)
    assert_allclose(evidence.contrasted(-0.5, -0.5, 0.8), -0.5)


def test_observer_evidence_mixes_the_two_lenses():
    e = evidence.observer_evidence(-0.5, 0.6, H, face=1.0, gain=0.5)
    # (1 - h)(-0.5) + h * 0.5 * 0.6
    assert_allclose(e, (1 - H) * -0.5 + H * 0.3)
    assert_allclose(evidence.observer_evidence(-0.5, 0.6, H, face=0.5, gain=0.5), 0.5 * e)


def test_observer_standing_adds_the_weight_signal_to_the_strength_lens():
    u = evidence.observer_standing(-0.1, 0.05, 0.2, H, face=1.0, gain=0.5)
    assert_allclose(u, (1 - H) * -0.1 + H * (0.5 * 0.05 + 0.2))


def test_zero_evidence_reads_as_zero_for_everyone():
    assert_allclose(evidence.observer_evidence(0.0, 0.0, H, face=1.0, gain=1.0), 0.0)
    assert_allclose(evidence.observer_standing(0.0, 0.0, 0.0, H, face=1.0, gain=1.0), 0.0)


def test_positive_share():
    assert evidence.positive_share(np.array([-1.0, 0.0, 0.5, 2.0])) == 0.5
