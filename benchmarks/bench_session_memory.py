"""Memory of closed sessions: the server's resident memory as large sessions open and close.

Usage: python benchmarks/bench_session_memory.py [--observers N] [--sessions N]

``run.py dashboard`` serves a one-scenario config of N observers (default 100,000) over 200
weeks to headless Chromium. One session at a time is opened, stepped three weeks and closed as
a tab closes; the server's resident set size (RSS) is read once it holds no session and has
settled (three readings 1.5 s apart within 1 MiB), after the idle start and after each close,
and once with one session open. If closed sessions were kept, each would add its memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

from dashboards.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    server_process,
    settled_rss,
    start_dashboard,
)

WEEKS = 3


def open_session(browser, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(180_000)
    page.goto(url)
    page.get_by_test_id("step-counter").wait_for()
    for week in range(1, WEEKS + 1):
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"Week {week} of 200").wait_for()
    return page


def close_session(page) -> None:
    context = page.context
    page.close(run_before_unload=True)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observers", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"{platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}")
    config = Path(tempfile.mkdtemp()) / "large.yaml"
    config.write_text(
        f"name: large\nsteps: 200\nseed: 5\nmodel: {{observers: {args.observers}}}\n"
        "scenarios:\n  both_engage: {}\n"
    )
    with start_dashboard(str(config), "--max-sessions", "4") as served:
        server = server_process(served.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )
            idle = settled_rss(server, served.port, kernels=0, timeout=90.0)
            print(f"idle, no session yet            RSS {idle:7.1f} MiB", flush=True)
            page = open_session(browser, served.url)
            one = settled_rss(server, served.port, kernels=1, timeout=90.0)
            print(f"first session open              RSS {one:7.1f} MiB", flush=True)
            close_session(page)
            after = [settled_rss(server, served.port, kernels=0, timeout=90.0)]
            print(f"after 1 session closed          RSS {after[0]:7.1f} MiB", flush=True)
            for n in range(2, args.sessions + 1):
                close_session(open_session(browser, served.url))
                after.append(settled_rss(server, served.port, kernels=0, timeout=90.0))
                print(f"after {n:>2} sessions closed        RSS {after[-1]:7.1f} MiB", flush=True)
            browser.close()
    print(f"one open session holds {one - idle:.1f} MiB; load {os.getloadavg()[0]:.1f}")
    print(
        f"after {args.sessions} sessions closed: {after[-1] - idle:+.1f} MiB from idle, "
        f"{after[-1] - after[0]:+.1f} MiB from the first closed"
    )


if __name__ == "__main__":
    main()
