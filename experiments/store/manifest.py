"""The record of a batch: `Manifest` (manifest.json) and the journal of chunks (parts.jsonl).

One typed record, written by the batch and by `run.py repair`, read by `open_results` and so by
compare, the report and the dashboard. On disk it is JSON with its fields in the order below
(format 2; format 1, written before parts carried checksums, has no ``format`` and no
``parts``, and `run.py repair` brings it up to date). Fields that a reader does not know are
kept as they are.

A manifest is rewritten at the start and the end of every batch session; between the two,
each committed chunk is appended to the journal (one line, flushed before its timeseries part
lands). The chunks whose timeseries part landed are folded into the manifest and the journal
is dropped. After a crash the manifest may still say ``running``: the verified files are the
truth, which `Results.runs_done` reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.io import write_text
from experiments.store.layout import JOURNAL, KEY_COLUMNS, MANIFEST, ResultsError

MANIFEST_FORMAT = 2
"""Format 2: the manifest lists every part's sha256 (format 1 had no checksums)."""


class PartEntry(BaseModel):
    """One committed chunk in the listing: its run count and the sha256 of each dataset's part."""

    model_config = ConfigDict(frozen=True, strict=True)

    runs: int
    sha256: dict[str, str]


class Session(BaseModel):
    """One invocation of the batch command on the folder."""

    model_config = ConfigDict(frozen=True, extra="allow")

    started: str | None = None
    finished: str | None = None
    executor: str = ""
    runs: int = 0
    """Runs that finished in this session."""
    status: str | None = None


class Repaired(BaseModel):
    """What `run.py repair` rebuilt the manifest from."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    chunks: int
    set_aside: list[str]


class Manifest(BaseModel):
    """What a batch ran and how far it got: config, seeds, design, provenance and its parts.

    Attributes:
        format: 2 (format 1 had no `parts`).
        name, description: the config's.
        config_path: where the config was read from (None when given as a dict).
        config_hash: ``sha256:`` of the canonical JSON of the config as given.
        config: the config as given; config_resolved: each scenario's resolved model.
        model_version: `model.version.MODEL_VERSION` of the code that ran.
        scenarios, steps, replications, seed: the plan; seed is the base seed.
        seed_rule, seed_plan: how a replicate's seed derives from the base seed, and
            {replicate: seed} (the same in every scenario and design point).
        method, parameters, parameter_kinds, samples, design_seed, problem,
            calc_second_order, design_points: the sweep (`experiments.design.Design`); problem
            is the SALib problem of an lhs or sobol design; one {path: value} per point.
        outputs: the config's outputs section; key_columns: the columns that identify a run.
        versions, python, git_commit, host: where and with what it ran.
        started, finished, status: the batch's times and state: running, or how it ended:
            complete, incomplete (runs failed or missing), interrupted (Ctrl-C, SIGTERM) or
            stopped (a lost worker, a write error).
        runs_planned, runs_done, runs_failed: counts at the last write.
        sessions: one entry per invocation.
        parts: each committed chunk's run count and checksums.
        repaired: set when `run.py repair` rebuilt the manifest.
    """

    model_config = ConfigDict(frozen=True, extra="allow", protected_namespaces=())

    format: int = 1
    name: str | None = None
    description: str | None = None
    config_path: str | None = None
    config_hash: str
    config: dict[str, Any] = Field(default_factory=dict)
    config_resolved: dict[str, Any] = Field(default_factory=dict)
    model_version: str | None = None
    scenarios: list[str] = Field(default_factory=list)
    steps: int | None = None
    replications: int | None = None
    seed: int | None = None
    seed_rule: str | None = None
    seed_plan: dict[str, int] = Field(default_factory=dict)
    method: str | None = None
    parameters: list[str] = Field(default_factory=list)
    parameter_kinds: dict[str, str] = Field(default_factory=dict)
    samples: int | None = None
    design_seed: int | None = None
    problem: dict[str, Any] | None = None
    calc_second_order: bool | None = None
    design_points: list[dict[str, Any]] = Field(default_factory=lambda: [{}])
    outputs: dict[str, Any] = Field(default_factory=dict)
    key_columns: list[str] = Field(default_factory=lambda: list(KEY_COLUMNS))
    versions: dict[str, str | None] = Field(default_factory=dict)
    python: str | None = None
    git_commit: str | None = None
    host: str | None = None
    started: str | None = None
    finished: str | None = None
    status: str | None = None
    runs_planned: int = 0
    runs_done: int = 0
    runs_failed: int = 0
    sessions: list[Session] = Field(default_factory=list)
    parts: dict[str, PartEntry] = Field(default_factory=dict)
    repaired: Repaired | None = None

    @property
    def replicate_seeds(self) -> dict[int, int]:
        """Replicate -> seed (the same in every scenario and design point)."""
        return {int(replicate): seed for replicate, seed in self.seed_plan.items()}

    def to_dict(self) -> dict[str, Any]:
        """The manifest as written to disk (`repaired` only when set)."""
        return self.model_dump(
            by_alias=True, exclude={"repaired"} if self.repaired is None else None
        )

    def to_json(self, indent: int = 2) -> str:
        """The manifest as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, default=str)


def read_manifest(root: Path) -> Manifest:
    """The manifest of results folder `root`.

    Raises:
        ResultsError: when it cannot be read, is not JSON, or is not a batch manifest (naming
            the first field that is wrong).
    """
    path = Path(root) / MANIFEST
    repair = f"rebuild it with `python run.py repair {root}`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"{path}: cannot read the manifest ({error}); {repair}") from None
    if not isinstance(data, dict) or not isinstance(data.get("config_hash"), str):
        raise ResultsError(f"{path}: not a batch manifest (no config_hash); {repair}")
    try:
        return Manifest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise ResultsError(
            f"{path}: not a batch manifest ({where}: {first['msg'].lower()}); {repair}"
        ) from None


def write_manifest(root: Path, manifest: Manifest) -> None:
    """Write the manifest of results folder `root` atomically."""
    write_text(manifest.to_json() + "\n", Path(root) / MANIFEST)


# --------------------------------------------------------------------------------------------
# The listing: the manifest's parts and the journal
# --------------------------------------------------------------------------------------------


def append_journal(root: Path, name: str, entry: PartEntry) -> None:
    """Add a committed chunk to the journal, flushed to disk before its part is renamed."""
    line = json.dumps({"part": name, **entry.model_dump()}, separators=(",", ":")) + "\n"
    with open(Path(root) / JOURNAL, "a", encoding="utf-8") as stream:
        stream.write(line)
        stream.flush()
        os.fsync(stream.fileno())


def read_journal(root: Path) -> dict[str, PartEntry]:
    """The chunks in the journal; a line cut short by a crash (its part never landed) is skipped."""
    path = Path(root) / JOURNAL
    if not path.exists():
        return {}
    entries: dict[str, PartEntry] = {}
    for line in path.read_bytes().splitlines():
        try:
            record = json.loads(line)
            name = record.pop("part")
            if isinstance(name, str):
                entries[name] = PartEntry.model_validate(record)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return entries


def read_listing(root: Path) -> tuple[dict[str, PartEntry], dict[str, PartEntry]]:
    """The chunks listed by the manifest, and those in the journal (empty when absent).

    The journal is read before the manifest, so that a chunk folded into the manifest meanwhile
    is still found. A manifest that cannot be read lists nothing.
    """
    journal = read_journal(root)
    try:
        return read_manifest(root).parts, journal
    except ResultsError:
        return {}, journal
