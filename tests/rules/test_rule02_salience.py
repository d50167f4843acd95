from numpy.testing import assert_allclose

from model.rules import salience


def test_an_act_carries_its_own_newsworthiness():
    assert salience.side_newsworthiness(True, 1.0, 0.2, persistence=0.25) == 1.0


def test_a_held_posture_keeps_only_persistence_of_its_newsworthiness():
    assert_allclose(salience.side_newsworthiness(False, 1.0, 0.2, persistence=0.25), 0.05)


def test_update_salience_uses_the_largest_news_of_the_week():
    # 0.7 * 0.1 + 0.3 * max(0.05, 0.8, 0.0, 0.25) = 0.07 + 0.24
    assert_allclose(salience.update_salience(0.1, [0.05, 0.8, 0.0, 0.25], memory=0.7), 0.31)


def test_plain_engagement_keeps_salience_at_its_steady_state():
    s = 0.05
    for _ in range(20):
        s = salience.update_salience(s, [0.05, 0.05, 0.0], memory=0.7)
    assert_allclose(s, 0.05)
