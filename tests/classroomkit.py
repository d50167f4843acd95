"""Helpers for the classroom's browser tests and benchmark: start `run.py classroom`, drive it."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dashboards.browser import free_port, stop_group, wait_until_up

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    """A room's clock that a test moves by hand (`now`, in seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def class_config(folder: Path, observers: int = 150) -> Path:
    """A small config for a class: one scenario, adaptive adversary, 30 steps."""
    data = {
        "name": "lesson",
        "steps": 30,
        "seed": 11,
        "model": {"observers": observers},
        "scenarios": {
            "mixed": {
                "negotiator": {"strategy": "tit_for_tat"},
                "adversary": {"strategy": "adaptive", "rationality": 3.0},
            }
        },
    }
    path = folder / "lesson.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@dataclass
class Classroom:
    """A running `run.py classroom`: its links, port and printed lines."""

    lecturer: str
    participants: str
    port: int
    pid: int
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def _collect(stream, lines: list[str], seen: threading.Event | None) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))
        if seen is not None and line.startswith("press Ctrl-C"):
            seen.set()
    if seen is not None:
        seen.set()


@contextmanager
def start_classroom(config: Path, *options: str) -> Iterator[Classroom]:
    """Run ``run.py classroom CONFIG`` on a free port; stop only its process group after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "run.py", "classroom", str(config), "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    seen = threading.Event()
    for stream, lines, flag in ((process.stdout, out, seen), (process.stderr, err, None)):
        threading.Thread(target=_collect, args=(stream, lines, flag), daemon=True).start()
    try:
        seen.wait(timeout=60)
        text = "\n".join(out)
        lecturer = re.search(r"lecturer \(keep private\): (\S+)", text).group(1)
        participants = re.search(r"participants: (\S+)", text).group(1)
        local = lambda url: re.sub(r"^http://[^/]+", f"http://127.0.0.1:{port}", url)  # noqa: E731
        served = Classroom(local(lecturer), local(participants), port, process.pid, out, err)
        wait_until_up(served.participants, process)
        yield served
    finally:
        stop_group(process)
