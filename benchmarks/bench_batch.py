"""Time batch execution: serial against all cores, local processes against a local Dask cluster,
and the driver's peak memory as the number of runs grows.

Usage:
    python benchmarks/bench_batch.py [--runs 1000] [--observers 1000] [--steps 200]
        [--repeats 1] [--modes serial parallel dask] [--memory-runs 1000 10000] [--no-memory]

* throughput: `--runs` runs of the default model (one scenario, one design point, `--runs`
  replicates) through `experiments.batch.run_batch`, results written to a temporary folder:
  `serial` with one worker (in this process), `parallel` with a local worker process per core,
  `dask` on a `distributed.LocalCluster` on 127.0.0.1 with one single-threaded worker process
  per core (its start-up is not timed). The modes alternate within each repeat, so that a
  disturbance hits them alike. Parallel efficiency is (serial time / parallel time) / cores.
* memory: for each count in `--memory-runs`, a fresh process runs that many tiny runs (50
  observers x 20 steps) on every core and reports its own peak resident memory (the driver's;
  the workers are other processes).

Every timing includes planning, worker start-up, Parquet encoding and the atomic writes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.batch import BatchOptions, available_cores, run_batch  # noqa: E402
from model.config import load_config  # noqa: E402


def config(runs: int, observers: int, steps: int, name: str = "bench"):
    """A one-scenario config with `runs` replicates of the default model."""
    return load_config(
        {
            "name": name,
            "steps": steps,
            "replications": runs,
            "seed": 20261125,
            "model": {"observers": observers},
            "scenarios": {"both_engage": {}},
        }
    )


def timed_batch(experiment, **options) -> float:
    """Wall time of one fresh batch into a temporary folder."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        outcome = run_batch(experiment, Path(out), BatchOptions(progress=False, **options))
        elapsed = time.perf_counter() - start
    assert outcome.done == outcome.planned, outcome
    return elapsed


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def timed_on_local_cluster(experiment, cores: int) -> float:
    """Wall time of a batch on a fresh LocalCluster (its start-up and shutdown not timed).

    The cluster's scheduler lives in this process, so it exists only for this measurement.
    """
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=cores,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        return timed_batch(experiment, scheduler=cluster.scheduler_address)


def bench_throughput(args, cores: int, modes: list[str]) -> dict[str, list[float]]:
    """Wall times of each mode (serial, parallel, dask), the modes interleaved per repeat."""
    experiment = config(args.runs, args.observers, args.steps)
    timed_batch(config(2 * cores, args.observers, 5, "warm"), workers=cores)  # warm file caches
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    for repeat in range(args.repeats):
        for mode in modes:
            before = load()
            if mode == "dask":
                elapsed = timed_on_local_cluster(experiment, cores)
            else:
                elapsed = timed_batch(experiment, workers=1 if mode == "serial" else cores)
            times[mode].append(elapsed)
            print(
                f"  [{repeat + 1}] {mode:<8} {elapsed:7.1f} s  {args.runs / elapsed:6.2f} "
                f"runs/s   load before {before}, after {load()}",
                flush=True,
            )
    for mode, values in times.items():
        print(
            f"  {mode:<8} best {min(values):.1f} s ({args.runs / min(values):.2f} runs/s), "
            f"median {statistics.median(values):.1f} s"
        )
    if "serial" in times and "parallel" in times:
        best = min(times["serial"]) / min(times["parallel"]) / cores
        median = statistics.median(times["serial"]) / statistics.median(times["parallel"]) / cores
        print(f"  parallel efficiency on {cores} cores: {best:.0%} (best), {median:.0%} (median)")
    return times


MEMORY_CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
from benchmarks.bench_batch import config
from experiments.batch import BatchOptions, run_batch
if __name__ == "__main__":
    experiment = config({runs}, 50, 20, "memory")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        options = BatchOptions(workers={cores}, progress=False)
        outcome = run_batch(experiment, Path(out), options)
        elapsed = time.perf_counter() - start
        files = len(list((Path(out) / "memory" / "timeseries").iterdir()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"runs": outcome.done, "seconds": elapsed, "peak_mib": peak,
                      "files": files}}))
"""


def bench_memory(args, cores: int) -> list[dict]:
    """The driver's peak RSS for each run count, each in a fresh process."""
    rows = []
    for runs in args.memory_runs:
        code = MEMORY_CHILD.format(root=str(ROOT), runs=runs, cores=cores)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
            script.write(code)
        try:
            done = subprocess.run(
                [sys.executable, script.name], capture_output=True, text=True, check=True
            )
        finally:
            os.unlink(script.name)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  {row['runs']:>6} tiny runs: {row['seconds']:.1f} s, driver peak RSS "
            f"{row['peak_mib']:.0f} MiB, {row['files']} timeseries parts, load {load()}",
            flush=True,
        )
        rows.append(row)
    return rows


def main() -> None:
    """Run the chosen benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--observers", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--memory-runs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--modes", nargs="*", default=["serial", "parallel", "dask"], help="throughput modes"
    )
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    cores = available_cores()
    print(
        f"machine: {platform.machine()}, {cores} cores, {platform.python_implementation()} "
        f"{platform.python_version()}; {args.runs} runs of {args.observers} observers x "
        f"{args.steps} steps"
    )
    if args.modes:
        print(f"throughput ({', '.join(args.modes)}; {args.repeats} repeat(s), interleaved):")
        bench_throughput(args, cores, args.modes)
    if args.memory:
        print("driver memory (50 observers x 20 steps per run):")
        bench_memory(args, cores)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"done; this process used {usage.ru_utime + usage.ru_stime:.0f} s of CPU")


if __name__ == "__main__":
    main()
