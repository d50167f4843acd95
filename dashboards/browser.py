"""Serving the dashboard locally and driving it in headless Chromium.

Used by the browser tests, the screenshot script and the dashboard benchmark: Debian's Chromium
with the flags that keep it off the network, a free loopback port, and `start_dashboard`
(`serve_dashboard` yields just its URL), which starts ``run.py dashboard`` in its own process
group, reads the link it prints (with its access token, if it has one), waits until it answers,
and stops only that group.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class Served:
    """A dashboard started by `start_dashboard`.

    Its loopback URL (with the token), its port and token, the id of the `run.py dashboard`
    process (which leads its process group), and the lines it printed so far.
    """

    url: str
    port: int
    token: str | None
    pid: int
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def _collect(stream, lines: list[str], seen: threading.Event | None = None) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
        if seen is not None and line.startswith("dashboard on "):
            seen.set()
    if seen is not None:
        seen.set()


def server_process(pid: int):
    """The `dashboards.server` process (a `psutil.Process`) under ``run.py dashboard`` `pid`."""
    import psutil

    for child in psutil.Process(pid).children(recursive=True):
        if "dashboards.server" in " ".join(child.cmdline()):
            return child
    raise RuntimeError("no dashboards.server process found")


def live_kernels(port: int) -> int:
    """How many browser sessions (Solara kernels) the dashboard on `port` holds now."""
    import json

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=10) as response:
        return json.load(response)["kernels"]["total"]


def settled_rss(server, port: int, kernels: int = 0, timeout: float = 60.0) -> float:
    """The server's resident memory in MiB once it holds `kernels` sessions and has settled.

    Waits until Solara counts `kernels` live kernels, then until three readings 1.5 s apart
    differ by less than 1 MiB (a closed session's memory is reclaimed in the background).
    """
    deadline = time.monotonic() + timeout
    while live_kernels(port) != kernels:
        if time.monotonic() > deadline:
            raise RuntimeError(f"expected {kernels} live kernels, found {live_kernels(port)}")
        time.sleep(0.3)
    readings = [server.memory_info().rss / 2**20]
    while time.monotonic() < deadline:
        time.sleep(1.5)
        readings.append(server.memory_info().rss / 2**20)
        if len(readings) >= 3 and max(readings[-3:]) - min(readings[-3:]) < 1.0:
            break
    return readings[-1]


@contextmanager
def serve_dashboard(config: str = "configs/baseline.yaml", *options: str) -> Iterator[str]:
    """Run ``run.py dashboard CONFIG OPTIONS`` on a free port; yield its URL; stop its group."""
    with start_dashboard(config, *options) as served:
        yield served.url


@contextmanager
def start_dashboard(config: str = "configs/baseline.yaml", *options: str) -> Iterator[Served]:
    """Run ``run.py dashboard CONFIG OPTIONS`` on a free port; stop its process group after.

    Yields the `Served` dashboard, whose URL names 127.0.0.1 and carries the token the command
    printed, if any.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", config, "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    served = Served(f"http://127.0.0.1:{port}/", port, None, process.pid)
    announced = threading.Event()
    for stream, lines, seen in (
        (process.stdout, served.stdout, announced),
        (process.stderr, served.stderr, None),
    ):
        threading.Thread(target=_collect, args=(stream, lines, seen), daemon=True).start()
    try:
        announced.wait(timeout=60)
        found = re.search(r"[?&]token=([A-Za-z0-9._~-]+)", "\n".join(served.stdout))
        if found:
            served.token = found.group(1)
            served.url += f"?token={served.token}"
        wait_until_up(served.url, process)
        yield served
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a server started in its own process group: Ctrl-C, then a kill after 15 s."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
