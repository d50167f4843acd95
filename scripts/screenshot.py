"""Take the README's screenshot of the live dashboard (docs/dashboard.png).

Starts `python run.py dashboard configs/baseline.yaml` on a free port, opens it in headless
Chromium (Debian's, at /usr/bin/chromium) at 1280x720 in presentation mode, steps 50 weeks with
both sides engaging, makes the adversary walk away, steps to week 100, and saves what a
projector shows.

Usage: .venv/bin/python scripts/screenshot.py [--out docs/dashboard.png] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboards.browser import CHROMIUM, CHROMIUM_ARGS, serve_dashboard

ROOT = Path(__file__).resolve().parents[1]
CHARTS = 9


def capture(url: str, out: Path, chromium: str) -> None:
    """Drive the page to week 100 with a walkout at week 50 and save a screenshot."""
    from playwright.sync_api import sync_playwright

    def step(page, week: int) -> None:
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            f"document.querySelectorAll('.dashboard-vega[data-week=\"{week}\"]').length == {CHARTS}"
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_test_id("step-counter").wait_for()
        page.get_by_role("button", name="Presentation mode").click()
        page.get_by_role("button", name="Show all controls").click()
        for week in range(1, 51):
            step(page, week)
        page.get_by_role("button", name="Adversary (A): walk away").click()
        for week in range(51, 101):
            step(page, week)
        page.get_by_role("button", name="Fold the controls").click()
        page.mouse.move(640, 0)
        page.locator(".v-tooltip__content.menuable__content__active").wait_for(state="detached")
        page.wait_for_timeout(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    """Start the dashboard, take the screenshot, stop the dashboard."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--chromium", default=str(CHROMIUM))
    args = parser.parse_args(argv)
    with serve_dashboard() as url:
        capture(url, args.out, args.chromium)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
