"""What scenario discovery found: the boxes, the feature scores and the runs to replay.

`analyse` takes the marked design points of a swept batch (`experiments.discover`), finds the
boxes and feature scores (`experiments.discover_boxes`) and gives every box the design point
that stands for it and a config that replays it (`experiments.discover_replay`). A `Discovery`
holds all of it: `boxes`, `scores`, `representatives()` (every run of every box with its seed)
and `replay(box, design_point, replicate)` (any of those runs as a config, a scenario and a
seed), which is what a results browser needs to list the boxes and open a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.discover_boxes import MASS_MIN, MAX_BOXES, MAX_QP, MIN_DENSITY, Box, find_boxes
from experiments.discover_boxes import feature_scores as score_parameters
from experiments.discover_marks import Marked
from experiments.discover_replay import Replay, replay_config, replay_point
from experiments.errors import UsageError
from experiments.store import Results


@dataclass
class Discovery:
    """What scenario discovery found in a swept batch.

    Attributes:
        results: the results folder.
        marked: the design points, their values and marks.
        method: ``prim`` or ``cart``.
        min_density: the density a box was chosen at.
        max_qp: the largest quasi-p value a restriction of a PRIM box may keep.
        boxes: the boxes, each with its representative runs and replay config.
        scores: feature scores of every swept parameter.
        files: what was written, by name (empty until written).
    """

    results: Results
    marked: Marked
    method: str
    min_density: float
    max_qp: float
    boxes: list[Box]
    scores: pd.DataFrame
    files: dict[str, Any] = field(default_factory=dict)

    def replay(self, box: int, design_point: int | None = None, replicate: int = 0) -> Replay:
        """A run of box `box` (its representative design point unless one is given) to replay.

        Raises:
            UsageError: an unknown box, or a design point or replicate not in the box's runs.
        """
        numbers = [b.number for b in self.boxes]
        if box not in numbers:
            raise UsageError(f"box: expected one of {numbers}, found {box}")
        chosen = self.boxes[numbers.index(box)]
        point = chosen.replay_point if design_point is None else design_point
        if point not in chosen.members:
            raise UsageError(f"design point: expected one inside box {box}, found {point}")
        runs = self.marked.runs
        run = runs[(runs["design_point"] == point) & (runs["replicate"] == replicate)]
        if run.empty:
            raise UsageError(f"replicate: no run {replicate} at design point {point}")
        target = self.marked.target
        config = replay_config(self.results, int(point), target.scenarios)
        return Replay(config, target.scenario, int(run["seed"].iloc[0]), int(point), replicate)

    def representatives(self) -> pd.DataFrame:
        """Every run of every box, with its seed.

        Columns box, design_point, the parameters, replicate, seed, value (this run's),
        point_value (the mean over the point's replicates), marked, replayed (the design point
        of the box's replay config).
        """
        points = self.marked.points.set_index("design_point")
        frames = []
        for box in self.boxes:
            runs = self.marked.runs[self.marked.runs["design_point"].isin(box.members)].copy()
            for p in self.marked.parameters:
                runs.insert(
                    runs.columns.get_loc("replicate"), p, runs["design_point"].map(points[p])
                )
            runs["point_value"] = runs["design_point"].map(points["value"])
            runs["marked"] = runs["design_point"].map(points["marked"]).astype(bool)
            runs["replayed"] = runs["design_point"] == box.replay_point
            runs.insert(0, "box", box.number)
            frames.append(runs)
        columns = ["box", "design_point", *self.marked.parameters, "replicate", "seed", "value"]
        if not frames:
            return pd.DataFrame(columns=[*columns, "point_value", "marked", "replayed"])
        return pd.concat(frames, ignore_index=True)


def analyse(
    results: Results,
    marked: Marked,
    method: str = "prim",
    min_density: float = MIN_DENSITY,
    max_boxes: int = MAX_BOXES,
    mass_min: float = MASS_MIN,
    max_qp: float = MAX_QP,
) -> Discovery:
    """Boxes, feature scores and, for every box, the design point it replays and its config."""
    boxes = find_boxes(marked, method, min_density, max_boxes, mass_min, max_qp)
    replayable = bool(results.manifest.config)
    for box in boxes:
        if not box.members:
            continue
        box.replay_point = replay_point(marked, box)
        if replayable:
            box.replay = replay_config(results, box.replay_point, marked.target.scenarios)
    scores = score_parameters(marked)
    return Discovery(results, marked, method, min_density, max_qp, boxes, scores)
