"""Changes of action, pinned runs and the reference of the headline figures, without a browser.

Every change of action of either side is recorded (week, side, from, to, cause); a run can be
pinned and stays beside new runs after Reset (at most three, the oldest dropped with a
message); the headline changes are measured against the chosen reference and say which.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dashboardkit import chart_spec, small_config

from agents.actions import Action
from dashboards import views
from dashboards.headline import measure
from dashboards.session import (
    PIN_LIMIT,
    REFERENCE_LAST_CHANGE,
    REFERENCE_PINNED,
    REFERENCE_START,
    DashboardSession,
    SessionError,
)

SCRIPTED = {
    "scripted": {
        "negotiator": {"strategy": "always_engage"},
        "adversary": {
            "strategy": "scripted",
            "timeline": {0: "engage", 4: "walk_away", 8: "engage"},
        },
    }
}


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path, scenarios=SCRIPTED))


def changes(session: DashboardSession) -> list[tuple]:
    return list(session.snapshot().changes.itertuples(index=False, name=None))


def test_changes_from_a_strategy_are_recorded_with_their_cause(session):
    session.step(10)
    assert changes(session) == [
        (4, "adversary", "engage", "walk_away", "strategy"),
        (8, "adversary", "walk_away", "engage", "strategy"),
    ]


def test_changes_from_an_intervention_and_back_are_recorded(session):
    session.step(1)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(2)
    session.intervene("negotiator", None)
    session.step(1)
    assert changes(session) == [
        (2, "negotiator", "engage", "concede", "intervention"),
        (4, "negotiator", "concede", "engage", "strategy"),
        (4, "adversary", "engage", "walk_away", "strategy"),
    ]


def test_the_changes_agree_with_the_actions_taken(session):
    session.step(12)
    events = session.run.events()
    for side in ("negotiator", "adversary"):
        actions = ["engage", *events[events["side"] == side]["action"]]
        expected = [i + 1 for i in range(len(actions) - 1) if actions[i + 1] != actions[i]]
        found = [c[0] for c in changes(session) if c[1] == side]
        assert found == expected


def test_a_pinned_run_stays_beside_the_new_run_after_reset(session):
    with pytest.raises(SessionError, match="pin: take at least one step first"):
        session.pin("too early")
    session.step(6)
    before = session.run.tables().timeseries
    session.pin("A walks")
    assert session.reset()
    snap = session.snapshot()
    assert snap.step == 0 and [run.label for run in snap.pinned] == ["A walks"]
    pinned = snap.pinned_timeseries
    assert list(pinned.columns[:2]) == ["run", "step"]
    assert set(pinned["run"]) == {"A walks"}
    pd.testing.assert_frame_equal(
        pinned.drop(columns="run").reset_index(drop=True), before, check_exact=True
    )
    assert set(snap.pinned_blocs["run"]) == {"A walks"}
    assert len(snap.pinned_redline) == 7


def test_at_most_three_runs_stay_pinned_and_the_page_says_which_was_dropped(session):
    labels = []
    for i in range(PIN_LIMIT + 1):
        session.step(1)
        labels.append(f"run {i}")
        notice = session.pin(labels[-1])
    assert [run.label for run in session.pinned] == labels[1:]
    assert (
        notice == f"pinned: run {PIN_LIMIT} (at most {PIN_LIMIT} pinned: dropped the oldest, run 0)"
    )
    session.unpin("run 2")
    assert [run.label for run in session.pinned] == ["run 1", "run 3"]
    with pytest.raises(SessionError, match="unpin: expected the label of a pinned run"):
        session.unpin("<script>")


def test_same_labels_are_told_apart_and_a_default_label_says_what_ran(session):
    session.step(2)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(1)
    session.pin()
    session.pin()
    assert [run.label for run in session.pinned] == [
        "scripted, seed 11, adversary steered",
        "scripted, seed 11, adversary steered (2)",
    ]


@pytest.mark.parametrize("label", ["<img src=x onerror=alert(1)>", "x" * 41, "a\nb", '"quoted"'])
def test_a_hostile_label_is_refused_naming_the_field(session, label):
    session.step(1)
    with pytest.raises(SessionError, match=r"^pin label: expected 1 to 40 letters"):
        session.pin(label)
    assert session.pinned == []


def test_headline_changes_default_to_the_week_before_the_last_change(session):
    session.step(6)
    snap = session.snapshot()
    reference = measure(snap, session.reference)
    assert session.reference == REFERENCE_LAST_CHANGE
    assert (
        reference.words == "since week 3, the week before adversary walk away (strategy) in week 4"
    )
    ts = snap.timeseries
    now = ts.iloc[-1]
    expected = now["legitimacy_adversary"] - ts.loc[ts["step"] == 3, "legitimacy_adversary"].item()
    assert reference.change(now, "legitimacy_adversary") == expected


def test_headline_changes_against_week_0_and_a_pinned_run(session):
    session.step(3)
    assert measure(session.snapshot(), REFERENCE_LAST_CHANGE).words == (
        "since week 0 (no change of action yet)"
    )
    session.step(5)
    session.pin("scripted walk")
    session.reset()
    session.intervene("adversary", Action.SANCTION)
    session.step(6)
    with pytest.raises(SessionError, match="reference: expected one of the choices offered"):
        session.set_reference("pinned: nothing")
    session.set_reference(REFERENCE_PINNED + "scripted walk")
    snap = session.snapshot()
    reference = measure(snap, session.reference)
    assert reference.words == "against pinned run scripted walk at week 6"
    pinned = snap.pinned[0].timeseries
    now = snap.timeseries.iloc[-1]
    assert reference.change(now, "narrative_share") == (
        now["narrative_share"] - pinned.loc[pinned["step"] == 6, "narrative_share"].item()
    )
    session.set_reference(REFERENCE_START)
    assert measure(session.snapshot(), session.reference).words == "since week 0"
    session.unpin("scripted walk")
    assert session.reference == REFERENCE_START


@pytest.mark.parametrize("key", ["legitimacy", "narrative", "crisis", "red_line"])
def test_each_time_chart_draws_pinned_runs_faded_with_their_labels(session, render, key):
    from test_dashboard_views import assert_valid_vega_lite

    session.step(5)
    session.pin("first")
    session.reset()
    session.step(2)
    chart = next(c for c in views.CHARTS if c.key == key)
    spec = chart_spec(render(views.ChartCard(chart, session)))
    assert_valid_vega_lite(spec)
    assert {r["run"] for r in spec["datasets"]["pinned"]} == {"first"}
    assert len(spec["datasets"]["pinned"]) == 6
    assert spec["datasets"]["pinned_end"][0]["run"] == "first"
    assert spec["description"].endswith(". Pinned for reference: first.")
    faded = [layer for layer in spec["layer"] if layer.get("data", {}).get("name") == "pinned"]
    assert faded and faded[0]["mark"]["opacity"] < 0.5
