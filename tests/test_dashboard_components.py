"""The dashboard without a browser: the per-session controller, and each view rendered in-process
with `solara.render`.

The controller tests show interventions, pending changes, that bad input keeps the last good
model, and that "Save as scenario" writes a config that validates and replays bit-identically
through the batch's boundary function and through `run.py run`.
"""

from __future__ import annotations

import io
import math
import shutil
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
import solara
import yaml
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core as vegalite_schema
from solara.components.datatable import DataTableWidget

import run
from agents.actions import Action
from dashboards import app, views
from dashboards.session import (
    CONFIG_ENV,
    INTERVENTIONS,
    DashboardSession,
    SessionError,
)
from dashboards.vega import VegaWidget, installed_libraries
from experiments.runner import simulate
from model import DiplomacyModel, load_config
from model.live import model_tables
from model.streams import replicate_seed

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"


def small_config(tmp_path: Path, **top) -> Path:
    """A two-scenario config with 150 observers (fast), written to tmp_path."""
    data = {
        "name": "small",
        "steps": 40,
        "seed": 11,
        "model": {"observers": 150},
        "scenarios": {
            "both_engage": {
                "negotiator": {"strategy": "always_engage"},
                "adversary": {"strategy": "always_engage"},
            },
            "adaptive_adversary": {
                "negotiator": {"strategy": "tit_for_tat"},
                "adversary": {"strategy": "adaptive", "rationality": 3.0},
            },
        },
        **top,
    }
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def session(tmp_path):
    return DashboardSession.open(small_config(tmp_path))


# -------------------------------------------------------------------------------------------
# The controller
# -------------------------------------------------------------------------------------------


def test_session_runs_the_config_scenario_with_replicate_zero_seed(session):
    config = session.config
    assert session.model.seed == replicate_seed(config.seed, 0)
    assert session.horizon == config.steps
    session.step(12)
    reference = DiplomacyModel.from_config(config, "both_engage")
    reference.run_for(12)
    pd.testing.assert_frame_equal(
        model_tables(session.model).timeseries, model_tables(reference).timeseries, check_exact=True
    )


def test_intervention_forces_the_action_from_the_next_step_until_released(session):
    session.step(2)
    session.intervene("adversary", Action.WALK_AWAY)
    assert session.model.states[1].action is Action.ENGAGE  # not before the next step
    session.step(3)
    session.intervene("adversary", None)
    session.step(2)
    adversary = [
        (e.step, e.action, e.intervention) for e in session.events if e.role == "adversary"
    ]
    assert adversary == [
        (1, Action.ENGAGE, False),
        (2, Action.ENGAGE, False),
        (3, Action.WALK_AWAY, True),
        (4, Action.WALK_AWAY, True),
        (5, Action.WALK_AWAY, True),
        (6, Action.ENGAGE, False),
        (7, Action.ENGAGE, False),
    ]
    negotiator = [e for e in session.events if e.role == "negotiator"]
    assert all(e.action is Action.ENGAGE and not e.intervention for e in negotiator)
    ts = model_tables(session.model).timeseries
    assert list(ts["action_adversary"].iloc[1:]) == [a.value for _, a, _ in adversary]


def test_each_side_offers_only_its_intervention_buttons(session):
    assert INTERVENTIONS["negotiator"] == (
        Action.ENGAGE,
        Action.CONCEDE,
        Action.ADD_CONDITIONS,
        Action.WALK_AWAY,
    )
    assert set(INTERVENTIONS["adversary"]) == {
        Action.ENGAGE,
        Action.ADD_CONDITIONS,
        Action.WALK_AWAY,
        Action.SANCTION,
        Action.ESCALATE_RHETORIC,
    }
    with pytest.raises(SessionError, match="negotiator: expected one of engage, concede"):
        session.intervene("negotiator", Action.SANCTION)
    assert session.intervention("negotiator") is None


def test_parameter_changes_are_pending_until_reset(session):
    model = session.model
    session.step(3)
    assert session.set_seed("7")
    assert session.set_observers("200")
    assert session.set_media("polarized")
    assert session.set_deterrence(0.9)
    assert session.set_strategy("adversary", "walk_away_at")
    assert session.set_option("adversary", "at", "5")
    assert session.model is model and session.step_count == 3
    assert session.pending_changes() == [
        "adversary strategy: always_engage → walk_away_at (at 5)",
        "negotiator deterrence: 0.6 → 0.9",
        "media ecology: mixed → polarized",
        "observers: 150 → 200",
        "seed: 11 → 7",
    ]
    assert session.reset()
    assert session.model is not model and session.step_count == 0
    assert session.pending_changes() == []
    spec = session.model.spec
    assert spec.observers == 200 and spec.negotiator.deterrence == 0.9
    assert spec.adversary.strategy.name == "walk_away_at" and spec.adversary.strategy.at == 5
    assert spec.media[0].name == "Partisan outlet for N"
    assert session.model.seed == replicate_seed(7, 0)
    session.step(6)
    assert [e.action for e in session.events if e.role == "adversary"][-2:] == [
        Action.WALK_AWAY
    ] * 2


def test_a_play_loop_started_before_a_reset_does_not_step_the_new_model(session):
    started = session.model
    assert session.step(model=started) == 1
    session.set_seed("3")
    assert session.reset()
    assert session.step(model=started) == 0
    assert session.step_count == 0
    assert session.step(model=session.model) == 1


def test_a_run_stops_at_its_horizon(session):
    assert session.step(100) == 40
    assert session.finished and session.step() == 0
    assert session.step_count == 40


def test_choosing_a_scenario_takes_its_settings(session):
    assert session.set_scenario("adaptive_adversary")
    assert session.pending.adversary_strategy == "adaptive"
    assert session.pending.adversary_options == {"rationality": 3.0}
    assert session.pending.negotiator_strategy == "tit_for_tat"
    assert session.pending_changes()[0] == "scenario: both_engage → adaptive_adversary"
    assert not session.set_scenario("nope")
    assert session.errors["scenario"].startswith("scenario: expected one of both_engage")


@pytest.mark.parametrize(
    ("setter", "args", "field", "message"),
    [
        ("set_seed", ("abc",), "seed", "seed: expected an integer from 0 to 9223372036854775807"),
        ("set_seed", ("-1",), "seed", "found -1"),
        ("set_seed", (str(2**63),), "seed", f"found {2**63}"),
        ("set_seed", ("1.5",), "seed", "found '1.5'"),
        ("set_observers", ("5",), "observers", "observers: expected an integer from 10 to 100000"),
        ("set_observers", ("many",), "observers", "found 'many'"),
        ("set_deterrence", (1.5,), "negotiator.deterrence", "expected a number from 0 to 1"),
        ("set_media", ("loud",), "media", "media: expected one of mixed, neutral, polarized"),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_last_good_model(
    session, setter, args, field, message
):
    session.step(4)
    model, pending = session.model, session.pending
    assert getattr(session, setter)(*args) is False
    assert message in session.errors[field]
    assert session.pending == pending
    assert not session.reset()
    assert session.problems[0] == "not reset: fix the fields first"
    assert message in session.problems[1]
    assert session.model is model and session.step_count == 4
    assert session.step() == 1


def test_a_bad_strategy_option_keeps_its_text_and_the_last_good_value(session):
    session.set_strategy("adversary", "walk_away_at")
    assert session.draft("adversary.at") == "50"
    assert not session.set_option("adversary", "at", "-3")
    assert session.errors["adversary.at"] == "adversary.at: expected a value >= 0, found -3"
    assert session.draft("adversary.at") == "-3"
    assert session.pending.adversary_options == {"at": 50}
    assert not session.set_option("adversary", "at", "soon")
    assert session.errors["adversary.at"] == "adversary.at: expected an integer, found 'soon'"
    assert session.set_option("adversary", "at", "12")
    assert "adversary.at" not in session.errors and session.draft("adversary.at") == "12"


def test_a_config_that_does_not_validate_keeps_the_last_good_model(session, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nscenarios:\n  s:\n    adversary: {strategy: walk_away_at, at: -2}\n")
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    session.step(5)
    model = session.model
    assert not session.open_config("bad.yaml")
    assert session.problems == [
        "config not opened: bad.yaml: scenarios.s.adversary.at: expected a value >= 0"
    ]
    assert session.model is model and session.step_count == 5
    assert session.open_config("baseline.yaml")
    assert session.config.name == "baseline" and session.step_count == 0
    assert session.available_configs() == ["bad.yaml", "baseline.yaml", "small.yaml"]


def test_the_page_runs_the_defaults_when_its_config_no_longer_validates(tmp_path, monkeypatch):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nsteps: many\nscenarios: {a: {}}\n")
    monkeypatch.setenv(CONFIG_ENV, str(bad))
    session = app.open_session()
    assert session.problems == ["config not opened: broken.yaml: steps: expected an integer"]
    assert session.step() == 1


def test_timeline_keeps_only_the_changes(session):
    session.step(2)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(3)
    session.intervene("negotiator", Action.CONCEDE)  # a second click on the same action
    session.step(1)
    session.intervene("negotiator", None)
    session.step(2)
    assert session.timeline("negotiator") == {1: "engage", 3: "concede", 7: "engage"}
    assert session.timeline("adversary") == {1: "engage"}


def test_save_as_scenario_is_refused_before_a_step_or_with_a_bad_name(session):
    with pytest.raises(SessionError, match="take at least one step first"):
        session.scenario_config()
    session.step()
    with pytest.raises(SessionError, match="expected only letters, digits, - and _"):
        session.scenario_config("my scenario")


def test_saved_scenario_validates_and_replays_bit_identically(tmp_path, capsys):
    session = DashboardSession.open(small_config(tmp_path))
    session.set_scenario("adaptive_adversary")
    session.set_seed("2024")
    session.set_media("neutral")
    assert session.reset()
    session.step(4)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(5)
    session.intervene("negotiator", Action.CONCEDE)
    session.step(3)
    session.intervene("adversary", Action.SANCTION)
    session.intervene("negotiator", None)
    session.step(2)
    session.intervene("adversary", None)
    session.step(6)

    saved = tmp_path / "replay.yaml"
    saved.write_text(session.scenario_yaml("replay"))
    data = yaml.safe_load(saved.read_text())
    assert data["seed"] == 2024 and data["replications"] == 1 and data["steps"] == 20
    assert data["scenarios"]["replay"]["adversary"]["strategy"] == "scripted"

    assert run.main(["validate", str(saved)]) == 0
    config = load_config(saved)
    result = simulate(config.scenario_spec("replay"), replicate_seed(config.seed, 0), config.steps)
    live = model_tables(session.model)
    pd.testing.assert_frame_equal(result.timeseries, live.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(result.blocs, live.blocs, check_exact=True)
    pd.testing.assert_frame_equal(result.media, live.media, check_exact=True)

    out = tmp_path / "single"
    assert run.main(["run", str(saved), "--scenario", "replay", "--out", str(out)]) == 0
    written = pd.read_parquet(out / "run.parquet").drop(columns="model_version")
    pd.testing.assert_frame_equal(
        written, live.timeseries, check_exact=True, check_dtype=False, check_index_type=False
    )
    assert "replay / replay: seed" in capsys.readouterr().out

    assert run.main(["batch", str(saved), "--out", str(tmp_path / "batch"), "--workers", "1"]) == 0
    batch = pd.read_parquet(tmp_path / "batch" / "replay" / "timeseries")
    assert set(batch["replicate"]) == {0} and set(batch["seed"]) == {replicate_seed(2024, 0)}
    batch = batch.sort_values("step")[list(live.timeseries.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        batch, live.timeseries, check_exact=True, check_dtype=False, check_categorical=False
    )


def test_a_saved_scenario_opens_in_the_dashboard_and_replays(session, tmp_path):
    session.step(3)
    session.intervene("adversary", Action.SANCTION)
    session.step(2)
    session.intervene("adversary", None)
    session.step(2)
    saved = tmp_path / "again.yaml"
    saved.write_text(session.scenario_yaml("again"))
    replay = DashboardSession.open(saved)
    assert replay.applied.adversary_strategy == "scripted"
    assert "scripted" in replay.strategy_choices("adversary")
    assert replay.step(100) == 7
    pd.testing.assert_frame_equal(
        model_tables(replay.model).timeseries,
        model_tables(session.model).timeseries,
        check_exact=True,
    )


def test_two_sessions_on_one_config_are_independent(tmp_path):
    path = small_config(tmp_path)
    first, second = DashboardSession.open(path), DashboardSession.open(path)
    first.intervene("adversary", Action.WALK_AWAY)
    first.step(6)
    first.set_seed("99")
    assert second.step_count == 0 and second.events == []
    assert second.intervention("adversary") is None and second.pending_changes() == []
    second.step(6)
    assert first.model.legitimacy[1].mean() != second.model.legitimacy[1].mean()


# -------------------------------------------------------------------------------------------
# The views, rendered in-process
# -------------------------------------------------------------------------------------------

_RENDERED: list = []


def render(element):
    """Render `element` in-process; the render is closed when the test ends."""
    _, rc = solara.render(element, handle_error=False)
    _RENDERED.append(rc)
    return rc


@pytest.fixture(autouse=True)
def _close_renders():
    yield
    while _RENDERED:
        _RENDERED.pop().close()


@pytest.fixture(scope="module")
def stepped():
    """A baseline session after 8 weeks, the adversary walking away from week 5."""
    session = DashboardSession.open(BASELINE)
    session.step(4)
    session.intervene("adversary", Action.WALK_AWAY)
    session.step(4)
    return session


def chart_spec(rc) -> dict:
    widgets = rc.find(VegaWidget).widgets
    assert len(widgets) == 1
    return widgets[0].spec


def assert_valid_vega_lite(spec: dict) -> None:
    body = {k: val for k, val in spec.items() if k != "$schema"}
    validate_jsonschema(body, vegalite_schema.load_schema())


def switch(rc, label: str):
    return rc.find(v.Switch, label=label).widget


VIEW_DATA = {
    "LegitimacyView": ("legitimacy.csv", ["step", "legitimacy_negotiator"]),
    "NarrativeView": ("narrative.csv", ["narrative_share", "blame_adversary"]),
    "CrisisView": ("crisis.csv", ["salience", "crisis_index"]),
    "RedLineView": ("red_line_estimate.csv", ["estimate", "low_95", "high_95"]),
    "BlocView": ("blocs.csv", ["bloc", "legitimacy_adversary"]),
    "GapView": ("gap_distribution.csv", ["gap_from", "observers"]),
    "MediaView": ("media.csv", ["outlet", "report_negotiator"]),
    "NetworkView": ("network.csv", ["observer", "gap"]),
}


VIEW_FRAMES = {
    "LegitimacyView": "legitimacy_data",
    "NarrativeView": "narrative_data",
    "CrisisView": "crisis_data",
    "RedLineView": "redline_data",
    "BlocView": "bloc_data",
    "GapView": "gap_data",
    "MediaView": "media_data",
    "NetworkView": "network_data",
}


@pytest.mark.parametrize("view", views.VIEWS, ids=lambda c: c.__name__)
def test_each_view_draws_a_valid_chart_of_this_week_with_its_data_behind_it(stepped, view):
    snap = stepped.snapshot()
    rc = render(view(stepped))
    spec = chart_spec(rc)
    assert_valid_vega_lite(spec)
    assert spec["usermeta"]["week"] == 8
    assert "Week 8" in spec["description"] or "week 8" in spec["description"]
    assert all(isinstance(values, list) and values for values in spec["datasets"].values())

    filename, columns = VIEW_DATA[view.__name__]
    assert rc.find(DataTableWidget).widgets == []
    switch(rc, "Data (table and CSV)").v_model = True
    table = rc.find(DataTableWidget).widget
    assert table.total_length == len(getattr(views, VIEW_FRAMES[view.__name__])(snap))
    headers = [h["value"] for h in table.headers]
    assert set(columns) <= set(headers)
    download = [b for b in rc.find(v.Btn).widgets if f"Download {filename}" in b.children]
    assert len(download) == 1


def test_legitimacy_view_shows_both_sides_by_role_in_the_colour_blind_safe_pair(stepped):
    snap = stepped.snapshot()
    rc = render(views.LegitimacyView(stepped))
    spec = chart_spec(rc)
    scale = spec["layer"][1]["encoding"]["color"]["scale"]
    assert scale == {"domain": ["Negotiator (N)", "Adversary (A)"], "range": ["#0072B2", "#E69F00"]}
    series = pd.DataFrame(spec["datasets"]["series"]).set_index("step")
    assert list(series.index) == list(range(9))
    for code, column in (("N", "legitimacy_negotiator"), ("A", "legitimacy_adversary")):
        expected = snap.timeseries[column].to_numpy()
        assert abs(series[code].to_numpy() - expected).max() <= 5e-7
    labels = spec["layer"][1]["transform"]
    assert labels[0] == {"fold": ["N", "A"], "as": ["code", "legitimacy"]}
    assert "'Negotiator (N)'" in labels[1]["calculate"]
    assert spec["datasets"]["interventions"] == [
        {"step": 5, "side": "Adversary (A)", "what": "Adversary (A): walk away (intervention)"}
    ]


def test_event_strip_shows_every_action_and_marks_interventions(stepped):
    snap = stepped.snapshot()
    rc = render(views.EventStrip(stepped))
    spec = chart_spec(rc)
    assert_valid_vega_lite(spec)
    runs = [
        (r["side"], r["start"], r["end"], r["action"], r["how"], r["weeks"])
        for r in spec["datasets"]["events"]
    ]
    assert runs == [
        ("Negotiator (N)", 0, 8, "engage", "strategy", "1-8"),
        ("Adversary (A)", 0, 4, "engage", "strategy", "1-4"),
        ("Adversary (A)", 4, 8, "walk away", "intervention", "5-8"),
    ]
    assert [(c["start"], c["end"]) for c in spec["datasets"]["forced"]] == [(4, 8)]
    assert [c["mid"] for c in spec["datasets"]["starts"]] == [4.5]
    changes = views.change_log(snap)
    assert changes[0] == "week 5: adversary walk away (intervention)"
    assert "adversary walk away (intervention)" in spec["description"]


def test_red_line_view_shows_the_true_red_line_only_on_request(stepped):
    rc = render(views.RedLineView(stepped))
    spec = chart_spec(rc)
    assert "truth" not in spec["datasets"]
    estimate = pd.DataFrame(spec["datasets"]["estimate"])
    assert estimate["estimate"].iloc[-1] == stepped.model.redline_mean[0]
    assert math.isclose(estimate["sd"].iloc[-1] ** 2, stepped.model.redline_variance[0])
    switch(rc, "Show the adversary's true red line").v_model = True
    spec = chart_spec(rc)
    assert_valid_vega_lite(spec)
    assert spec["datasets"]["truth"][0]["value"] == stepped.model.red_line[1]


def test_gap_view_counts_every_observer(stepped):
    snap = stepped.snapshot()
    rc = render(views.GapView(stepped))
    bins = pd.DataFrame(chart_spec(rc)["datasets"]["bins"])
    assert bins["observers"].sum() == stepped.model.spec.observers
    assert bins["gap_from"].min() <= snap.gap.min() and bins["gap_to"].max() >= snap.gap.max()


def test_network_view_samples_a_large_network(stepped):
    rc = render(views.NetworkView(stepped))
    spec = chart_spec(rc)
    assert spec["usermeta"]["static"] == ["edges", "nodes"]
    nodes = pd.DataFrame(spec["datasets"]["nodes"])
    gaps = pd.DataFrame(spec["datasets"]["gaps"])
    assert len(nodes) == len(gaps) == 300 < stepped.model.spec.observers
    assert list(nodes["observer"]) == list(gaps["observer"])
    gap = stepped.model.legitimacy[0] - stepped.model.legitimacy[1]
    assert abs(gaps["gap"].to_numpy() - gap[gaps["observer"]]).max() <= 5e-5
    indptr, indices = stepped.model.network_indptr, stepped.model.network_indices
    chosen = set(nodes["observer"])
    inside = sum(
        1 for v in chosen for j in indices[indptr[v] : indptr[v + 1]] if j in chosen and v < j
    )
    assert len(spec["datasets"]["edges"]) == inside


def test_csv_download_holds_the_chart_data(stepped):
    snap = stepped.snapshot()
    frame = views.media_data(snap)
    restored = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    pd.testing.assert_frame_equal(restored, frame.reset_index(drop=True), check_exact=True)
    assert list(frame["outlet"]) == [o.name for o in stepped.model.outlets]


def test_chart_libraries_come_from_the_installed_assets():
    from solara.server import settings

    libraries = installed_libraries()
    assert set(libraries) == {"vega", "vega-lite", "vega-embed"}
    for name in libraries.values():
        assert (Path(settings.assets.proxy_cache_dir) / name / "build").is_dir(), name


# -------------------------------------------------------------------------------------------
# The page, rendered in-process
# -------------------------------------------------------------------------------------------


def button(rc, name: str):
    found = [
        w
        for w in rc.find(v.Btn).widgets
        if name in w.children or (w.attributes or {}).get("aria-label") == name
    ]
    assert len(found) == 1, (name, len(found))
    return found[0]


def html_text(rc, testid: str) -> str:
    found = [
        w
        for w in rc.find(solara.widgets.HTML).widgets
        if (w.attributes or {}).get("data-testid") == testid
    ]
    assert len(found) == 1, testid
    return found[0].unsafe_innerHTML


def test_live_page_steps_intervenes_and_shows_it(tmp_path):
    session = DashboardSession.open(small_config(tmp_path))
    rc = render(app.LivePage(session))
    assert html_text(rc, "step-counter") == "Week 0 of 40"
    button(rc, "Step").click()
    button(rc, "Adversary (A): walk away").click()
    assert "forced: walk away" in html_text(rc, "status-adversary")
    button(rc, "Step").click()
    assert html_text(rc, "step-counter") == "Week 2 of 40"
    assert html_text(rc, "event-log").startswith("week 2: adversary walk away (intervention)")
    strip = [w for w in rc.find(VegaWidget).widgets if "Event strip" in w.spec["description"]]
    assert strip[0].spec["datasets"]["starts"][0]["action"] == "walk away"
    button(rc, "Adversary (A): back to strategy").click()
    assert "following its strategy" in html_text(rc, "status-adversary")


def test_live_page_bad_seed_shows_a_message_and_keeps_the_model(tmp_path):
    session = DashboardSession.open(small_config(tmp_path))
    rc = render(app.LivePage(session))
    button(rc, "Step").click()
    model = session.model
    seed = rc.find(v.TextField, label="Seed (the config's base seed)").widget
    seed.v_model = "12x"
    seed.fire_event("keyup.enter", {})
    field = rc.find(v.TextField, label="Seed (the config's base seed)").widget
    assert "seed: expected an integer" in str(field.messages)
    button(rc, "Reset").click()
    problems = [w for w in rc.find(v.Alert).widgets if "not reset" in str(w.children)]
    assert problems and session.model is model and session.step_count == 1
    seed.v_model = "5"
    seed.fire_event("keyup.enter", {})
    assert rc.find(v.TextField, label="Seed (the config's base seed) (pending)").widget
    button(rc, "Reset").click()
    assert session.model is not model and session.model.seed == replicate_seed(5, 0)
    assert html_text(rc, "step-counter") == "Week 0 of 40"


def test_each_page_render_makes_its_own_session(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV, str(small_config(tmp_path)))
    first = render(app.Page())
    second = render(app.Page())
    button(first, "Step").click()
    button(first, "Step").click()
    assert html_text(first, "step-counter") == "Week 2 of 40"
    assert html_text(second, "step-counter") == "Week 0 of 40"


def test_a_second_page_plugs_in_as_a_tab_sharing_the_session(tmp_path, monkeypatch):
    @solara.component
    def OtherPage(session):  # noqa: N802 (a Solara component)
        solara.Text(f"other page, week {session.step_count}")

    monkeypatch.setenv(CONFIG_ENV, str(small_config(tmp_path)))
    monkeypatch.setattr(app, "PAGES", (("Live", app.LivePage), ("Other", OtherPage)))
    rc = render(app.Page())
    tabs = [w.children for w in rc.find(v.Tab).widgets]
    assert tabs == [["Live"], ["Other"]]
    button(rc, "Step").click()
    assert html_text(rc, "step-counter") == "Week 1 of 40"


# -------------------------------------------------------------------------------------------
# The command
# -------------------------------------------------------------------------------------------


def test_dashboard_command_refuses_a_bad_config_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nscenarios:\n  s:\n    negotiator: {strategy: shout}\n")
    assert run.main(["dashboard", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {bad}: scenarios.s.negotiator.strategy: expected one of")
    assert "found 'shout'" in err[0]


def test_dashboard_command_refuses_a_port_in_use_in_one_line(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert run.main(["dashboard", str(BASELINE), "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: --port: {port} is already in use on 127.0.0.1; choose another with --port N"
    ]


def test_dashboard_command_checks_its_arguments(capsys):
    assert run.main(["dashboard", "--port", "70000"]) == 2
    assert "--port: expected an integer from 1 to 65535, found 70000" in capsys.readouterr().err
    assert run.main(["dashboard", "--host", "no.such.host.invalid"]) == 2
    assert "--host: expected an address of this machine" in capsys.readouterr().err


def test_a_step_redraws_the_model_views_and_not_the_controls(tmp_path):
    session = DashboardSession.open(small_config(tmp_path))
    rc = render(app.LivePage(session))
    button(rc, "Step").click()
    counted = (app.SetupControls, app.InterventionControls, app.RunControls, views.VegaChart)
    before = [c.render_count for c in counted]
    button(rc, "Step").click()
    setup, interventions, run_controls, charts = (
        c.render_count - b for c, b in zip(counted, before, strict=True)
    )
    assert (setup, interventions) == (0, 0)
    assert run_controls == 1 and charts == 9
    button(rc, "Negotiator (N): concede").click()
    assert app.InterventionControls.render_count - before[1] == 1
