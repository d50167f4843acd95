"""The Compare tab in headless Chromium, on the results folder given by ``--results``.

One server on a temporary results folder holding a tiny swept batch (8 design points, 2
replicates, 12 weeks, 40 observers): the Compare tab opens the folder and draws its bands, every
control of its two views carries help, and the Discover view lists a box and opens its run on
the Live tab.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from batchkit import batch_in_process, swept_config

from dashboards.browser import CHROMIUM, CHROMIUM_ARGS, serve_dashboard
from experiments.store import open_results

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class-results")
    config = swept_config(
        {
            "dynamics.strength_orientation_mean": {"min": 0.25, "max": 0.75},
            "dynamics.event_rate": {"min": 0.25, "max": 0.75},
        }
    )
    batch_in_process(config, folder, workers=1)
    return folder


@pytest.fixture(scope="module")
def page(root):
    from playwright.sync_api import sync_playwright

    with (
        serve_dashboard("configs/baseline.yaml", "--results", str(root)) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        opened = context.new_page()
        opened.set_default_timeout(60_000)
        opened.goto(url)
        opened.get_by_test_id("step-counter").wait_for()
        opened.get_by_role("tab", name="Compare").click()
        yield opened
        browser.close()


def choose(page, label: str, option: str, tries: int = 3) -> None:
    """Pick `option` in the Vuetify select labelled `label`, opening its menu again if a click
    landed while the page was redrawing (the menu then never opens)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        page.get_by_label(label, exact=True).click(force=True)
        menu = page.locator(".v-menu__content.menuable__content__active")
        try:
            menu.get_by_role("option", name=option, exact=True).click(timeout=10_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        menu.wait_for(state="hidden")
        return
    raise AssertionError(f"the menu of {label!r} never offered {option!r}")


def test_the_compare_tab_opens_the_folder_given_by_results(page):
    field = page.locator(".v-select", has=page.get_by_text("Results folder", exact=True))
    field.get_by_text("swept", exact=True).wait_for()
    page.locator("svg[aria-label^='Ensemble mean of Legitimacy of N']").wait_for()
    assert "Week of the table" in page.content()


CONTROLS = (
    ".compare-page button, .compare-page input, .compare-page [role=slider], "
    ".compare-page [role=switch], .compare-page [role=checkbox]"
)
"""Every control of the Compare tab."""

TABLES = ".v-data-table, .v-data-footer, .vega-embed"
"""Where a table's own paging and a chart's own menu live (not the page's controls)."""

WITHOUT_HELP = f"""() => [...document.querySelectorAll('{CONTROLS}')]
    .filter(e => !e.closest('[data-help]') && !e.closest('{TABLES}'))
    .map(e => (e.getAttribute('aria-label') || e.textContent || e.outerHTML).trim())"""


def assert_every_control_has_help(page) -> None:
    """No control of the Compare tab lies outside a help wrapper."""
    assert page.locator(CONTROLS).count() > 3
    assert page.evaluate(WITHOUT_HELP) == []


def test_every_control_of_both_views_has_a_help_tooltip(page):
    page.get_by_text("Download differences.csv").wait_for()
    assert_every_control_has_help(page)
    wrapper = page.locator("[data-help='baseline']")
    text = wrapper.get_attribute("aria-description")
    assert text
    wrapper.hover()
    page.locator(".v-tooltip__content.menuable__content__active", has_text=text).wait_for()
    page.mouse.move(0, 0)
    page.get_by_role("button", name="Discover", exact=True).click()
    choose(page, "Claim", "a metric past a threshold")
    page.get_by_label("Threshold").wait_for()
    assert_every_control_has_help(page)


def test_the_discover_view_lists_a_box_and_opens_its_run_on_the_live_tab(page, root):
    frame = open_results(root / "swept").timeseries(["legitimacy_negotiator"], [("step", "==", 12)])
    walks = frame[frame["scenario"] == "adversary_walks"]
    threshold = walks.groupby("design_point")["legitimacy_negotiator"].mean().median()
    page.get_by_role("button", name="Discover", exact=True).click()
    choose(page, "Claim", "a metric past a threshold")
    choose(page, "Metric", "Legitimacy of N")
    choose(page, "Scenario", "adversary_walks")
    page.get_by_role("button", name="above", exact=True).click()
    page.get_by_label("Threshold").fill(f"{threshold:.6f}")
    page.get_by_role("button", name="Find the boxes").click()
    page.get_by_text("Box 1: coverage").first.wait_for()
    assert_every_control_has_help(page)
    page.get_by_test_id("open-box-1").click()
    page.get_by_text("Week 0 of 12").wait_for()  # the Live tab, on the box's run
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Week 1 of 12").wait_for()
