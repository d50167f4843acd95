"""The live page's run controls in headless Chromium: Pause obeys at any speed, pinned runs.

One server and one browser serve every test of the module; each test opens its own browser
context, i.e. its own session.
"""

from __future__ import annotations

import random

import pytest

from dashboards.browser import CHROMIUM, serve_dashboard

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)

PAUSE_TRIES = 20


@pytest.fixture(scope="module")
def server():
    with serve_dashboard() as url:
        yield url


def open_page(browser, url):
    """A new browser context (its own session) on the dashboard, drawn for week 0."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_test_id("step-counter").wait_for(timeout=60_000)
    return context, page


def week(page) -> int:
    """The week the page shows now."""
    return int(page.get_by_test_id("step-counter").text_content().split()[1])


def settled_week(page) -> int:
    """The week shown once it no longer changes (the run has stopped)."""
    last = week(page)
    while True:
        page.wait_for_timeout(700)
        now = week(page)
        if now == last:
            return now
        last = now


PAUSE_NOW = """() => {
    const shown = document.querySelector('[data-testid="step-counter"]').textContent;
    const pause = [...document.querySelectorAll('button')]
        .find(b => b.textContent.trim() === 'Pause');
    if (!pause) { return null; }
    pause.click();
    return parseInt(shown.split(' ')[1]);
}"""
"""Read the week shown and click Pause in one browser task (nothing can come between)."""


def fastest(page) -> None:
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("End")


def test_pause_at_the_highest_speed_stops_within_one_step(server, browser):
    context, page = open_page(browser, server)
    fastest(page)
    draw = random.Random(5)
    late = []
    while len(late) < PAUSE_TRIES:
        if week(page) > 150:
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("Week 0 of").wait_for()
        page.get_by_role("button", name="Play").click()
        page.get_by_role("button", name="Pause").wait_for()
        page.wait_for_timeout(draw.uniform(300, 1200))
        shown = page.evaluate(PAUSE_NOW)
        stopped = settled_week(page)
        late.append(None if shown is None else stopped - shown)
    context.close()
    assert all(weeks is not None and weeks <= 1 for weeks in late), str(late)


def step_to(page, target: int) -> None:
    while week(page) < target:
        now = week(page)
        page.get_by_role("button", name="Step", exact=True).click()
        page.get_by_text(f"Week {now + 1} of").wait_for()


LEGITIMACY = ".dashboard-vega svg[aria-label^='Mean legitimacy by week']"


def test_a_pinned_run_and_the_new_run_show_both_traces_after_reset(server, browser):
    context, page = open_page(browser, server)
    step_to(page, 4)
    page.get_by_label("Label (optional)").fill("A walks")
    page.get_by_role("button", name="Pin this run").click()
    page.get_by_test_id("pinned-run").filter(has_text="A walks").wait_for()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Week 0 of").wait_for()
    step_to(page, 2)
    chart = page.locator(LEGITIMACY)
    page.wait_for_function(
        "s => { const e = document.querySelector(s);"
        " return e && e.getAttribute('aria-label').includes('Week 2:'); }",
        arg=LEGITIMACY,
    )
    assert chart.get_attribute("aria-label").endswith("Pinned for reference: A walks.")
    lines = chart.locator("g.mark-line path")
    assert lines.count() >= 4  # both sides of the new run and of the pinned one
    assert chart.locator("text", has_text="A walks").count() >= 1
    page.get_by_role("button", name="Unpin A walks").click()
    page.get_by_test_id("pinned-run").wait_for(state="detached")
    context.close()


def test_the_session_export_holds_every_table(server, browser, tmp_path):
    import io
    import zipfile

    import pandas as pd

    from dashboards.export import ARCHIVE_TABLES

    context, page = open_page(browser, server)
    step_to(page, 3)
    page.get_by_role("button", name="Pin this run").click()
    page.get_by_test_id("pinned-run").wait_for()
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Week 0 of").wait_for()
    page.get_by_role("button", name="Adversary (A): walk away").click()
    step_to(page, 5)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the session (zip)").click()
    path = tmp_path / "session.zip"
    download.value.save_as(path)
    context.close()

    archive = zipfile.ZipFile(path)
    tables = [f"{where}/{name}.csv" for where in ("run", "pinned/1") for name in ARCHIVE_TABLES]
    assert set(tables) | {"scenario.yaml", "session.json"} == set(archive.namelist())
    for name in tables:
        frame = pd.read_csv(io.BytesIO(archive.read(name)))
        assert len(frame.columns) > 0 and (len(frame) > 0 or "changes" in name), name
    assert pd.read_csv(io.BytesIO(archive.read("run/timeseries.csv")))["step"].max() == 5
    assert pd.read_csv(io.BytesIO(archive.read("pinned/1/timeseries.csv")))["step"].max() == 3
    changes = pd.read_csv(io.BytesIO(archive.read("run/action_changes.csv")))
    assert next(changes.itertuples(index=False, name=None)) == (
        1,
        "adversary",
        "engage",
        "walk_away",
        "intervention",
    )


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_chart_saves_as_svg_and_png_named_after_its_view(server, browser, tmp_path, kind):
    context, page = open_page(browser, server)
    step_to(page, 2)
    card = page.locator(".view-legitimacy")
    card.locator("details summary").first.click()
    with page.expect_download() as download:
        card.get_by_role("link", name=f"Save the chart as {kind.upper()}").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    context.close()
    assert saved.name == f"legitimacy.{kind}"
    head = saved.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if kind == "png" else b"<svg" in head
