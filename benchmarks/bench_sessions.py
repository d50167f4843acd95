"""Memory of live-dashboard sessions: the server's resident memory as browser sessions come and go.

Usage: python benchmarks/bench_sessions.py [--sessions N]

`python run.py dashboard configs/baseline.yaml` (1,000 observers) serves headless Chromium.
After one warm-up session, N sessions are opened (each in its own browser context, drawn and
stepped 10 weeks), then closed as a tab closes (the page's unload sends Solara's close beacon),
then N more are opened and stepped. The server's resident set size (RSS) is read after each
phase, with the live kernel count from Solara's /resourcez. If closed sessions were kept, the
second N would add as much memory as the first; if they are freed, the second N reuse it.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from dashboards.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    live_kernels,
    server_process,
    start_dashboard,
)

STEPS = 10


def wait_for_kernels(port: int, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while live_kernels(port) != count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"expected {count} live kernels, found {live_kernels(port)}")
        time.sleep(0.5)


def open_sessions(browser, url: str, count: int) -> list:
    pages = []
    for _ in range(count):
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_test_id("step-counter").wait_for()
        for week in range(1, STEPS + 1):
            page.get_by_role("button", name="Step").click()
            page.get_by_text(f"Week {week} of 200").wait_for()
        pages.append(page)
    return pages


def close_sessions(pages: list) -> None:
    for page in pages:
        context = page.context
        page.close(run_before_unload=True)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"{platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}")
    n = args.sessions
    limit = str(2 * n + 2)
    with start_dashboard("configs/baseline.yaml", "--max-sessions", limit) as served:
        server = server_process(served.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )

            def report(label: str, live: int) -> float:
                wait_for_kernels(served.port, live)
                time.sleep(2)
                rss = server.memory_info().rss / 2**20
                print(f"{label:<40} kernels {live:>3}  RSS {rss:8.1f} MiB")
                return rss

            close_sessions(open_sessions(browser, served.url, 1))
            start = report("after one warm-up session, closed", 0)
            first = open_sessions(browser, served.url, n)
            opened = report(f"{n} sessions open", n)
            close_sessions(first)
            closed = report(f"the {n} closed", 0)
            second = open_sessions(browser, served.url, n)
            again = report(f"{n} other sessions open", n)
            close_sessions(second)
            browser.close()
    print(f"per session: {(opened - start) / n:.1f} MiB")
    print(f"closing {n} returned {opened - closed:.1f} MiB to the allocator or the system")
    print(f"{n} more sessions after the first {n} closed added {again - opened:+.1f} MiB")


if __name__ == "__main__":
    main()
