"""Scale benchmarks: the default run, 100,000 and 1,000,000 observers, and the reference.

Usage: python benchmarks/bench_scale.py [--cases default,large,million,side_by_side]
                                        [--max-load 0.5] [--max-wait 600]

Each case runs in a fresh subprocess (`--child CASE`), so that its peak memory (`ru_maxrss`)
is its own. Before each case the script waits until the 1-minute load average is at most
`--max-load` (for at most `--max-wait` seconds) and reports the load before and after it.

- `default`: 1,000 observers x 200 steps, set-up included, median of 7 fresh runs after one
  warm-up (target under 0.5 s).
- `large`: 100,000 observers x 200 steps, set-up included, median of 3 fresh runs (target
  under 5 s).
- `million`: 1,000,000 observers x 100 steps, set-up included, one run; its peak memory and
  where the memory goes (numpy arrays against everything else, mostly the observer agents).
- `side_by_side`: 100,000 observers, the array model and the reference implementation
  (`tools.reference`, each observer a Mesa agent stepping itself with `shuffle_do`) built
  from the same seed in one process; the cost per observer-step of each (steps only, set-up
  excluded) and their ratio (target: the array model at least 30 times cheaper). Both run
  without the spin-up, which is set-up and would take the reference minutes at this size.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CASES = ("default", "large", "million", "side_by_side")


def _rss_mib() -> float:
    """Current resident set size of this process in MiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_runs(observers: int, steps: int, repeats: int) -> dict[str, Any]:
    from model.model import DiplomacyModel

    DiplomacyModel(observers=min(observers, 1000), rng=0).run_for(2)  # imports and caches
    totals, setups = [], []
    for seed in range(repeats):
        start = time.perf_counter()
        model = DiplomacyModel(observers=observers, rng=seed)
        built = time.perf_counter()
        model.run_for(steps)
        end = time.perf_counter()
        totals.append(end - start)
        setups.append(built - start)
        del model
    median = statistics.median(totals)
    return {
        "observers": observers,
        "steps": steps,
        "repeats": repeats,
        "median_s": median,
        "fastest_s": min(totals),
        "slowest_s": max(totals),
        "setup_median_s": statistics.median(setups),
        "us_per_observer_step": median / (observers * steps) * 1e6,
    }


def case_default() -> dict[str, Any]:
    """1,000 observers x 200 steps, set-up included."""
    return _timed_runs(1000, 200, 7)


def case_large() -> dict[str, Any]:
    """100,000 observers x 200 steps, set-up included."""
    return _timed_runs(100_000, 200, 3)


def case_million() -> dict[str, Any]:
    """1,000,000 observers x 100 steps, set-up included, with a memory breakdown."""
    from model.model import DiplomacyModel

    DiplomacyModel(observers=1000, rng=0).run_for(2)
    rss_imported = _rss_mib()
    start = time.perf_counter()
    model = DiplomacyModel(observers=1_000_000, rng=1)
    built = time.perf_counter()
    rss_built = _rss_mib()
    arrays_built = sum(v.nbytes for v in vars(model).values() if isinstance(v, np.ndarray))
    model.run_for(100)
    end = time.perf_counter()
    return {
        "observers": 1_000_000,
        "steps": 100,
        "total_s": end - start,
        "setup_s": built - start,
        "steps_s": end - built,
        "us_per_observer_step": (end - built) / (1_000_000 * 100) * 1e6,
        "rss_after_imports_mib": rss_imported,
        "rss_after_setup_mib": rss_built,
        "model_arrays_mib": arrays_built / 2**20,
        "other_objects_after_setup_mib": rss_built - rss_imported - arrays_built / 2**20,
        "rss_after_run_mib": _rss_mib(),
    }


def case_side_by_side(observers: int = 100_000) -> dict[str, Any]:
    """Array model and reference, same seed, steps timed without set-up (and no spin-up)."""
    from model.model import DiplomacyModel
    from tools.reference import ReferenceDiplomacyModel

    array_steps, reference_steps = 20, 3
    DiplomacyModel(observers=1000, rng=0, spin_up=0).run_for(2)
    ReferenceDiplomacyModel(observers=1000, rng=0, spin_up=0).run_for(2)
    out: dict[str, Any] = {"observers": observers}
    for name, cls, steps in (
        ("array", DiplomacyModel, array_steps),
        ("reference", ReferenceDiplomacyModel, reference_steps),
    ):
        start = time.perf_counter()
        model = cls(observers=observers, rng=1, spin_up=0)
        built = time.perf_counter()
        model.run_for(steps)
        end = time.perf_counter()
        out[name] = {
            "steps": steps,
            "setup_s": built - start,
            "steps_s": end - built,
            "us_per_observer_step": (end - built) / (observers * steps) * 1e6,
        }
        del model
    out["ratio"] = out["reference"]["us_per_observer_step"] / out["array"]["us_per_observer_step"]
    return out


def machine() -> str:
    """A one-line description of this machine and the software versions."""
    import mesa

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except OSError:
        memory = float("nan")
    return (
        f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB; {platform.system()} "
        f"{platform.machine()}, CPython {platform.python_version()}, numpy {np.__version__}, "
        f"Mesa {mesa.__version__}"
    )


def _wait_for_low_load(max_load: float, max_wait: float) -> float:
    waited = 0.0
    while os.getloadavg()[0] > max_load and waited < max_wait:
        time.sleep(5.0)
        waited += 5.0
    return os.getloadavg()[0]


def _report(case: str, result: dict[str, Any], before: float, after: float) -> None:
    load = f"load {before:.2f} -> {after:.2f}"
    if case in ("default", "large"):
        print(
            f"{case}: {result['observers']:,} observers x {result['steps']} steps, set-up "
            f"included, {result['repeats']} runs: median {result['median_s']:.3f} s (fastest "
            f"{result['fastest_s']:.3f}, slowest {result['slowest_s']:.3f}; set-up "
            f"{result['setup_median_s']:.3f} s), {result['us_per_observer_step']:.3f} us per "
            f"observer-step, peak memory {result['peak_mib']:.0f} MiB; {load}"
        )
    elif case == "million":
        print(
            f"million: 1,000,000 observers x 100 steps: {result['total_s']:.2f} s (set-up "
            f"{result['setup_s']:.2f} s, steps {result['steps_s']:.2f} s, "
            f"{result['us_per_observer_step']:.3f} us per observer-step), peak memory "
            f"{result['peak_mib']:.0f} MiB; after set-up {result['rss_after_setup_mib']:.0f} MiB "
            f"= {result['rss_after_imports_mib']:.0f} imports + "
            f"{result['model_arrays_mib']:.0f} model arrays + "
            f"{result['other_objects_after_setup_mib']:.0f} other (agents and registries); "
            f"{load}"
        )
    else:
        a, r = result["array"], result["reference"]
        print(
            f"side_by_side at {result['observers']:,} observers (steps only): array "
            f"{a['us_per_observer_step']:.3f} us per observer-step ({a['steps']} steps, "
            f"{a['steps_s']:.2f} s; set-up {a['setup_s']:.2f} s), reference "
            f"{r['us_per_observer_step']:.3f} us ({r['steps']} steps, {r['steps_s']:.2f} s; "
            f"set-up {r['setup_s']:.2f} s): ratio {result['ratio']:.0f}x, peak memory "
            f"{result['peak_mib']:.0f} MiB; {load}"
        )


def main() -> None:
    """Run the cases (each in its own process) and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--max-load", type=float, default=0.5)
    parser.add_argument("--max-wait", type=float, default=600.0)
    parser.add_argument("--json", action="store_true", help="also print each result as JSON")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = globals()[f"case_{args.child}"]()
        result["peak_mib"] = _peak_mib()
        print(json.dumps(result))
        return
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {machine()}")
    for case in args.cases.split(","):
        before = _wait_for_low_load(args.max_load, args.max_wait)
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", case],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        _report(case, result, before, os.getloadavg()[0])
        if args.json:
            print(json.dumps({"case": case, **result}))


if __name__ == "__main__":
    main()
