"""Golden outputs: a small known-good output set and the check that results have not changed.

A few scenarios of the shipped configs (and one that exercises the adaptive strategy, the
Hegselmann-Krause peer model and backfire) run for a few seeds, with few observers and steps.
Their tables are stored in ``tests/golden/`` as CSV with every float written to 17 significant
digits, so that they read back exactly; ``index.json`` names each run's config, scenario,
seed, steps, observers and the model version that made them.

Whenever the outputs for a given config and seed change, the model version changes with them
(semantic versioning, `model.version.MODEL_VERSION`). To record an intended change:

1. bump ``MODEL_VERSION`` in ``model/version.py``;
2. add an entry for the new version to ``CHANGELOG.md`` saying what changed and why;
3. run ``python -m tools.golden --write``.

``--write`` refuses to overwrite stored outputs that changed while the version did not.
``python -m tools.golden --check`` (and ``tests/test_golden.py``) re-simulates every run
through `experiments.runner.simulate` and names the first step at which each changed column
differs.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.runner import simulate
from model.config import ModelSpec, load_config, resolve_model
from model.streams import replicate_seed
from model.version import MODEL_VERSION

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
CHANGELOG = ROOT / "CHANGELOG.md"
COMMAND = "python -m tools.golden --write"

STEPS = 60
"""Steps of every golden run (long enough for the walkouts at week 50)."""
OBSERVERS = 200
REPLICATES = (0, 1)
"""Replicate numbers; run seeds are `replicate_seed(config seed, replicate)`."""
TABLE_EVERY = 20
"""The per-bloc and per-outlet tables are stored at steps 0, 20, 40, ... only."""
RTOL = 1e-10
ATOL = 1e-12
"""Float tolerance of the comparison: last-bit differences between CPUs and numpy builds pass,
any change of the model's rules or parameters moves values by far more."""
FLOAT_FORMAT = "%.17g"
TABLES = ("timeseries", "blocs", "media")
KEYS = {
    "timeseries": ("case", "seed", "step"),
    "blocs": ("case", "seed", "step", "bloc"),
    "media": ("case", "seed", "step", "outlet"),
}


@dataclass(frozen=True)
class GoldenCase:
    """One scenario of a shipped config, optionally with extra `model` settings on top."""

    name: str
    config: str
    scenario: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


CASES: tuple[GoldenCase, ...] = (
    GoldenCase("baseline", "configs/baseline.yaml", "both_engage"),
    GoldenCase("adversary_walks", "configs/walkout.yaml", "adversary_walks"),
    GoldenCase("tit_for_tat", "configs/walkout.yaml", "negotiator_tit_for_tat"),
    GoldenCase("no_channel", "configs/information.yaml", "no_channel"),
    GoldenCase("reassurance", "configs/reassurance.yaml", "reassure_then_adversary_walks"),
    GoldenCase("polarized_media", "configs/media.yaml", "polarized_media"),
    GoldenCase("unilateral_sanctions", "configs/sanctions.yaml", "unilateral_sanctions"),
    GoldenCase(
        "adaptive_hk_backfire",
        "configs/baseline.yaml",
        "both_engage",
        {
            "negotiator": {"strategy": "adaptive"},
            "adversary": {"strategy": "adaptive"},
            "peer_model": "hegselmann_krause",
            "mechanisms": {"backfire": True},
        },
    ),
)
"""The golden runs: each case runs once per replicate in `REPLICATES`."""


class GoldenError(RuntimeError):
    """The golden outputs cannot be written (they changed but the model version did not)."""


def case_spec(case: GoldenCase, root: Path = ROOT) -> tuple[ModelSpec, int]:
    """The resolved model of `case` (with `OBSERVERS` observers) and its config's base seed."""
    config = load_config(root / case.config)
    base = config.scenario_spec(case.scenario).to_dict()
    layer = {"observers": OBSERVERS, **case.overrides}
    spec, problems = resolve_model([("model", base), (f"golden case {case.name}", layer)])
    if spec is None:
        raise ValueError("; ".join(problems))
    return spec, config.seed


def _spec_hash(spec: ModelSpec) -> str:
    return hashlib.sha256(spec.model_dump_json().encode()).hexdigest()


def index_entries(root: Path = ROOT) -> list[dict[str, Any]]:
    """One index entry per golden run: case, config, scenario, overrides, seed, steps, ...

    `spec_sha256` is a hash of the run's resolved model, so that a changed config or default
    is named as such when the outputs change.
    """
    entries = []
    for case in CASES:
        spec, base_seed = case_spec(case, root)
        for replicate in REPLICATES:
            entries.append(
                {
                    "case": case.name,
                    "config": case.config,
                    "spec_sha256": _spec_hash(spec),
                    "scenario": case.scenario,
                    "overrides": dict(case.overrides),
                    "replicate": replicate,
                    "seed": replicate_seed(base_seed, replicate),
                    "steps": STEPS,
                    "observers": OBSERVERS,
                }
            )
    return entries


def simulate_golden(root: Path = ROOT) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Run every golden case and seed: the index and the three tables, as stored on disk.

    The tables pass through the same CSV text as the stored files, so that the comparison sees
    the same types on both sides.
    """
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    entries = index_entries(root)
    specs = {case.name: case_spec(case, root)[0] for case in CASES}
    for entry in entries:
        result = simulate(specs[entry["case"]], entry["seed"], entry["steps"])
        tables = {"timeseries": result.timeseries, "blocs": result.blocs, "media": result.media}
        for name, table in tables.items():
            if name != "timeseries":
                table = table[table["step"] % TABLE_EVERY == 0]
            keyed = table.reset_index(drop=True)
            keyed.insert(0, "seed", entry["seed"])
            keyed.insert(0, "case", entry["case"])
            frames[name].append(keyed)
    index = {
        "model_version": MODEL_VERSION,
        "command": COMMAND,
        "steps": STEPS,
        "observers": OBSERVERS,
        "table_every": TABLE_EVERY,
        "float_format": FLOAT_FORMAT,
        "tables": {name: f"{name}.csv" for name in TABLES},
        "runs": entries,
    }
    return index, {
        name: _read_csv(io.StringIO(_to_csv(pd.concat(parts, ignore_index=True))))
        for name, parts in frames.items()
    }


def _to_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
"""pandas 3 parses floats exactly by default; pandas 2 needs the round-trip parser."""


def _read_csv(source: Any) -> pd.DataFrame:
    return pd.read_csv(source, **_EXACT_FLOATS)


def load_golden(directory: Path = GOLDEN_DIR) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The stored index and tables."""
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    tables = {name: _read_csv(directory / file) for name, file in index["tables"].items()}
    return index, tables


def compare_tables(
    stored: Mapping[str, pd.DataFrame],
    current: Mapping[str, pd.DataFrame],
    rtol: float = RTOL,
    atol: float = ATOL,
) -> list[str]:
    """Differences between two sets of golden tables, one readable line per changed column.

    Each line names the table, the case and seed, the column, the first step at which it
    differs and both values. Rows present on one side only are reported too.
    """
    problems: list[str] = []
    for name in TABLES:
        keys = list(KEYS[name])
        old = stored[name].set_index(keys).sort_index()
        new = current[name].set_index(keys).sort_index()
        missing = old.index.difference(new.index)
        extra = new.index.difference(old.index)
        if len(missing) or len(extra):
            problems.append(
                f"{name}: {len(missing)} stored rows no longer produced, {len(extra)} new rows "
                f"(first: {(list(missing) or list(extra))[0]})"
            )
        columns = [c for c in old.columns if c in new.columns]
        for column in sorted(set(old.columns) ^ set(new.columns)):
            problems.append(f"{name}: column {column!r} only in the {_side(column, old)} tables")
        common = old.index.intersection(new.index)
        a, b = old.loc[common, columns], new.loc[common, columns]
        for column in columns:
            changed = ~_same(a[column], b[column], rtol, atol)
            if not changed.any():
                continue
            where = changed[changed].index
            for run in dict.fromkeys((case, seed) for case, seed, *_ in where):
                rows = [i for i in where if i[:2] == run]
                first = rows[0]
                problems.append(
                    f"{name}: case {run[0]}, seed {run[1]}: column {column!r} first differs at "
                    f"step {first[2]}{_extra_key(first)}: stored {a.at[first, column]!r}, now "
                    f"{b.at[first, column]!r} ({_rows(len(rows))})"
                )
    return problems


def _rows(count: int) -> str:
    return "1 row differs" if count == 1 else f"{count} rows differ"


def _side(column: str, old: pd.DataFrame) -> str:
    return "stored" if column in old.columns else "current"


def _extra_key(key: tuple) -> str:
    return f" ({key[3]})" if len(key) > 3 else ""


def _same(a: pd.Series, b: pd.Series, rtol: float, atol: float) -> pd.Series:
    if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
        close = np.isclose(a.to_numpy(), b.to_numpy(), rtol=rtol, atol=atol, equal_nan=True)
        return pd.Series(close, index=a.index)
    both_missing = a.isna() & b.isna()
    return (a.astype(object) == b.astype(object)) | both_missing


def check(directory: Path = GOLDEN_DIR, root: Path = ROOT) -> list[str]:
    """Everything that differs between the stored golden outputs and a fresh simulation.

    Empty when nothing changed. Otherwise the lines say what changed and the last line how to
    record an intended change.
    """
    index, stored = load_golden(directory)
    problems = []
    if index["model_version"] != MODEL_VERSION:
        problems.append(
            f"the golden outputs were made by model version {index['model_version']}, but "
            f"MODEL_VERSION is {MODEL_VERSION}"
        )
    fresh_index, current = simulate_golden(root)
    if [_identity(r) for r in index["runs"]] != [_identity(r) for r in fresh_index["runs"]]:
        problems.append("the golden runs (cases, configs, seeds, steps, observers) changed")
    differences = compare_tables(stored, current)
    if differences:
        # Name a changed resolved model (an edited config or default) as a likely cause.
        for old, new in zip(index["runs"], fresh_index["runs"], strict=False):
            if old["case"] == new["case"] and old.get("spec_sha256") != new["spec_sha256"]:
                problems.append(
                    f"the resolved model of case {old['case']} changed since the golden outputs "
                    f"were made (an edited {old['config']} or a changed default)"
                )
    problems.extend(differences)
    if problems:
        problems.append(HOW_TO_UPDATE)
    return list(dict.fromkeys(problems))


HOW_TO_UPDATE = (
    "if the change is intended: bump MODEL_VERSION in model/version.py, add a CHANGELOG.md "
    f"entry for the new version, and run `{COMMAND}`"
)


def _identity(run: Mapping[str, Any]) -> tuple:
    return (
        run["case"],
        run["config"],
        run["scenario"],
        json.dumps(run["overrides"], sort_keys=True),
        run["seed"],
        run["steps"],
        run["observers"],
    )


def changelog_has_entry(version: str = MODEL_VERSION, path: Path = CHANGELOG) -> bool:
    """Whether CHANGELOG.md has a section for `version` (a ``## [version]`` heading)."""
    if not path.exists():
        return False
    return any(
        line.startswith(f"## [{version}]") for line in path.read_text(encoding="utf-8").splitlines()
    )


def write(directory: Path = GOLDEN_DIR, root: Path = ROOT) -> list[str]:
    """Regenerate the golden outputs; returns the differences from the stored ones.

    Raises:
        GoldenError: if stored outputs of the same model version differ from the new ones
            (bump MODEL_VERSION first), or CHANGELOG.md has no entry for MODEL_VERSION.
    """
    if not changelog_has_entry():
        raise GoldenError(f"CHANGELOG.md has no '## [{MODEL_VERSION}]' entry: add one first")
    index, tables = simulate_golden(root)
    differences: list[str] = []
    if (directory / "index.json").exists():
        stored_index, stored = load_golden(directory)
        differences = compare_tables(stored, tables)
        if differences and stored_index["model_version"] == MODEL_VERSION:
            raise GoldenError(
                f"the outputs changed but MODEL_VERSION is still {MODEL_VERSION}: bump it in "
                "model/version.py and add a CHANGELOG.md entry first\n" + "\n".join(differences)
            )
    directory.mkdir(parents=True, exist_ok=True)
    for name, file in index["tables"].items():
        (directory / file).write_text(_to_csv(tables[name]), encoding="utf-8")
    (directory / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return differences


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: check the golden outputs, or regenerate them after a version bump."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.golden",
        description="Check the golden outputs in tests/golden against a fresh simulation, or "
        "regenerate them (after bumping MODEL_VERSION and adding a CHANGELOG.md entry).",
        epilog=f"example: {COMMAND}",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="regenerate the golden outputs")
    action.add_argument("--check", action="store_true", help="compare (the default)")
    args = parser.parse_args(argv)
    if args.write:
        try:
            differences = write()
        except GoldenError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"wrote {GOLDEN_DIR} (model version {MODEL_VERSION})")
        for line in differences:
            print(f"  changed: {line}")
        return 0
    problems = check()
    for line in problems:
        print(line)
    if not problems:
        print(f"golden outputs unchanged (model version {MODEL_VERSION})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
