"""Time one step and redraw of the live dashboard with 1,000 observers.

Usage: python benchmarks/bench_dashboard.py [--steps N] [--no-browser]

Two measurements on configs/baseline.yaml (1,000 observers):

* in process: a click on Step in the page rendered with `solara.render` (the model's step,
  the session's snapshot, every chart's spec and the page's re-render), and the parts alone;
* in the browser: `python run.py dashboard` serves the page to headless Chromium; a script
  in the page clicks Step and waits, with a MutationObserver, until the week counter shows the
  new week and until all nine charts are drawn for it (each chart sets `data-week` once its
  SVG is updated). The time runs from the click to those moments (`performance.now()`).

The first 5 steps are warm-up; figures are over the next N steps (default 195, to the end of
the 200-week run, where the series are longest).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from dashboards.browser import CHROMIUM, CHROMIUM_ARGS, serve_dashboard

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 5

MEASURE = """async (week) => {
  const counter = document.querySelector('[data-testid=step-counter]');
  const button = [...document.querySelectorAll('button')]
    .find(b => b.textContent.trim().toLowerCase().endsWith('step'));
  const charts = [...document.querySelectorAll('.dashboard-vega')];
  const start = performance.now();
  let counted = null;
  await new Promise(resolve => {
    const check = () => {
      if (counted === null && counter.textContent.startsWith(`Week ${week} `)) {
        counted = performance.now() - start;
      }
      if (counted !== null && charts.every(c => c.dataset.week === String(week))) {
        observer.disconnect();
        resolve();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(counter, {subtree: true, childList: true, characterData: true});
    charts.forEach(c => observer.observe(c, {attributes: true, attributeFilter: ['data-week']}));
    button.click();
  });
  return [counted, performance.now() - start];
}"""


def summary(values: list[float]) -> str:
    """Median, 90th percentile and maximum in ms."""
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(values):.1f} ms, p90 {p90:.1f} ms, max {max(values):.1f} ms"


def in_process(steps: int) -> None:
    """Time a Step click in the in-process page, and its parts."""
    import ipyvuetify as v
    import solara

    from dashboards import app, views
    from dashboards.session import DashboardSession

    session = DashboardSession.open(ROOT / "configs" / "baseline.yaml")
    _, rc = solara.render(app.LivePage(session), handle_error=False)
    step = next(w for w in rc.find(v.Btn).widgets if "Step" in w.children)
    clicks = []
    for i in range(WARM_UP + steps):
        start = time.perf_counter()
        # The server renders a session's redraws in one pass (one kernel context); without a
        # kernel every subscribed component would get its own pass, so batch them here.
        with rc:
            step.click()
        if i >= WARM_UP:
            clicks.append((time.perf_counter() - start) * 1000)
    print(f"  Step click, in process (step + snapshot + specs + render): {summary(clicks)}")

    session = DashboardSession.open(ROOT / "configs" / "baseline.yaml")
    parts: dict[str, list[float]] = {"model step": [], "snapshot": [], "all chart specs": []}
    builders = [
        *(
            (lambda s, chart=chart: chart.spec(s, False)) if chart.switch else chart.spec
            for chart in views.CHARTS
        ),
        views.EVENT_STRIP.spec,
    ]
    for _ in range(steps):
        start = time.perf_counter()
        session.step()
        parts["model step"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        snap = session.snapshot()
        parts["snapshot"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        for build in builders:
            build(snap)
        parts["all chart specs"].append((time.perf_counter() - start) * 1000)
    for name, values in parts.items():
        print(f"  {name}: {summary(values)}")


def in_browser(steps: int) -> None:
    """Time click-to-counter and click-to-all-charts in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with serve_dashboard() as url:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.wait_for_function(
                "document.querySelectorAll('.dashboard-vega[data-week=\"0\"]').length == 9",
                timeout=60_000,
            )
            counter, charts = [], []
            for week in range(1, WARM_UP + steps + 1):
                to_counter, to_charts = page.evaluate(MEASURE, week)
                if week > WARM_UP:
                    counter.append(to_counter)
                    charts.append(to_charts)
                page.wait_for_timeout(50)
            browser.close()
        print(f"  Step click to week counter, browser: {summary(counter)}")
        print(f"  Step click to all 9 charts redrawn, browser: {summary(charts)}")
        last = max(1, len(charts) // 5)
        print(f"    the last {last} steps (the longest series): {summary(charts[-last:])}")


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=195)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"dashboard, configs/baseline.yaml (1,000 observers), {args.steps} steps:")
    in_process(args.steps)
    if not args.no_browser and CHROMIUM.exists():
        in_browser(args.steps)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
