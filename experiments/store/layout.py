"""What a results folder holds and what each thing is called (INTERFACE.md, ``results/<name>/``).

::

    manifest.json      the batch's record (`experiments.store.manifest`)
    config.yaml        the config as given, from which `run.py repair` rebuilds a lost manifest
    timeseries/        Parquet dataset, one row per run and step: the run columns, the swept
                       parameters (dotted paths as column names), the MODEL_SPEC output
                       columns, model_version
    blocs/             Parquet dataset, one row per run, step and bloc: the same run and
                       parameter columns, then the per-bloc columns
    agents/            only when outputs.agents_every > 0: one row per run, snapshot step and
                       observer
    failures.jsonl     one JSON line per failed run (`experiments.store.failures`)
    parts.jsonl        while a batch runs: the chunks committed since the manifest was written
    damaged/           parts that failed their check, set aside when the batch reran them
    .batch.lock        held by the batch writing the folder (`experiments.store.lock`)

Each finished chunk of runs is one file ``part-<session>-<n>.parquet`` in each dataset. A run
is known by its key columns (scenario, design point, replicate), and every row of every dataset
starts with them and the run's seed.
"""

from __future__ import annotations

from pathlib import Path

from experiments.errors import UsageError

MANIFEST = "manifest.json"
CONFIG_COPY = "config.yaml"
JOURNAL = "parts.jsonl"
FAILURES = "failures.jsonl"
UNREADABLE_FAILURES = "failures.unreadable"
UNREADABLE_MANIFEST = "manifest.json.unreadable"
DAMAGED = "damaged"
LOCK_FILE = ".batch.lock"

TIMESERIES, BLOCS, AGENTS = "timeseries", "blocs", "agents"
DATASETS = (TIMESERIES, BLOCS, AGENTS)
PART_PREFIX, PART_SUFFIX = "part-", ".parquet"

KEY_COLUMNS = ("scenario", "design_point", "replicate")
"""The columns that identify a run."""
RUN_COLUMNS = (*KEY_COLUMNS, "seed")
"""The columns that every row of every dataset starts with."""

RunKey = tuple[str, int, int]
"""(scenario, design point, replicate) of a run."""


class ResultsError(UsageError):
    """A folder that is not (or not usable as) a batch results folder: bad input, exit 2."""


class ResultsWarning(UserWarning):
    """Something in a results folder was skipped while reading it (e.g. a bad failure line)."""


def required_datasets(agents: bool) -> tuple[str, ...]:
    """The datasets every chunk of a batch has: agents only with observer snapshots."""
    return (TIMESERIES, BLOCS, AGENTS) if agents else (TIMESERIES, BLOCS)


def holds_batch(root: Path) -> bool:
    """Whether a folder holds anything a batch wrote (empty dataset folders aside)."""
    root = Path(root)
    return any((root / name).exists() for name in (MANIFEST, FAILURES, JOURNAL)) or any(
        any((root / name).iterdir()) for name in DATASETS if (root / name).is_dir()
    )


def is_part(name: str) -> bool:
    """Whether a file name is that of a part."""
    return name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX)


def part_name(session: str, chunk: int) -> str:
    """The file name of chunk number `chunk` of batch session `session`."""
    return f"{PART_PREFIX}{session}-{chunk:06d}{PART_SUFFIX}"


def part_files(root: Path, dataset: str) -> dict[str, Path]:
    """Name -> path of every part file of `dataset` on disk, sorted by name (unverified)."""
    folder = Path(root) / dataset
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if is_part(p.name) and p.is_file()}


def committed_parts(root: Path, dataset: str) -> list[Path]:
    """The parts of `dataset` whose timeseries part exists, sorted by name (unverified)."""
    parts = part_files(root, dataset)
    if dataset != TIMESERIES:
        committed = part_files(root, TIMESERIES)
        parts = {name: path for name, path in parts.items() if name in committed}
    return list(parts.values())
