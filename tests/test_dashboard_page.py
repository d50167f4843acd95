"""The live page rendered in-process with `solara.render`, and the `dashboard` command.

The page steps, intervenes and shows it; a bad field keeps the running model; each page render
makes its own session; a step redraws the model's views and not the controls.
"""

from __future__ import annotations

import ipyvuetify as v
import solara
from dashboardkit import BASELINE, button, html_text, small_config

import run
from dashboards import app, controls, views
from dashboards.catalog import CONFIG_ENV
from dashboards.run_controls import RunControls
from dashboards.session import DashboardSession
from dashboards.vega import VegaWidget
from model.streams import replicate_seed


def test_live_page_steps_intervenes_and_shows_it(tmp_path, render):
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


def test_live_page_bad_seed_shows_a_message_and_keeps_the_run(tmp_path, render):
    session = DashboardSession.open(small_config(tmp_path))
    rc = render(app.LivePage(session))
    button(rc, "Step").click()
    run_before = session.run
    seed = rc.find(v.TextField, label="Seed (the config's base seed)").widget
    seed.v_model = "12x"
    seed.fire_event("keyup.enter", {})
    field = rc.find(v.TextField, label="Seed (the config's base seed)").widget
    assert "seed: expected an integer" in str(field.messages)
    button(rc, "Reset").click()
    problems = [w for w in rc.find(v.Alert).widgets if "not reset" in str(w.children)]
    assert problems and session.run is run_before and session.step_count == 1
    seed.v_model = "5"
    seed.fire_event("keyup.enter", {})
    assert rc.find(v.TextField, label="Seed (the config's base seed) (pending)").widget
    button(rc, "Reset").click()
    assert session.run is not run_before and session.run.seed == replicate_seed(5, 0)
    assert html_text(rc, "step-counter") == "Week 0 of 40"


def test_each_page_render_makes_its_own_session(tmp_path, monkeypatch, render):
    monkeypatch.setenv(CONFIG_ENV, str(small_config(tmp_path)))
    first = render(app.Page())
    second = render(app.Page())
    button(first, "Step").click()
    button(first, "Step").click()
    assert html_text(first, "step-counter") == "Week 2 of 40"
    assert html_text(second, "step-counter") == "Week 0 of 40"


def test_a_second_page_plugs_in_as_a_tab_sharing_the_session(tmp_path, monkeypatch, render):
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


def test_a_step_redraws_the_model_views_and_not_the_controls(tmp_path, render):
    session = DashboardSession.open(small_config(tmp_path))
    rc = render(app.LivePage(session))
    button(rc, "Step").click()
    counted = (
        controls.SetupControls,
        controls.InterventionControls,
        RunControls,
        views.VegaChart,
    )
    before = [c.render_count for c in counted]
    button(rc, "Step").click()
    setup, interventions, run_controls, charts = (
        c.render_count - b for c, b in zip(counted, before, strict=True)
    )
    assert (setup, interventions) == (0, 0)
    assert run_controls == 1 and charts == len(views.CHARTS) + 1
    button(rc, "Negotiator (N): concede").click()
    assert controls.InterventionControls.render_count - before[1] == 1


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
