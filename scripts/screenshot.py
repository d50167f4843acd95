"""Take the README's screenshot of the live dashboard (docs/dashboard.png).

Starts `python run.py dashboard configs/baseline.yaml` on a free port, opens it in headless
Chromium (Debian's, at /usr/bin/chromium) at 1280x720 in presentation mode, runs 100 weeks with
both sides engaging and pins that run, then runs again from Reset with the adversary made to
walk away at week 50, and saves what a projector shows at week 100.

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
    """Pin a run where both engage, run again with a walkout at week 50, save week 100."""
    from playwright.sync_api import sync_playwright

    def run_to(page, week: int) -> None:
        page.get_by_label("Run to week").fill(str(week))
        page.get_by_role("button", name="Run to the week typed").click()
        page.get_by_text(f"Week {week} of").first.wait_for()
        page.wait_for_function(
            f"document.querySelectorAll('.dashboard-vega[data-week=\"{week}\"]').length == {CHARTS}"
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_test_id("step-counter").wait_for()
        page.get_by_role("button", name="Presentation mode").click()
        page.get_by_role("button", name="Show all controls").click()
        run_to(page, 100)
        page.get_by_label("Label (optional)").fill("both engage")
        page.wait_for_timeout(300)  # the label reaches the server as it is typed
        page.get_by_role("button", name="Pin this run").click()
        page.get_by_test_id("pinned-run").filter(has_text="both engage").wait_for()
        page.get_by_role("button", name="Reset").click()
        page.get_by_text("Week 0 of").first.wait_for()
        run_to(page, 50)
        page.get_by_role("button", name="Adversary (A): walk away").click()
        run_to(page, 100)
        page.get_by_role("button", name="Fold the controls").click()
        page.evaluate(
            "window.scrollTo(0, 0); document.querySelector('.live-controls').scrollTop = 0"
        )
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
