"""The spin-up's cost and what reusing it saves: runs with the spin-up computed and restored.

Usage: python benchmarks/bench_spinup.py [--observers N] [--steps N] [--repeats N]

For each repeat (a new seed), builds and runs the default model twice, side by side in one
process: once with the process's spin-up cache cleared (the spin-up is computed) and once
right after (the spin-up is restored from the cache, as a second scenario or design point of a
batch with the same seed and set-up would). Prints the median times and their ratio, and the
time of a run without any spin-up (`spin_up: 0`) for reference.
"""

from __future__ import annotations

import argparse
import statistics
import time

from model.config import resolve_model
from model.model import DiplomacyModel
from model.spinup import CACHE


def _timed(spec, seed: int, steps: int) -> float:
    start = time.perf_counter()
    DiplomacyModel(spec, rng=seed, horizon=steps).run_for(steps)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observers", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    spec, _ = resolve_model([("model", {"observers": args.observers})])
    cold, _ = resolve_model([("model", {"observers": args.observers, "dynamics": {"spin_up": 0}})])
    DiplomacyModel(spec, rng=0).run_for(2)  # warm imports
    computed, restored, without = [], [], []
    for seed in range(1, args.repeats + 1):
        CACHE.clear()
        computed.append(_timed(spec, seed, args.steps))
        restored.append(_timed(spec, seed, args.steps))
        without.append(_timed(cold, seed, args.steps))
    c, r, w = (statistics.median(x) for x in (computed, restored, without))
    print(f"{args.observers} observers x {args.steps} steps, median of {args.repeats}:")
    print(f"  spin-up computed   {c:.3f} s")
    print(f"  spin-up restored   {r:.3f} s   (computed / restored: {c / r:.2f})")
    print(f"  no spin-up         {w:.3f} s")


if __name__ == "__main__":
    main()
