"""Peak memory of one run, for the coefficients of `experiments.limits`.

Usage: python benchmarks/bench_memory.py [--cases NAME,...] [--json FILE]

Each case runs one scenario of the default model through `experiments.runner.simulate` (the
function a batch worker calls) in a fresh process, so that its peak resident memory
(`ru_maxrss`) is its own, and prints it beside the estimate of `experiments.limits`:

- `observers_*`: 1,000 to 1,000,000 observers x 200 steps: the memory per observer;
- `steps_*`: 1,000 observers x 200 to 20,000 steps: the memory per step;
- `agents_*`: 100,000 observers x 200 steps with per-observer snapshots every 10 or 50 steps:
  the memory per observer snapshot.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES: dict[str, tuple[int, int, int]] = {
    "observers_1k": (1_000, 200, 0),
    "observers_100k": (100_000, 200, 0),
    "observers_300k": (300_000, 200, 0),
    "observers_1m": (1_000_000, 200, 0),
    "steps_2k": (1_000, 2_000, 0),
    "steps_20k": (1_000, 20_000, 0),
    "agents_50": (100_000, 200, 50),
    "agents_10": (100_000, 200, 10),
}
"""Case name: (observers, steps, agents_every)."""


def _child(observers: int, steps: int, agents_every: int) -> dict[str, Any]:
    """Run one case in this process and report its peak memory and the estimate."""
    from experiments.limits import run_memory
    from experiments.runner import simulate
    from model.config import resolve_model

    spec, problems = resolve_model([("model", {"observers": observers})])
    assert spec is not None, problems
    start = time.perf_counter()
    simulate(spec, seed=1, steps=steps, agents_every=agents_every)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    return {
        "observers": observers,
        "steps": steps,
        "agents_every": agents_every,
        "seconds": round(seconds, 2),
        "peak_mib": round(peak / 2**20, 1),
        "estimate_mib": round(run_memory(observers, steps, agents_every) / 2**20, 1),
    }


def main() -> None:
    """Run each case in a fresh process and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*CASES[args.child])))
        return
    print(f"{platform.machine()}, Python {platform.python_version()}")
    results = []
    for name in args.cases.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--child", name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = {"case": name, **json.loads(out.stdout)}
        results.append(result)
        print(
            f"{name:<16} {result['observers']:>9,} observers x {result['steps']:>6,} steps, "
            f"agents_every {result['agents_every']:>3}: peak {result['peak_mib']:>7.1f} MiB, "
            f"estimate {result['estimate_mib']:>7.1f} MiB ({result['seconds']} s)",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
