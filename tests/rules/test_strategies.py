import numpy as np
import pytest
from pydantic import ValidationError

from agents.actions import Action
from agents.strategies import DecisionContext, build_strategy, choose_strategy, logit_choice


def test_always_engage_and_silent():
    engage = strategy("always_engage")
    silent = strategy("silent", {})
    for step in range(4):
        assert engage.decide(_ctx(step, other=Action.WALK_AWAY)) is Action.ENGAGE
        assert silent.decide(_ctx(step)) is Action.SILENT


ZERO_U = np.zeros(5)


def strategy(name, keys=None):
    """Strategy `name` with its config keys, validated as a config's are."""
    return build_strategy(choose_strategy(name, keys))


def _ctx(step, other=None, own=None, uniform=0.5, utilities=ZERO_U):
    return DecisionContext(
        step=step, own_previous=own, other_previous=other, uniform=uniform, utilities=utilities
    )


def test_walk_away_at():
    s = strategy("walk_away_at", {"at": 3})
    actions = [s.decide(_ctx(t)) for t in range(6)]
    assert actions == [Action.ENGAGE] * 3 + [Action.WALK_AWAY] * 3
    s0 = strategy("walk_away_at", {"at": 0})
    assert s0.decide(_ctx(0)) is Action.WALK_AWAY


def test_add_conditions_at():
    s = strategy("add_conditions_at", {"at": 2})
    actions = [s.decide(_ctx(t)) for t in range(5)]
    assert actions == [Action.ENGAGE] * 2 + [Action.ADD_CONDITIONS] * 3


def test_tit_for_tat():
    s = strategy("tit_for_tat")
    assert s.decide(_ctx(0, other=None)) is Action.ENGAGE
    assert s.decide(_ctx(1, other=Action.ENGAGE)) is Action.ENGAGE
    assert s.decide(_ctx(2, other=Action.WALK_AWAY)) is Action.WALK_AWAY
    assert s.decide(_ctx(3, other=Action.SANCTION)) is Action.SANCTION
    assert s.decide(_ctx(4, other=Action.CONCEDE)) is Action.ENGAGE
    assert s.decide(_ctx(5, other=Action.ADD_CONDITIONS)) is Action.ADD_CONDITIONS


def test_costly_reassurance_window():
    s = strategy("costly_reassurance", {"concede_from": 2, "concede_for": 3})
    actions = [s.decide(_ctx(t, other=Action.WALK_AWAY)) for t in range(7)]
    # steps 2, 3, 4 concede; otherwise engage, never retaliating against a walkout
    assert actions == [Action.ENGAGE] * 2 + [Action.CONCEDE] * 3 + [Action.ENGAGE] * 2


def test_sanction_every_with_from():
    s = strategy("sanction_every", {"every": 3, "from": 2})
    sanctions = [t for t in range(12) if s.decide(_ctx(t)) is Action.SANCTION]
    assert sanctions == [2, 5, 8, 11]
    assert s.decide(_ctx(3)) is Action.ENGAGE
    default = strategy("sanction_every", {"every": 2})
    assert [t for t in range(6) if default.decide(_ctx(t)) is Action.SANCTION] == [0, 2, 4]


def test_scripted_holds_until_next_entry():
    s = strategy("scripted", {"timeline": {3: "walk_away", 6: "escalate_rhetoric", 8: "sanction"}})
    expected = (
        [Action.ENGAGE] * 3
        + [Action.WALK_AWAY] * 3
        + [Action.ESCALATE_RHETORIC] * 2
        + [Action.SANCTION] * 2
    )
    assert [s.decide(_ctx(t)) for t in range(10)] == expected
    assert s.decide(_ctx(500)) is Action.SANCTION


def test_adaptive_high_rationality_picks_max_utility():
    s = strategy("adaptive", {"rationality": 100})
    u = np.array([0.3, -0.1, 0.45, -0.4, 0.25])
    for uniform in (0.01, 0.5, 0.99):
        assert s.decide(_ctx(0, uniform=uniform, utilities=u)) is Action.ESCALATE_RHETORIC
    u_engage = np.array([1.0, -0.1, 0.2, -0.4, 0.25])
    assert s.decide(_ctx(1, uniform=0.99, utilities=u_engage)) is Action.ENGAGE
    u_sanction = np.array([0.0, -0.1, 0.2, -0.4, 0.6])
    assert s.decide(_ctx(2, uniform=0.01, utilities=u_sanction)) is Action.SANCTION


def test_adaptive_rationality_zero_is_uniform():
    s = strategy("adaptive", {"rationality": 0})
    u = np.array([5.0, -0.1, 0.2, -0.4, 0.6])
    # cumulative 0.2 steps: 0.7 -> index 3 (walk_away), 0.1 -> engage
    assert s.decide(_ctx(0, uniform=0.7, utilities=u)) is Action.WALK_AWAY
    assert s.decide(_ctx(0, uniform=0.1, utilities=u)) is Action.ENGAGE


def test_choose_strategy_rejects_bad_options():
    with pytest.raises(ValidationError):
        strategy("walk_away_at", {})
    with pytest.raises(ValidationError):
        strategy("walk_away_at", {"at": 3, "bogus": 1})
    with pytest.raises(ValidationError):
        strategy("adaptive", {"rationality": 101})


def test_logit_choice_rationality_zero_is_uniform_inversion():
    u = np.array([3.0, 1.0, 0.0, -2.0, 5.0])
    # cumulative [0.2, 0.4, 0.6, 0.8, 1.0]
    for uniform, index in [(0.0, 0), (0.1, 0), (0.3, 1), (0.5, 2), (0.7, 3), (0.9, 4), (1.0, 4)]:
        assert logit_choice(u, 0.0, uniform) == index


def test_logit_choice_intermediate_rationality():
    u = np.array([0.0, np.log(3.0)])
    # P = [1/4, 3/4]
    assert logit_choice(u, 1.0, 0.2) == 0
    assert logit_choice(u, 1.0, 0.3) == 1
    assert logit_choice(u, 1.0, 0.99) == 1


def test_logit_choice_high_rationality_picks_argmax():
    u = np.array([0.3, -0.1, 0.45, -0.4, 0.25])
    for uniform in (0.001, 0.5, 0.999):
        assert logit_choice(u, 100.0, uniform) == 2
    u2 = np.array([-1.0, 0.0, 0.0, -1.0, 0.5])
    for uniform in (0.001, 0.5, 0.999):
        assert logit_choice(u2, 100.0, uniform) == 4
