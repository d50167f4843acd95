"""The debrief of a room: the class's run beside the strategies' run, and the run as a scenario.

`strategy_run` runs the same scenario of the same config on the same seed for as many weeks,
with every side following its strategy and every outlet its configured bias: the run the class
replaced. `comparison` puts the two side by side in the comparison library's shape (the
Compare page's charts draw it) and `differences` gives the difference the class made in points
at the last week. `scenario_config` writes the class's run as a config that `run.py batch`
replays exactly: each side `scripted` with the actions it took week by week, and the outlets'
chosen biases as the model's `bias_schedule`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml

from agents.strategies import ALL_STRATEGY_KEYS
from classroom.room import Room, week_actions
from dashboards.compare_page import ComparisonData
from model.live import LiveRun

CLASS = "class"
STRATEGIES = "strategies"
"""The two runs' names in the comparison."""

METRICS = (
    ("legitimacy_negotiator", "Legitimacy of N"),
    ("legitimacy_adversary", "Legitimacy of A"),
    ("narrative_share", "Narrative share"),
    ("blame_adversary", "Blame on A"),
    ("polarization", "Polarization"),
)
"""The output columns the debrief compares, with their labels."""


def played_weeks(room: Room) -> int:
    """Weeks the class played."""
    return room.run.step_count


def strategy_run(room: Room) -> LiveRun:
    """The room's scenario and seed over the weeks played, everyone following the config."""
    weeks = played_weeks(room)
    run = LiveRun(room.run.spec, room.run.seed, max(weeks, 1))
    run.step(weeks)
    return run


def comparison(room: Room, metric: str, baseline: LiveRun | None = None) -> ComparisonData:
    """The class's run and the strategies' run of `metric`, shaped as the Compare page's data.

    Single runs have no band: low and high equal the value. `curves` holds the class's run
    minus the strategies' run, week by week.
    """
    baseline = baseline if baseline is not None else strategy_run(room)
    ours = room.run.tables().timeseries[["step", metric]]
    theirs = baseline.tables().timeseries[["step", metric]]
    bands = pd.concat(
        [
            pd.DataFrame({"scenario": name, "step": t["step"], "mean": t[metric]})
            for name, t in ((CLASS, ours), (STRATEGIES, theirs))
        ],
        ignore_index=True,
    )
    bands["low"] = bands["mean"]
    bands["high"] = bands["mean"]
    gap = ours[metric].to_numpy() - theirs[metric].to_numpy()
    curves = pd.DataFrame({"scenario": CLASS, "step": ours["step"], "mean": gap})
    curves["low"] = curves["mean"]
    curves["high"] = curves["mean"]
    return ComparisonData(bands, differences(room, baseline), curves, (STRATEGIES, CLASS))


def differences(room: Room, baseline: LiveRun | None = None) -> pd.DataFrame:
    """At the last week played: each metric in both runs and the class's difference in points.

    A point is one hundredth of the index (the indices run from 0 to 1).
    """
    baseline = baseline if baseline is not None else strategy_run(room)
    ours = room.run.tables().timeseries.iloc[-1]
    theirs = baseline.tables().timeseries.iloc[-1]
    rows = [
        {
            "measure": label,
            "class": float(ours[column]),
            "strategies": float(theirs[column]),
            "difference_points": 100.0 * (float(ours[column]) - float(theirs[column])),
        }
        for column, label in METRICS
    ]
    return pd.DataFrame(rows)


def scenario_config(room: Room) -> dict[str, Any]:
    """A config that replays the class's run in batch, bit for bit (one scenario, one run).

    Its `model` is the room's resolved scenario with each side `scripted` on the actions it
    took and the outlets' chosen biases in `bias_schedule`; its seed is the config's, so that
    replicate 0 runs on the room's seed; `steps` is the number of weeks played.
    """
    spec = room.run.spec
    model = spec.to_dict()
    for side, taken in week_actions(room).items():
        timeline, previous = {}, None
        for week, action in sorted(taken.items()):
            if action is not previous:
                timeline[week] = action.value
            previous = action
        data = {k: v for k, v in model[side].items() if k not in ALL_STRATEGY_KEYS}
        model[side] = {**data, "strategy": "scripted", "timeline": timeline or {1: "engage"}}
    schedule: dict[int, dict[str, float]] = {}
    for week in sorted({*room.slants, *spec.bias_schedule}):
        merged = {**room.slants.get(week, {}), **spec.bias_schedule.get(week, {})}
        if merged:
            schedule[int(week)] = merged
    model["bias_schedule"] = schedule
    model["salience_shocks"] = {int(k): float(v) for k, v in spec.salience_shocks.items()}
    config = room.config
    return {
        "name": f"{config.name}-class",
        "description": (
            f"The class's run of {config.name} / {room.scenario}, {played_weeks(room)} weeks, "
            "replayed: each side scripted on the actions it took"
        ),
        "steps": max(played_weeks(room), 1),
        "replications": 1,
        "seed": config.seed,
        "model": model,
        "scenarios": {CLASS: None},
    }


def scenario_yaml(room: Room) -> str:
    """`scenario_config` as YAML text."""
    return yaml.safe_dump(scenario_config(room), sort_keys=False, allow_unicode=True)
