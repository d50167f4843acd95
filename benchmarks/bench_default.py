"""Time the default run: 1,000 observers, 200 steps, set-up included.

Usage: python benchmarks/bench_default.py [--repeats N] [--observers N] [--steps N]

Prints the median, fastest and slowest wall time over the repeats, and the cost per
observer-step. The model is imported once before timing; each repeat builds a new model
(set-up included) and runs it.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from model.model import DiplomacyModel


def time_runs(observers: int, steps: int, repeats: int) -> list[float]:
    """Wall times of `repeats` fresh runs (build + run) of the default model."""
    DiplomacyModel(observers=observers, rng=0).run_for(2)  # warm caches and imports
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        model = DiplomacyModel(observers=observers, rng=seed)
        model.run_for(steps)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--observers", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    times = time_runs(args.observers, args.steps, args.repeats)
    median = statistics.median(times)
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}"
    )
    print(
        f"default run ({args.observers} observers x {args.steps} steps, set-up included), "
        f"{args.repeats} repeats:"
    )
    print(f"  median {median:.3f} s   fastest {min(times):.3f} s   slowest {max(times):.3f} s")
    print(f"  {median / (args.observers * args.steps) * 1e6:.3f} us per observer-step")


if __name__ == "__main__":
    main()
