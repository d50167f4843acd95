"""A class of 40 on one server: the time from the last choice of a week to every page's redraw.

Usage: python benchmarks/bench_classroom.py [--participants 40] [--weeks 5] [--config PATH]

`python run.py classroom CONFIG` serves the pages; a lecturer and N participants connect as
websocket clients speaking the page's own protocol (`benchmarks/widgetclient.py`: each opens
its own kernel and renders the full page on the server, exactly as a browser's page does, but
draws nothing). The lecturer creates a room and starts it; participants join with the code
(roles auto-balanced over the two sides and the outlets) and, each week, all but one choose
(a side's action in its select; an outlet's slant on its slider, then "Send slant"); after a
second of quiet the last one chooses. From that message, the time until each client receives
the new week's counter, and until its last update of the redraw (its messages then stop for a
second, watched on all clients at once), over every client and week.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from classroomkit import start_classroom  # noqa: E402
from widgetclient import WidgetClient  # noqa: E402

from classroom.pages import CHOICE_LABEL, SLANT_LABEL  # noqa: E402

ACTIONS = ("engage", "concede", "walk_away", "sanction", "add_conditions")


def join(port: int, code: str, name: str) -> tuple[WidgetClient, str]:
    """A participant's page joined as `name`; its role's text."""
    page = WidgetClient(port, "/")
    page.set(page.find(label="Join code"), v_model=code)
    page.set(page.find(label="Your name"), v_model=name)
    time.sleep(0.2)
    page.click(page.find(children=["Join"]))
    page.wait_for_text("You play")
    role = next(
        w["unsafe_innerHTML"]
        for w in list(page.widgets.values())
        if str(w.get("unsafe_innerHTML", "")).startswith("You play")
    )
    return page, role


def choose(page: WidgetClient, widgets: tuple[str, str | None], role: str, week: int, i: int):
    """The participant's choice this week, sent as the page sends it."""
    control, send = widgets
    if send is not None:
        page.set(control, v_model=round(0.1 * ((week + i) % 5) - 0.2, 2))
        time.sleep(0.05)
        page.click(send)
        return
    side = "negotiator" if "Negotiator" in role else "adversary"
    page.set(control, v_model=f"{side}/{ACTIONS[(week + i) % len(ACTIONS)]}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=5)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "baseline.yaml")
    args = parser.parse_args()
    counter: list[float] = []
    cpu: list[float] = []
    choosing: list[float] = []
    settled: list[float] = []
    with tempfile.TemporaryDirectory(), start_classroom(args.config) as served:
        key = served.lecturer.split("key=")[1]
        lecturer = WidgetClient(served.port, f"/lecturer?key={key}")
        lecturer.click(lecturer.find(children=["Create room"]))
        lecturer.wait_for_text("Join code")
        found = next(r.text for r in lecturer.received if "Join code" in r.text)
        code = re.search(r"Join code: <b>(\w+)</b>", found).group(1)
        began = time.perf_counter()
        pages = [join(served.port, code, f"p{i:02d}") for i in range(args.participants)]
        print(f"{len(pages)} joined in {time.perf_counter() - began:.1f} s", flush=True)
        lecturer.click(lecturer.find(children=["Start"]))
        for page, _ in pages:
            page.wait_for_text("Waiting for")
        last = next(i for i, (_, role) in enumerate(pages) if "Media" not in role)
        widgets = {
            id(page): (page.find(label=SLANT_LABEL if "Media" in role else CHOICE_LABEL), None)
            for page, role in pages
        }
        for page, role in pages:
            if "Media" in role:
                widgets[id(page)] = (widgets[id(page)][0], page.find(children=["Send slant"]))
            page.tracking = False
        lecturer.tracking = False
        run = psutil.Process(served.pid)
        server = next(p for p in run.children(recursive=True) if "dashboards.server" in p.cmdline())
        everyone = [lecturer, *(page for page, _ in pages)]
        for week in range(1, args.weeks + 1):
            before = server.cpu_times()
            for i, (page, role) in enumerate(pages):
                if i != last:
                    choose(page, widgets[id(page)], role, week, i)
            time.sleep(1.0)
            after = server.cpu_times()
            choosing.append(after.user + after.system - before.user - before.system)
            marks = [len(c.received) for c in everyone]
            before = server.cpu_times()
            sent = time.perf_counter()
            page, role = pages[last]
            choose(page, widgets[id(page)], role, week, last)
            text = f"Week {week} of"
            week_counter = [
                c.wait_for_text(text, m) - sent for c, m in zip(everyone, marks, strict=False)
            ]
            with ThreadPoolExecutor(len(everyone)) as pool:  # every page's quiet at once
                quiet = pool.map(lambda c, m: c.quiet_after(m), everyone, marks)
                week_settled = [at - sent for at in quiet]
            after = server.cpu_times()
            cpu.append(after.user + after.system - before.user - before.system)
            counter += week_counter
            settled += week_settled
            print(
                f"week {week}: counter on all {len(everyone)} pages by "
                f"{max(week_counter) * 1000:.0f} ms, every redraw done by "
                f"{max(week_settled) * 1000:.0f} ms, server CPU {cpu[-1] * 1000:.0f} ms",
                flush=True,
            )
        for client in everyone:
            client.close()
    print(f"server CPU per week, median: {statistics.median(cpu) * 1000:.0f} ms")
    print(
        "server CPU for the other choices of a week and a second after, median: "
        f"{statistics.median(choosing) * 1000:.0f} ms"
    )
    print(f"load average: {os.getloadavg()}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(
        f"| measure ({args.participants} participants + lecturer, {args.weeks} weeks) "
        "| median | p90 | max |"
    )
    print("|---|---|---|---|")
    for label, values in (
        ("last choice to the new week on a page", counter),
        ("last choice to a page's last redraw message", settled),
    ):
        print(
            f"| {label} | {statistics.median(values) * 1000:.0f} ms | "
            f"{percentile(values, 0.9) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
