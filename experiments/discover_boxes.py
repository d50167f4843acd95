"""The boxes of scenario discovery: PRIM and CART from EMA Workbench, and feature scores.

`prim_boxes` runs EMA Workbench's PRIM (Friedman & Fisher 1999) as a covering: it peels a box
around the marked design points, picks a box from the peeling trajectory (`choose`: the
highest coverage among the boxes of at least `min_density`; the densest box when none reaches
it), drops on request the restrictions that chance alone could have made (quasi-p value above
`max_qp`; Bryant & Lempert 2010 advise it, and the summary flags them either way), removes the
points inside and looks again, up to `max_boxes`. Every box carries its
statistics (coverage: the share of all marked points inside; density: the share of the points
inside that are marked; mass: the share of all points inside), its restricted dimensions with
their quasi-p values (Bryant & Lempert 2010) and its whole trajectory to choose from.
`cart_boxes` takes the leaves of EMA's CART tree that reach `min_density`. `feature_scores`
ranks every swept parameter by extra-trees importance (EMA's `get_ex_feature_scores`), for the
marks and for the value itself. Switches enter as 0 and 1. EMA Workbench is imported only when
a function here runs, and its figure settings are not kept.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.discover_marks import Marked
from experiments.errors import UsageError

METHODS = ("prim", "cart")
MIN_DENSITY = 0.8
"""A box is chosen among those at least this dense (the share of its points that are marked)."""
MAX_BOXES = 3
MASS_MIN = 0.05
"""PRIM stops peeling, and a CART leaf stops splitting, at this share of the design points."""
CHANCE_QP = 0.05
"""A restriction whose quasi-p value exceeds this could be chance (Bryant & Lempert 2010)."""
MAX_QP = 1.0
"""PRIM drops a restriction whose quasi-p value exceeds this (1: keeps every restriction)."""
RANDOM_STATE = 20261125
"""Seed of the extra trees and of CART's tie-breaking: the same results give the same boxes."""


def _ema_analysis() -> Any:
    """EMA Workbench's analysis package, imported without changing matplotlib's settings."""
    import matplotlib

    with warnings.catch_warnings(), matplotlib.rc_context():
        warnings.simplefilter("ignore")
        import ema_workbench.analysis as analysis
    return analysis


@dataclass
class Box:
    """A box of parameter ranges that holds marked design points.

    Attributes:
        number: 1, 2, ... in the order found.
        method: ``prim`` or ``cart``.
        coverage: the share of all marked points that the box holds.
        density: the share of the box's points that are marked.
        mass: the share of all points in the box.
        points: design points in the box.
        marked: marked design points in the box.
        limits: one row per swept parameter: parameter, low, high (the box), sweep_low,
            sweep_high (the design's range), restricted, qp_low, qp_high (quasi-p values of the
            restricted ends; PRIM only).
        members: the design points in the box.
        meets_density: whether the box picked from the trajectory (for PRIM, before its
            chance restrictions were dropped) reaches the chosen density.
        trajectory: PRIM's peeling trajectory (id, coverage, density, mass, res_dim, n, k,
            dropped: a box made by dropping a restriction, picked: the box chosen on the
            trajectory, chosen: the box reported); empty for CART.
        dropped: the restrictions dropped as chance (PRIM), in the order dropped.
        replay_point: the design point its replay config replays.
        replay: that config (see `experiments.discover_replay.replay_config`).
    """

    number: int
    method: str
    coverage: float
    density: float
    mass: float
    points: int
    marked: int
    limits: pd.DataFrame
    members: list[int]
    meets_density: bool
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: list[str] = field(default_factory=list)
    replay_point: int | None = None
    replay: dict[str, Any] | None = None

    @property
    def restricted(self) -> list[str]:
        """The parameters whose range the box narrows."""
        return self.limits.loc[self.limits["restricted"], "parameter"].tolist()


def design_matrix(marked: Marked) -> pd.DataFrame:
    """The swept parameters of every design point, switches as 0 and 1 (PRIM's x)."""
    x = marked.points[marked.parameters].reset_index(drop=True).copy()
    for column in x.columns:
        if x[column].dtype == bool or pd.api.types.is_integer_dtype(x[column]):
            x[column] = x[column].astype("int64")
        else:
            x[column] = x[column].astype("float64")
    return x


def choose(trajectory: pd.DataFrame, min_density: float) -> tuple[int, bool]:
    """The box to take from a peeling trajectory, and whether it reaches `min_density`.

    The highest coverage among the boxes of at least `min_density` (then the fewest restricted
    dimensions, then the highest density); the densest box (then the highest coverage) when
    none reaches it.
    """
    table = trajectory.reset_index(drop=True)
    dense = table[table["density"] >= min_density - 1e-12]
    if len(dense):
        order = dense.sort_values(
            ["coverage", "res_dim", "density"], ascending=[False, True, False], kind="stable"
        )
        return int(order.index[0]), True
    order = table.sort_values(["density", "coverage"], ascending=False, kind="stable")
    return int(order.index[0]), False


def _limits(x: pd.DataFrame, box: pd.DataFrame, qp: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for column in x.columns:
        low, high = float(box[column].iloc[0]), float(box[column].iloc[1])
        sweep_low, sweep_high = float(x[column].min()), float(x[column].max())
        ends = [np.nan if v is None or v < 0 else float(v) for v in qp.get(column, [])]
        rows.append(
            {
                "parameter": column,
                "low": low,
                "high": high,
                "sweep_low": sweep_low,
                "sweep_high": sweep_high,
                "restricted": bool(low > sweep_low or high < sweep_high),
                "qp_low": ends[0] if ends else np.nan,
                "qp_high": ends[1] if len(ends) > 1 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def inside(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    """Which rows of `x` lie inside a box's limits (both ends included)."""
    mask = np.ones(len(x), dtype=bool)
    for row in limits.itertuples():
        values = x[row.parameter].to_numpy(dtype=float)
        mask &= (values >= row.low) & (values <= row.high)
    return mask


def _largest_qp(qp: dict[str, list[float]]) -> tuple[str | None, float]:
    """The restricted dimension with the largest quasi-p value, and that value."""
    worst, value = None, -1.0
    for name, ends in qp.items():
        here = max((v for v in ends if v is not None and v >= 0), default=-1.0)
        if here > value:
            worst, value = name, here
    return worst, value


def drop_chance_restrictions(found: Any, index: int, max_qp: float) -> tuple[int, list[str]]:
    """Drop the restrictions that chance could have made, the least likely first.

    While the largest quasi-p value of the box's restrictions exceeds `max_qp`, that
    restriction is dropped (EMA's `drop_restriction`); at least one restriction stays.

    Returns:
        The index of the resulting box on the (extended) trajectory, and the restrictions
        dropped.
    """
    dropped = []
    while len(found.p_values[index]) > 1:
        worst, value = _largest_qp(found.p_values[index])
        if worst is None or value <= max_qp:
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found.drop_restriction(worst, index)
        dropped.append(str(worst))
        index = len(found.peeling_trajectory) - 1
    return index, dropped


def prim_boxes(
    marked: Marked,
    min_density: float = MIN_DENSITY,
    max_boxes: int = MAX_BOXES,
    mass_min: float = MASS_MIN,
    max_qp: float = MAX_QP,
) -> list[Box]:
    """PRIM's boxes around the marked design points (module docstring)."""
    analysis = _ema_analysis()
    # PRIM pastes a box's limits back to midpoints between values: integer parameters enter
    # as floats, else pandas refuses a midpoint such as 5.5 in an integer column.
    x = design_matrix(marked).astype("float64")
    y = marked.points["marked"].to_numpy(dtype=int)
    design = marked.points["design_point"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prim = analysis.Prim(x, y, mass_min=mass_min)
    boxes: list[Box] = []
    taken = np.zeros(len(y), dtype=bool)
    while len(boxes) < max_boxes and y[~taken].sum() > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = prim.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory.reset_index(drop=True)
        index, dense = choose(trajectory, min_density)
        if boxes and not dense:
            break
        peeled, picked = len(trajectory), index
        index, dropped = drop_chance_restrictions(found, index, max_qp)
        found.select(index)
        trajectory = found.peeling_trajectory.reset_index(drop=True)
        row = trajectory.iloc[index]
        table = trajectory[["id", "coverage", "density", "mass", "res_dim", "n", "k"]].copy()
        table["dropped"] = table.index >= peeled
        table["picked"] = table.index == picked
        table["chosen"] = table.index == index
        positions = np.asarray(found.yi, dtype=int)
        taken[positions] = True
        members = np.sort(design[positions])
        boxes.append(
            Box(
                number=len(boxes) + 1,
                method="prim",
                coverage=float(row["coverage"]),
                density=float(row["density"]),
                mass=float(row["mass"]),
                points=int(row["n"]),
                marked=int(row["k"]),
                limits=_limits(x, found.box_lims[index], found.p_values[index]),
                members=[int(d) for d in members],
                meets_density=dense,
                trajectory=table,
                dropped=dropped,
            )
        )
        if int(row["k"]) == 0:
            break
    return boxes


def cart_boxes(
    marked: Marked,
    min_density: float = MIN_DENSITY,
    max_boxes: int = MAX_BOXES,
    mass_min: float = MASS_MIN,
) -> list[Box]:
    """The leaves of EMA's CART tree that reach `min_density`, by coverage (the densest if none)."""
    from sklearn.tree import DecisionTreeClassifier

    analysis = _ema_analysis()
    x = design_matrix(marked)
    y = marked.points["marked"].to_numpy(dtype=int)
    design = marked.points["design_point"].to_numpy()
    cart = analysis.CART(x, y, mass_min=mass_min)
    # EMA's build_tree with a fixed random state, so that ties between splits break the same way.
    cart.clf = DecisionTreeClassifier(
        min_samples_leaf=max(1, int(mass_min * len(x))), random_state=RANDOM_STATE
    )
    cart.clf.fit(pd.get_dummies(x, prefix_sep=cart.sep).to_numpy(), y)
    leaves = [
        (box, stats)
        for box, stats in zip(cart.boxes, cart.stats, strict=True)
        if stats["density"] > 0
    ]
    dense = [leaf for leaf in leaves if leaf[1]["density"] >= min_density - 1e-12]
    if dense:
        chosen = sorted(dense, key=lambda leaf: -leaf[1]["coverage"])[:max_boxes]
    else:
        chosen = sorted(leaves, key=lambda leaf: (-leaf[1]["density"], -leaf[1]["coverage"]))[:1]
    boxes = []
    for number, (box, stats) in enumerate(chosen, 1):
        limits = _limits(x, box, {})
        mask = inside(x, limits)
        boxes.append(
            Box(
                number=number,
                method="cart",
                coverage=float(stats["coverage"]),
                density=float(stats["density"]),
                mass=float(stats["mass"]),
                points=int(mask.sum()),
                marked=int(y[mask].sum()),
                limits=limits,
                members=[int(d) for d in np.sort(design[mask])],
                meets_density=bool(dense),
            )
        )
    return boxes


def feature_scores(marked: Marked) -> pd.DataFrame:
    """Extra-trees importance of every swept parameter for the marks and for the value.

    Columns parameter, marked (classification of the marks; NaN when every point or none is
    marked), value (regression on the value); sorted by the first, then the second.
    """
    analysis = _ema_analysis()
    x = design_matrix(marked)
    features = max(1, round(x.shape[1] / 3))
    targets = {"value": (marked.points["value"].to_numpy(dtype=float), "REGRESSION")}
    y = marked.points["marked"].to_numpy(dtype=int)
    if 0 < y.sum() < len(y):
        targets["marked"] = (y, "CLASSIFICATION")
    table = pd.DataFrame({"parameter": list(x.columns)})
    for name, (values, mode) in targets.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores, _ = analysis.get_ex_feature_scores(
                x,
                values,
                mode=getattr(analysis.RuleInductionType, mode),
                max_features=features,
                random_state=RANDOM_STATE,
            )
        table[name] = table["parameter"].map(scores.iloc[:, 0]).astype(float)
    if "marked" not in table:
        table["marked"] = np.nan
    table = table[["parameter", "marked", "value"]]
    return table.sort_values(["marked", "value"], ascending=False, na_position="last").reset_index(
        drop=True
    )


def find_boxes(
    marked: Marked,
    method: str = "prim",
    min_density: float = MIN_DENSITY,
    max_boxes: int = MAX_BOXES,
    mass_min: float = MASS_MIN,
    max_qp: float = MAX_QP,
) -> list[Box]:
    """The boxes by `method` (``prim`` or ``cart``).

    Raises:
        UsageError: an unknown method or an option out of range.
    """
    if method not in METHODS:
        raise UsageError(f"--method: expected one of {', '.join(METHODS)}, found {method!r}")
    if not 0 < min_density <= 1:
        raise UsageError(f"--min-density: expected a number in (0, 1], found {min_density:g}")
    if not 0 < mass_min < 1:
        raise UsageError(f"--mass-min: expected a number in (0, 1), found {mass_min:g}")
    if max_boxes < 1:
        raise UsageError(f"--boxes: expected an integer >= 1, found {max_boxes}")
    if not 0 < max_qp <= 1:
        raise UsageError(f"--max-qp: expected a number in (0, 1], found {max_qp:g}")
    if method == "prim":
        return prim_boxes(marked, min_density, max_boxes, mass_min, max_qp)
    return cart_boxes(marked, min_density, max_boxes, mass_min)
