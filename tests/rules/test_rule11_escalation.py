from numpy.testing import assert_allclose

from agents.actions import ADAPTIVE_ACTIONS, Action
from model.rules import (
    crisis,
    escalation,
)


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
    assert ADAPTIVE_ACTIONS == (
        Action.ENGAGE,
        Action.ADD_CONDITIONS,
        Action.ESCALATE_RHETORIC,
        Action.WALK_AWAY,
        Action.SANCTION,
    )


# ---------------------------------------------------------------------------------------------
# Rule 12: crisis
# ---------------------------------------------------------------------------------------------


def _hazard(provocation, misperception, talks):
    return crisis.crisis_hazard(0.002, provocation, misperception, talks, 2.0, 1.0, 0.5)
