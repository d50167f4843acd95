"""The live dashboard in headless Chromium, served by `python run.py dashboard` as a user runs it.

One server (its own process group, stopped at the end) and one browser serve every test; each
test opens its own browser context, i.e. its own session.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboards.browser import CHROMIUM, serve_dashboard

ROOT = Path(__file__).resolve().parents[1]
VIEWS = 9  # charts on the live page, each dated by data-week once drawn

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


@pytest.fixture(scope="module")
def server():
    with serve_dashboard() as url:
        yield url


def open_page(browser, url, elsewhere=None):
    """A new browser context on the dashboard; requests to other hosts go to `elsewhere`."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    if elsewhere is not None:
        local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
        context.on(
            "request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url)
        )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_test_id("step-counter").wait_for(timeout=60_000)
    wait_for_week(page, 0)
    return context, page


def wait_for_week(page, week: int) -> None:
    """Wait until every chart is drawn for `week`."""
    page.wait_for_function(
        f"document.querySelectorAll('.dashboard-vega[data-week=\"{week}\"]').length == {VIEWS}"
    )


def step(page, week: int) -> None:
    page.get_by_role("button", name="Step").click()
    wait_for_week(page, week)


def counter(page) -> str:
    return page.get_by_test_id("step-counter").text_content()


def legitimacy_label(page) -> str:
    return page.locator(".dashboard-vega svg[aria-label^='Mean legitimacy by week']").get_attribute(
        "aria-label"
    )


def session_like(actions):
    """The dashboard's session replayed in-process: [(steps, role, action or None), ...]."""
    from agents.actions import Action
    from dashboards.session import DashboardSession

    session = DashboardSession.open(ROOT / "configs" / "baseline.yaml")
    for steps, role, action in actions:
        if role is not None:
            session.intervene(role, None if action is None else Action(action))
        session.step(steps)
    return session


def test_step_and_walk_away_show_on_the_event_strip_and_move_legitimacy(server, browser):
    elsewhere: list[str] = []
    context, page = open_page(browser, server, elsewhere)
    step(page, 1)
    assert counter(page) == "Week 1 of 200"
    before = legitimacy_label(page)
    page.get_by_role("button", name="Adversary (A): walk away").click()
    page.get_by_text("Adversary (A) · forced: walk away").wait_for()
    for week in (2, 3, 4):
        step(page, week)

    log = page.get_by_test_id("event-log").text_content()
    assert log.startswith("week 2: adversary walk away (intervention)")
    strip = page.locator(".dashboard-vega svg[aria-label^='Event strip']")
    assert "adversary walk away (intervention)" in strip.get_attribute("aria-label")
    assert strip.locator("path").count() > 0

    after = legitimacy_label(page)
    assert after != before and "Week 4:" in after
    walked = session_like([(1, None, None), (3, "adversary", "walk_away")])
    stayed = session_like([(4, None, None)])
    walked_now, stayed_now = walked.run.observer_frame(), stayed.run.observer_frame()
    expected = (
        f"Week 4: negotiator {walked_now['legitimacy_negotiator'].mean():.3f}, "
        f"adversary {walked_now['legitimacy_adversary'].mean():.3f}."
    )
    assert after.endswith(expected)
    assert walked_now["legitimacy_adversary"].mean() < stayed_now["legitimacy_adversary"].mean()
    assert elsewhere == []  # offline: every file comes from the dashboard itself
    context.close()


def test_two_browser_contexts_have_their_own_models(server, browser):
    first_context, first = open_page(browser, server)
    for week in (1, 2, 3):
        step(first, week)
    first.get_by_role("button", name="Negotiator (N): concede").click()
    first.get_by_text("Negotiator (N) · forced: concede").wait_for()

    second_context, second = open_page(browser, server)
    assert counter(second) == "Week 0 of 200"
    assert second.get_by_test_id("event-log").text_content() == "none yet"
    assert (
        second.get_by_test_id("status-negotiator")
        .text_content()
        .endswith("following its strategy (always engage)")
    )
    step(second, 1)
    assert counter(second) == "Week 1 of 200"
    assert counter(first) == "Week 3 of 200"
    assert "forced: concede" in first.get_by_test_id("status-negotiator").text_content()
    first_context.close()
    second_context.close()


def test_saved_scenario_validates_and_replays_the_dashboard_trajectory(server, browser, tmp_path):
    import run
    from experiments.runner import simulate
    from model import load_config
    from model.streams import replicate_seed

    context, page = open_page(browser, server)
    seed = page.get_by_label("Seed (the config's base seed)")
    seed.fill("not a seed")
    seed.press("Enter")
    page.get_by_text("seed: expected an integer from 0 to").first.wait_for()
    page.get_by_role("button", name="Reset").click()
    assert page.get_by_test_id("problem").first.text_content() == "not reset: fix the fields first"
    seed.fill("77")
    seed.press("Enter")
    page.get_by_test_id("pending").wait_for()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("seed 77").wait_for()

    step(page, 1)
    step(page, 2)
    page.get_by_role("button", name="Negotiator (N): concede").click()
    step(page, 3)
    page.get_by_role("button", name="Adversary (A): walk away").click()
    page.get_by_role("button", name="Negotiator (N): back to strategy").click()
    step(page, 4)
    step(page, 5)
    # keyboard: Step is a real button
    page.get_by_role("button", name="Step").focus()
    page.keyboard.press("Enter")
    wait_for_week(page, 6)

    page.locator(".v-card", has_text="Legitimacy of each side").get_by_text(
        "Data (table and CSV)"
    ).click()
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download legitimacy.csv").click()
    shown = pd.read_csv(csv_download.value.path())

    with page.expect_download() as yaml_download:
        page.get_by_role("button", name="Save as scenario").click()
    saved = tmp_path / "dashboard_session.yaml"
    yaml_download.value.save_as(saved)
    context.close()

    assert run.main(["validate", str(saved)]) == 0
    config = load_config(saved)
    assert config.seed == 77 and config.steps == 6 and config.replications == 1
    result = simulate(
        config.scenario_spec("dashboard_session"), replicate_seed(config.seed, 0), config.steps
    )
    columns = ["step", "legitimacy_negotiator", "legitimacy_adversary", "legitimacy_gap"]
    pd.testing.assert_frame_equal(
        shown, result.timeseries[columns].reset_index(drop=True), check_exact=True
    )
    assert list(result.timeseries["action_negotiator"].iloc[1:]) == [
        "engage",
        "engage",
        "concede",
        "engage",
        "engage",
        "engage",
    ]
    assert (
        list(result.timeseries["action_adversary"].iloc[1:]) == ["engage"] * 3 + ["walk_away"] * 3
    )

    batch_out = tmp_path / "batch"
    assert run.main(["batch", str(saved), "--out", str(batch_out), "--workers", "1"]) == 0
    batch = pd.read_parquet(batch_out / "dashboard_session" / "timeseries").sort_values("step")
    pd.testing.assert_frame_equal(
        batch[columns].reset_index(drop=True), shown, check_exact=True, check_dtype=False
    )

    out = tmp_path / "single"
    assert run.main(["run", str(saved), "--scenario", "dashboard_session", "--out", str(out)]) == 0
    written = pd.read_parquet(out / "run.parquet")
    pd.testing.assert_frame_equal(
        written[columns].reset_index(drop=True), shown, check_exact=True, check_dtype=False
    )
