"""The live page's look in headless Chromium: presentation mode, contrast, legends, offline.

One server and one browser serve every test; each test opens its own browser context (its
own session) at the window size it checks.
"""

from __future__ import annotations

import pytest

from dashboards.browser import CHROMIUM, serve_dashboard
from dashboards.look import START_TEXT
from experiments.palette import AA_TEXT, contrast_ratio

VIEWS = 9  # charts on the live page, each dated by data-week once drawn

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


@pytest.fixture(scope="module")
def server():
    with serve_dashboard() as url:
        yield url


def open_page(browser, url, width, height, failed=None):
    """A new context at `width` x `height` on the dashboard; failed requests go to `failed`."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    if failed is not None:
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_test_id("step-counter").wait_for(timeout=60_000)
    wait_for_week(page, 0)
    return context, page


def wait_for_week(page, week: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.dashboard-vega[data-week=\"{week}\"]').length == {VIEWS}"
    )


HIT = """e => { const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return hit !== null && e.contains(hit); }"""


def click_in_place(page, locator) -> None:
    """Click `locator` where it stands, as a lecturer's mouse would, once nothing covers it.

    Playwright's own click scrolls the page to reach an element that something briefly covers;
    these tests check what the page itself scrolls, so the click here never scrolls.
    """
    handle = locator.element_handle()
    page.wait_for_function(f"e => ({HIT})(e)", arg=handle)
    box = handle.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(0, 0)


def step(page, week: int) -> None:
    click_in_place(page, page.get_by_role("button", name="Step"))
    wait_for_week(page, week)


def present(page) -> None:
    page.get_by_role("button", name="Presentation mode").click()
    page.locator(".live-page.presenting").wait_for()
    page.get_by_role("button", name="Show all controls").wait_for()
    wait_for_week(page, page.evaluate("+document.querySelector('.dashboard-vega').dataset.week"))
    page.mouse.move(0, 0)


def in_view(page, selector: str) -> bool:
    """Whether the element `selector` lies wholly inside the window, without scrolling."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def scrolled(page) -> float:
    """How far the window and every scrolling part of the page have been scrolled, in pixels."""
    return page.evaluate(
        "() => window.scrollY + [...document.querySelectorAll('*')]"
        ".reduce((total, e) => total + e.scrollTop, 0)"
    )


def within(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
    )


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 720)])
def test_presentation_mode_shows_the_strip_and_legitimacy_without_scrolling(
    server, browser, width, height
):
    context, page = open_page(browser, server, width, height)
    assert not in_view(page, ".view-legitimacy")  # the normal page: below the fold
    present(page)
    assert scrolled(page) == 0
    for week in (0, 1):
        if week:
            step(page, week)
        assert scrolled(page) == 0, week
        for view in (".view-events", ".view-legitimacy"):
            assert in_view(page, view), (view, week, page.locator(view).bounding_box())
    large = page.locator(".view-legitimacy .v-card__title").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    page.get_by_role("button", name="Presentation mode").click()
    page.locator(".live-page:not(.presenting)").wait_for()
    normal = page.locator(".view-legitimacy .v-card__title").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert large > normal
    context.close()


def test_first_screen_says_what_to_do_and_goes_once_the_run_starts(server, browser):
    context, page = open_page(browser, server, 1280, 900)
    hint = page.get_by_test_id("start-hint")
    assert hint.text_content().strip() == START_TEXT
    legitimacy = page.locator(".view-legitimacy svg.marks")
    assert "Press Step or Play to start the run" in legitimacy.text_content()
    step(page, 1)
    hint.wait_for(state="detached")
    assert "Press Step or Play" not in legitimacy.text_content()
    context.close()


@pytest.mark.parametrize("presenting", [False, True])
def test_event_strip_legend_is_never_cut_at_1024_pixels(server, browser, presenting):
    context, page = open_page(browser, server, 1024, 768)
    if presenting:
        present(page)
    drawing = page.locator(".view-events svg.marks").bounding_box()
    legend = page.locator(".view-events svg.marks .role-legend").first.bounding_box()
    assert within(legend, drawing), (legend, drawing)
    for label in page.locator(".view-events svg.marks .role-legend-label text").all():
        assert within(label.bounding_box(), drawing), label.text_content()
    context.close()


def test_pressed_intervention_and_side_status_read_at_wcag_aa(server, browser):
    context, page = open_page(browser, server, 1280, 900)
    button = page.get_by_role("button", name="Adversary (A): walk away")
    button.click()
    page.get_by_text("Adversary (A) · forced: walk away").wait_for()

    def colours(locator) -> list[str]:
        return locator.evaluate(
            "e => { const s = getComputedStyle(e);"
            " const hex = c => '#' + c.match(/\\d+/g).slice(0, 3)"
            ".map(n => (+n).toString(16).padStart(2, '0')).join('');"
            " return [hex(s.color), hex(s.backgroundColor)]; }"
        )

    text, fill = colours(page.get_by_role("button", name="Adversary (A): walk away"))
    assert contrast_ratio(text, fill) >= AA_TEXT, (text, fill)
    for role in ("negotiator", "adversary"):
        text, _ = colours(page.get_by_test_id(f"status-{role}"))
        assert contrast_ratio(text, "#FFFFFF") >= AA_TEXT, (role, text)
    context.close()


def test_no_request_fails_offline_on_either_tab(server, browser):
    failed: list[str] = []
    context, page = open_page(browser, server, 1280, 900, failed)
    step(page, 1)
    page.get_by_role("tab", name="Compare").click()
    page.get_by_text("Results folder").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert failed == []
    context.close()


def test_headlines_and_the_presentation_switch_carry_help(server, browser):
    context, page = open_page(browser, server, 1280, 900)
    headlines = page.locator("[data-headline]")
    assert headlines.count() == 6
    for index in range(headlines.count()):
        assert headlines.nth(index).get_attribute("aria-description")
    page.get_by_role("button", name="Presentation mode").hover()
    page.get_by_text("Larger type, controls folded away").wait_for()
    assert page.locator(".view-card .chart-help").count() == VIEWS
    context.close()


CONTROLS = (
    ".live-controls button:not(.v-expansion-panel-header), .live-controls input, "
    ".live-controls [role=slider], .live-controls [role=switch]"
)
"""Every control of the control column (a group's header only opens its group)."""

WITHOUT_HELP = f"""() => [...document.querySelectorAll('{CONTROLS}')]
    .filter(e => !e.closest('[data-help]'))
    .map(e => (e.getAttribute('aria-label') || e.textContent || e.outerHTML).trim())"""


def test_every_control_has_a_help_tooltip(server, browser):
    context, page = open_page(browser, server, 1280, 900)
    headers = page.locator(".live-controls .v-expansion-panel-header")
    for index in range(headers.count()):
        headers.nth(index).click()
    page.locator(".live-controls .v-expansion-panel--active").nth(headers.count() - 1).wait_for()
    assert page.locator(CONTROLS).count() > 40
    assert page.evaluate(WITHOUT_HELP) == []
    for name in ("step", "intervene.adversary.walk_away", "seed", "mechanism"):
        wrapper = page.locator(f"[data-help='{name}']").first
        text = wrapper.get_attribute("aria-description")
        assert text
        wrapper.hover()
        page.locator(".v-tooltip__content.menuable__content__active", has_text=text).wait_for()
        page.mouse.move(0, 0)
    context.close()
