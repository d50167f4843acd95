"""Serving the dashboard locally and driving it in headless Chromium.

Used by the browser tests, the screenshot script and the dashboard benchmark: Debian's Chromium
with the flags that keep it off the network, a free loopback port, and `serve_dashboard`, which
starts ``run.py dashboard`` in its own process group, waits until it answers, and stops only
that group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (CI installs it); never a browser downloaded by a test tool."""
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Launch flags: headless, and no background connections to a network that is not there."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    """Wait until `url` answers 200; RuntimeError if `process` exits or time runs out."""
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


@contextmanager
def serve_dashboard(config: str = "configs/baseline.yaml") -> Iterator[str]:
    """Run ``run.py dashboard CONFIG`` on a free port; yield its URL; stop its process group."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", config, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
