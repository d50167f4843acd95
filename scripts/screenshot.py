"""Take the README's screenshot of the live dashboard (docs/dashboard.png).

Starts `python run.py dashboard configs/baseline.yaml` on a free port, opens it in headless
Chromium (Debian's, at /usr/bin/chromium), steps 50 weeks with both sides engaging, makes the
adversary walk away, steps to week 100, shows the true red line, and saves the page.

Usage: .venv/bin/python scripts/screenshot.py [--out docs/dashboard.png] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = 9


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    """Wait until the dashboard answers at `url`; raise if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the dashboard did not answer within {timeout:.0f} s")


def capture(url: str, out: Path, chromium: str) -> None:
    """Drive the page to week 100 with a walkout at week 50 and save a screenshot."""
    from playwright.sync_api import sync_playwright

    def step(page, week: int) -> None:
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            f"document.querySelectorAll('.dashboard-vega[data-week=\"{week}\"]').length == {CHARTS}"
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1480}, device_scale_factor=1)
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_test_id("step-counter").wait_for()
        for week in range(1, 51):
            step(page, week)
        page.get_by_role("button", name="Adversary (A): walk away").click()
        for week in range(51, 101):
            step(page, week)
        page.get_by_text("Show the adversary's true red line").click()
        page.wait_for_timeout(500)
        page.mouse.move(0, 0)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    """Start the dashboard, take the screenshot, stop the dashboard."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", "configs/baseline.yaml", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, process)
        capture(url, args.out, args.chromium)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
