"""What a session can take away: its run as a scenario (YAML), a chart's data (CSV), or all.

"Export the session" gives one zip archive (`session_archive`) with every table of the
running run and of each pinned run (`ARCHIVE_TABLES`, CSV at full precision), the changes
of action, the scenario YAML that replays the running run, and a `session.json` saying what
is in it.

"Save as scenario" writes a config whose one scenario replays the session exactly: both sides
follow `scripted` timelines of the actions they actually took, `model` holds the running
model's resolved parameters, and `seed` is the session's base seed (the run seed is replicate
0's). The config is checked before it is offered: it must validate and rebuild the running
model's parameters and seed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any

import pandas as pd
import yaml

from agents.actions import SIDES
from agents.strategies import ALL_STRATEGY_KEYS
from dashboards.form import SessionError, check_role
from model.config import NAME_PATTERN, ConfigError, ModelSpec, load_config
from model.live import LiveRun
from model.streams import replicate_seed
from model.version import MODEL_VERSION

ARCHIVE_TABLES: dict[str, str] = {
    "timeseries": "every model-level output per week (the run table of MODEL_SPEC)",
    "blocs": "each bloc's outputs per week",
    "media": "each outlet's reports and stances per week",
    "events": "both sides' action every week, and whether an intervention forced it",
    "action_changes": "each change of action: week, side, from, to, cause",
    "redline": "the negotiator's estimate of the adversary's red line per week",
}
"""The tables of a run in the session archive (file stem: what it holds)."""


def timeline(events: pd.DataFrame, role: str) -> dict[int, str]:
    """Side `role`'s actions in `events` as a scripted timeline: {step: action} at each change."""
    check_role(role)
    steps: dict[int, str] = {}
    previous = None
    for step, side, action in events[["step", "side", "action"]].itertuples(index=False):
        if side == role and action != previous:
            steps[int(step)] = action
            previous = action
    return steps


def scenario_config(
    run: LiveRun, base_seed: int, about: str, name: str = "dashboard_session"
) -> dict[str, Any]:
    """The run as an experiment config whose one scenario, `name`, replays it exactly.

    `base_seed` is the seed the run's seed derives from (replicate 0's); `about` says where
    the run came from (the config and scenario), for the description.

    Raises:
        SessionError: before the first step, for a bad name, or if the saved config would
            not rebuild the running model.
    """
    if not re.fullmatch(NAME_PATTERN, name or ""):
        raise SessionError(f"scenario name: expected only letters, digits, - and _, found {name!r}")
    if run.step_count < 1:
        raise SessionError("save as scenario: take at least one step first")
    events = run.events()
    data = {
        "name": name,
        "description": (
            f"Both sides' actions in a dashboard session on {about}, replayed as scripted timelines"
        ),
        "steps": run.step_count,
        "replications": 1,
        "seed": base_seed,
        "model": _without_strategies(run.spec),
        "scenarios": {
            name: {
                role: {"strategy": "scripted", "timeline": timeline(events, role)} for role in SIDES
            }
        },
    }
    _check_replays(data, name, run)
    return data


def scenario_yaml(data: dict[str, Any]) -> str:
    """A saved scenario config as YAML text, with a header saying how to replay it."""
    name = data["name"]
    header = (
        f"# Saved from the live dashboard: {data['description']}.\n"
        f"# Replay: python run.py batch {name}.yaml  (or: python run.py run {name}.yaml)\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A chart's data as a CSV file (UTF-8, no index)."""
    return frame.to_csv(index=False).encode("utf-8")


def _check_replays(data: dict[str, Any], name: str, run: LiveRun) -> None:
    """Raise SessionError unless the saved config rebuilds the run's spec (strategies aside)."""
    try:
        saved = load_config(data, source="saved scenario")
    except ConfigError as error:
        raise SessionError("; ".join(error.lines)) from None
    if _without_strategies(saved.scenario_spec(name)) != _without_strategies(run.spec):
        raise SessionError("saved scenario would not rebuild the running model's parameters")
    if replicate_seed(saved.seed, 0) != run.seed:
        raise SessionError("saved scenario would not reproduce the running model's seed")


def _without_strategies(spec: ModelSpec) -> dict[str, Any]:
    """A resolved model as a config spells it, without either side's strategy."""
    data = spec.to_dict()
    for role in SIDES:
        for key in [k for k in data[role] if k == "strategy" or k in ALL_STRATEGY_KEYS]:
            del data[role][key]
    return data


def session_archive(
    tables: dict[str, pd.DataFrame],
    pinned: Sequence[tuple[str, str, dict[str, pd.DataFrame]]],
    scenario_text: str,
    about: dict[str, Any],
) -> bytes:
    """The whole session as a zip archive: the run, the pinned runs, the scenario, a manifest.

    `tables` holds the running run's tables by `ARCHIVE_TABLES` name; `pinned` holds (label,
    what it ran, tables) per pinned run, stored under ``pinned/<n>/``; `scenario_text` is the
    YAML that replays the running run; `about` goes into ``session.json`` with the list of
    files.
    """
    missing = [name for name in ARCHIVE_TABLES if name not in tables]
    if missing:
        raise SessionError(f"export: missing tables {', '.join(missing)}")
    buffer = io.BytesIO()
    files: dict[str, str] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, data: bytes, what: str) -> None:
            archive.writestr(name, data)
            files[name] = what

        for name, what in ARCHIVE_TABLES.items():
            write(f"run/{name}.csv", csv_bytes(tables[name]), what)
        runs = []
        for n, (label, ran, pinned_tables) in enumerate(pinned, start=1):
            for name, what in ARCHIVE_TABLES.items():
                write(f"pinned/{n}/{name}.csv", csv_bytes(pinned_tables[name]), f"{label}: {what}")
            runs.append({"folder": f"pinned/{n}", "label": label, "ran": ran})
        write("scenario.yaml", scenario_text.encode("utf-8"), "the scenario that replays the run")
        manifest = {**about, "model_version": MODEL_VERSION, "pinned": runs, "files": files}
        archive.writestr("session.json", json.dumps(manifest, indent=2, default=str))
    return buffer.getvalue()
