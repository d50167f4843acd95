"""The batch's record as it goes: the manifest at the start of a session and at its end.

The record itself is `experiments.store.manifest.Manifest`; this module fills it from a config
and its plan (with the provenance: package versions, git commit, host), and moves it from one
state to the next. Each function returns a new manifest; nothing is changed in place.
"""

from __future__ import annotations

import hashlib
import json
import platform
import socket
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from experiments.batch.plan import RunPlan
from experiments.store.layout import KEY_COLUMNS
from experiments.store.manifest import MANIFEST_FORMAT, Manifest, PartEntry, Session
from model.config import ExperimentConfig
from model.version import MODEL_VERSION

PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "dask", "distributed", "SALib")
"""The packages whose versions results depend on."""
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_RULE = (
    "model.streams.replicate_seed(seed, replicate): the same replicate has the same seed in "
    "every scenario and design point"
)


def canonical_json(data: Any) -> str:
    """JSON with sorted keys, no spaces, and every mapping key as text (for hashing)."""
    return json.dumps(_text_keys(data), sort_keys=True, separators=(",", ":"), default=str)


def _text_keys(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {str(k): _text_keys(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_text_keys(v) for v in data]
    return data


def config_hash(config: ExperimentConfig) -> str:
    """sha256 of the canonical JSON of the config as given."""
    return "sha256:" + hashlib.sha256(canonical_json(config.to_dict()).encode()).hexdigest()


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that results depend on."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The commit of the code that runs, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def now() -> str:
    """The time now, as the manifest records it (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def start_manifest(
    config: ExperimentConfig,
    plan: RunPlan,
    previous: Manifest | None,
    source: str | None,
    parts: Mapping[str, PartEntry] | None = None,
) -> Manifest:
    """The manifest of a batch at its start: no run counted yet, `parts` already verified.

    A batch that resumes keeps the start time and the sessions of `previous`.
    """
    design = plan.design
    return Manifest(
        format=MANIFEST_FORMAT,
        name=config.name,
        description=config.description,
        config_path=source,
        config_hash=config_hash(config),
        config=config.to_dict(),
        config_resolved=config.resolved_dict(),
        model_version=MODEL_VERSION,
        scenarios=list(config.scenarios),
        steps=config.steps,
        replications=config.replications,
        seed=config.seed,
        seed_rule=SEED_RULE,
        seed_plan=plan.seed_plan(),
        method=design.method,
        parameters=list(design.parameters),
        parameter_kinds=dict(design.kinds),
        samples=design.samples,
        design_seed=design.seed,
        problem=design.problem(),
        calc_second_order=False if design.method == "sobol" else None,
        design_points=[dict(p) for p in design.points],
        outputs={"agents_every": config.outputs.agents_every},
        key_columns=list(KEY_COLUMNS),
        versions=package_versions(),
        python=platform.python_version(),
        git_commit=git_commit(),
        host=socket.gethostname(),
        started=(previous.started if previous else None) or now(),
        finished=None,
        status="running",
        runs_planned=len(plan),
        runs_done=0,
        runs_failed=0,
        sessions=list(previous.sessions) if previous else [],
        parts=dict(parts or {}),
    )


def session_started(manifest: Manifest, executor: str, done: int) -> Manifest:
    """The manifest once a session starts: a new session entry, `done` runs counted."""
    session = Session(started=now(), finished=None, executor=executor, runs=0, status=None)
    return manifest.model_copy(
        update={"sessions": [*manifest.sessions, session], "runs_done": done}
    )


def session_ended(
    manifest: Manifest, status: str, planned: int, done: int, failed: int, succeeded: int
) -> Manifest:
    """The manifest once a session ends: its status, the counts, and the session's entry."""
    finished = now()
    sessions = list(manifest.sessions)
    if sessions:
        update = {"finished": finished, "runs": succeeded, "status": status}
        sessions[-1] = sessions[-1].model_copy(update=update)
    return manifest.model_copy(
        update={
            "status": status,
            "finished": finished,
            "runs_planned": planned,
            "runs_done": done,
            "runs_failed": failed,
            "sessions": sessions,
        }
    )
