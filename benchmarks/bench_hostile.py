"""Time `run.py validate` on configs made to exhaust the machine, and on the largest legal ones.

Usage: python benchmarks/bench_hostile.py [--repeats 5] [--cases NAME,...]
                                          [--max-load 0.5] [--max-wait 600]

The script writes each config into a temporary folder, then runs the whole command
``python run.py validate FILE`` in a fresh process `--repeats` times (after one warm-up) and
prints, per case, the median and slowest wall time, the median CPU time (user + system, which
moves less than the wall time when the machine is shared), the peak memory of the process
(`ru_maxrss`), the exit status, the 1-minute load average before and after, and the first line
the command printed. Interpreter start-up and imports are included: `configs/baseline.yaml`
shows what they cost alone. Before each case the script waits until the load average is at
most `--max-load` (for at most `--max-wait` seconds), since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "name: t\nscenarios:\n  s1: {}\n"


def alias_bomb(levels: int) -> str:
    """A scripted timeline whose entries are lists of nine aliases of the entry before.

    Entry k stands for 9^k actions once its aliases are expanded (YAML "billion laughs").
    """
    entries = ["0: &x0 [engage, engage, engage, engage, engage, engage, engage, engage, engage]"]
    for level in range(1, levels + 1):
        entries.append(f"{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 9) + "]")
    timeline = "".join(f"        {entry}\n" for entry in entries)
    return (
        "name: bomb\nscenarios:\n  s1:\n    adversary:\n      strategy: scripted\n"
        "      timeline:\n" + timeline
    )


def merge_bomb(levels: int) -> str:
    """Mappings of nine aliases to the mapping below, merged into one with `<<`."""
    lines = ["name: bomb", "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for level in range(1, levels + 1):
        keys = ", ".join(f"k{i}: *m{level - 1}" for i in range(9))
        lines.append(f"m{level}: &m{level} {{{keys}}}")
    lines.append(f"description: {{<<: *m{levels}}}\nscenarios: {{s1: {{}}}}")
    return "\n".join(lines) + "\n"


def huge_file(path: Path) -> None:
    """50 MB of scenarios (about 555,000), each setting a strategy and a deterrence."""
    with path.open("w", encoding="utf-8") as stream:
        stream.write("name: huge\nscenarios:\n")
        i = 0
        while stream.tell() < 50_000_000:
            stream.write(
                f"  s{i}: {{negotiator: {{deterrence: 0.5}}, adversary: {{strategy: "
                f"walk_away_at, at: {i % 200}}}}}\n"
            )
            i += 1


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


SOBOL = (
    "name: t\nreplications: 10000000\nscenarios: {s1: {}}\nsweep:\n  method: sobol\n"
    "  samples: 1000000\n  parameters:\n    negotiator.deterrence: {min: 0.1, max: 0.9}\n"
)
LAX = (
    'name: t\nsteps: "10"\nreplications: 2.0\ndescription: !!binary aGVsbG8=\n'
    "scenarios:\n  s1: {adversary: {strategy: walk_away_at, at: '5'}}\n"
)
CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "baseline": ("configs/baseline.yaml as shipped (start-up and imports)", lambda p: None),
    "alias_bomb_9": (
        "alias bomb: a scripted timeline of 9 levels of 9 aliases",
        _text(alias_bomb(9)),
    ),
    "alias_bomb_12": ("alias bomb, 12 levels", _text(alias_bomb(12))),
    "merge_bomb_9": ("alias bomb through merge keys (<<), 9 levels", _text(merge_bomb(9))),
    "recursive_alias": ("an alias inside the list it names", _text(BASE + "x: &a [1, *a]\n")),
    "huge_file": ("50 MB file of 555,000 scenarios", huge_file),
    "many_values": (
        "990 KB file: one list of 495,000 numbers",
        _text(BASE + "description: [" + ",".join(["0"] * 495_000) + "]\n"),
    ),
    "long_text": (
        "990 KB file: one description of 990,000 characters (valid)",
        _text(BASE + "description: " + "x" * 990_000 + "\n"),
    ),
    "deep_flow": (
        "100,000 nested lists",
        _text(BASE + "description: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ),
    "deep_block": (
        "5,000 nested mappings",
        _text(BASE + "model: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n"),
    ),
    "scenarios_1001": (
        "1,001 scenarios (one past the limit)",
        _text("name: t\nscenarios:\n" + "".join(f"  s{i}: {{}}\n" for i in range(1001))),
    ),
    "scenarios_1000": (
        "1,000 scenarios, each resolved (valid)",
        _text(
            "name: t\nscenarios:\n"
            + "".join(f"  s{i}: {{negotiator: {{deterrence: 0.5}}}}\n" for i in range(1000))
        ),
    ),
    "model_x_scenarios": (
        "a 10,000-step timeline in model, shared by 50 scenarios",
        _text(
            "name: t\nmodel:\n  adversary: {strategy: scripted, timeline: {"
            + ", ".join(f"{step}: engage" for step in range(10_000))
            + "}}\nscenarios:\n"
            + "".join(f"  s{i}: {{}}\n" for i in range(50))
        ),
    ),
    "grid_1000": (
        "a grid of 1,000 values (valid; 1,000 design points)",
        _text(
            BASE
            + "sweep: {parameters: {negotiator.deterrence: ["
            + ", ".join(f"{i / 1000:.3f}" for i in range(1000))
            + "]}}\n"
        ),
    ),
    "sobol_design": ("sobol, 10^6 samples x 10^7 replications", _text(SOBOL)),
    "replications": ("10^7 replications", _text(BASE + "replications: 10000000\n")),
    "observers": ("10^7 observers", _text(BASE + "model: {observers: 10000000}\n")),
    "snapshots": (
        "200,000 observers, a snapshot every step",
        _text(BASE + "model: {observers: 200000}\noutputs: {agents_every: 1}\n"),
    ),
    "lax_types": ('steps: "10", replications: 2.0, !!binary description, at: "5"', _text(LAX)),
}
"""Case name: (what it is, a function that writes it to a path)."""


def run_once(path: Path) -> tuple[float, float, float, int, str]:
    """One `run.py validate PATH`: wall and CPU seconds, peak MiB, exit status, first line."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "run.py", "validate", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    first = output.splitlines()[0] if output else ""
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, process.returncode, first


def wait_for_low_load(max_load: float, max_wait: float) -> float:
    """Wait until the 1-minute load average is at most `max_load` (or `max_wait` passed)."""
    waited = 0.0
    while os.getloadavg()[0] > max_load and waited < max_wait:
        time.sleep(5.0)
        waited += 5.0
    return os.getloadavg()[0]


def main() -> None:
    """Write every case, time it, and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--max-load", type=float, default=0.5, help="wait for this load first")
    parser.add_argument("--max-wait", type=float, default=600.0, help="longest wait, seconds")
    args = parser.parse_args()
    print(f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.cases.split(","):
            what, write = CASES[name]
            path = (
                ROOT / "configs" / "baseline.yaml"
                if name == "baseline"
                else Path(folder) / f"{name}.yaml"
            )
            write(path)
            before = wait_for_low_load(args.max_load, args.max_wait)
            run_once(path)  # warm-up
            runs = [run_once(path) for _ in range(args.repeats)]
            after = os.getloadavg()[0]
            seconds = [r[0] for r in runs]
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            status, first = runs[-1][3], runs[-1][4].replace(str(path), "FILE")
            print(
                f"{name:<18} median {statistics.median(seconds):.2f} s, slowest "
                f"{max(seconds):.2f} s, CPU {cpu:.2f} s, peak {peak:.0f} MiB, exit {status}, "
                f"load {before:.2f} -> {after:.2f}: {what}\n"
                f"    {first[:160]}",
                flush=True,
            )


if __name__ == "__main__":
    main()
