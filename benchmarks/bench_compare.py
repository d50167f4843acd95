"""Time and peak memory of `run.py compare` on a results folder of 10,000 runs x 200 steps.

Usage: python benchmarks/bench_compare.py [--runs 10000] [--folder /tmp/bench_compare]

The folder is made once: a real batch of the walkout's two scenarios (2 replicates, 200 steps)
gives the manifest and the schema; its runs are then copied with noise into 10,000 runs (two
scenarios x 5,000 replicates), written as Parquet parts of 500 runs, each with its part
metadata and its sha256 in the manifest, as a batch writes them. The compare itself runs in a
fresh process, whose wall time and peak resident memory (ru_maxrss) are reported; then, in
another fresh process, the time that opening the folder takes (`open_results`: checking every
part's sha256 and metadata), which is part of every compare.
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

import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """name: bench
steps: 200
replications: 2
seed: 1
model: {observers: 100}
scenarios:
  both_engage: {}
  adversary_walks:
    adversary: {strategy: walk_away_at, at: 50}
"""


OPEN = """
import time
from experiments.store import open_results
start = time.perf_counter()
open_results({results!r})
print(time.perf_counter() - start)
"""


def make_folder(folder: Path, runs: int) -> Path:
    """Build the synthetic results folder (once)."""
    results = folder / "bench"
    if (results / "manifest.json").exists():
        return results
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.yaml").write_text(CONFIG)
    subprocess.run(
        [
            sys.executable,
            "run.py",
            "batch",
            str(folder / "bench.yaml"),
            "--out",
            str(folder),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        check=True,
    )
    parts = sorted((results / "timeseries").glob("part-*.parquet"))
    template = pd.concat([pd.read_parquet(p) for p in parts])
    for p in parts:
        p.unlink()
    for p in (results / "blocs").glob("part-*.parquet"):
        p.unlink()
    sys.path.insert(0, str(ROOT))
    from experiments.store.manifest import PartEntry
    from experiments.store.parts import encode_part, sha256_file

    manifest = json.loads((results / "manifest.json").read_text())
    listing = {}
    replicates = runs // 2
    rng = np.random.default_rng(0)
    numeric = [c for c in template.columns if template[c].dtype.kind == "f"]
    for start in range(0, replicates, 250):
        chunk = []
        for r in range(start, min(start + 250, replicates)):
            for scenario in ("both_engage", "adversary_walks"):
                one = template[(template.scenario == scenario) & (template.replicate == r % 2)]
                one = one.copy()
                one["replicate"] = r
                one["seed"] = r
                one[numeric] = one[numeric] + rng.normal(0, 0.01, size=(len(one), len(numeric)))
                chunk.append(one)
        frame = pd.concat(chunk)
        keys = list(
            dict.fromkeys(zip(frame.scenario, frame.design_point, frame.replicate, strict=True))
        )
        table = pa.Table.from_pandas(frame, preserve_index=False)
        path = results / "timeseries" / f"part-bench-{start:06d}.parquet"
        path.write_bytes(encode_part(table, manifest["config_hash"], "timeseries", keys))
        checksums = {"timeseries": sha256_file(path)}
        listing[path.name] = PartEntry(runs=len(keys), sha256=checksums).model_dump()
    manifest["parts"] = listing
    manifest["seed_plan"] = {str(r): r for r in range(replicates)}
    manifest["replications"] = replicates
    manifest["runs_planned"] = manifest["runs_done"] = runs
    (results / "manifest.json").write_text(json.dumps(manifest))
    return results


def main() -> None:
    """Build the folder, then time one compare in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_compare_v2"))
    args = parser.parse_args()
    results = make_folder(args.folder, args.runs)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "run.py", "compare", str(results), "--out", str(args.folder / "out")],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in (results / "timeseries").glob("part-*.parquet"))
    opened = subprocess.run(
        [sys.executable, "-c", OPEN.format(results=str(results))],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}")
    print(
        f"compare of {args.runs} runs x 200 steps (4 metrics, figures included): "
        f"{wall:.1f} s, peak memory {peak:.0f} MiB"
    )
    print(
        f"of which opening the folder (sha256 and metadata of {size / 2**20:.0f} MiB of "
        f"parts): {float(opened.stdout):.2f} s"
    )


if __name__ == "__main__":
    main()
