from agents.actions import Action
from model.rules import postures


def test_taking_up_a_new_posture_is_an_act_and_is_then_held():
    assert postures.take_action(Action.ENGAGE, Action.WALK_AWAY) == (Action.WALK_AWAY, True)


def test_holding_a_posture_is_not_an_act():
    assert postures.take_action(Action.WALK_AWAY, Action.WALK_AWAY) == (Action.WALK_AWAY, False)


def test_an_event_is_an_act_and_leaves_the_held_posture():
    assert postures.take_action(Action.ENGAGE, Action.SANCTION) == (Action.ENGAGE, True)
    assert postures.take_action(Action.WALK_AWAY, Action.ESCALATE_RHETORIC) == (
        Action.WALK_AWAY,
        True,
    )


def test_resuming_the_held_posture_after_an_event_is_not_an_act():
    held, _ = postures.take_action(Action.ENGAGE, Action.SANCTION)
    assert postures.take_action(held, Action.ENGAGE) == (Action.ENGAGE, False)


def test_talks_need_both_held_postures_at_the_table():
    assert postures.talks_held(Action.ENGAGE, Action.CONCEDE)
    assert postures.talks_held(Action.ADD_CONDITIONS, Action.ENGAGE)
    assert not postures.talks_held(Action.ENGAGE, Action.WALK_AWAY)
    assert not postures.talks_held(Action.SILENT, Action.ENGAGE)
