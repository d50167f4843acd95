"""Sensitivity and robustness over a sweep: Sobol indices, grids, and where claims hold.

`sobol_indices` computes first-order and total Sobol indices (Saltelli 2002; Jansen 1999,
via SALib) of a metric from a ``sobol`` batch; `grid_table` and `final_values` give the final
value of a metric per design point for heatmaps and parameter plots; `claim_robustness` says in
which design points each contestable claim of the model holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import sobol

from experiments.claims import Claim
from experiments.compare import bootstrap_mean_interval, paired_matrix


def final_values(
    frame: pd.DataFrame, metric: str, at: int | None = None, parameters: Sequence[str] = ()
) -> pd.DataFrame:
    """Mean of `metric` over replicates at step `at` (default: last).

    One row per scenario and design point, with the swept parameters' values as columns.
    """
    step = int(frame["step"].max()) if at is None else int(at)
    here = frame[frame["step"] == step]
    keys = ["scenario", "design_point", *[p for p in parameters if p in here.columns]]
    table = here.groupby(keys, sort=True, observed=True)[metric].agg(["mean", "count"])
    return table.reset_index().rename(columns={"mean": metric, "count": "replicates"})


def sobol_indices(
    frame: pd.DataFrame,
    problem: Mapping[str, Any],
    metric: str,
    at: int | None = None,
    level: float = 0.95,
    seed: int = 20261125,
) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices of `metric` per scenario, with intervals.

    `problem` is SALib's problem (names, bounds, num_vars) of the Saltelli design the batch
    sampled without second-order terms; the model output of design point k is the mean of the
    metric over replicates at step `at`. Returns scenario, parameter, S1, S1_conf, ST, ST_conf
    (the half-widths of SALib's bootstrap intervals at `level`).
    """
    rows = []
    for scenario, values in final_values(frame, metric, at).groupby("scenario", sort=False):
        y = values.sort_values("design_point")[metric].to_numpy(dtype=float)
        result = sobol.analyze(
            dict(problem),
            y,
            calc_second_order=False,
            conf_level=level,
            seed=seed,
            print_to_console=False,
        )
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "scenario": scenario,
                    "parameter": name,
                    "S1": float(result["S1"][i]),
                    "S1_conf": float(result["S1_conf"][i]),
                    "ST": float(result["ST"][i]),
                    "ST_conf": float(result["ST_conf"][i]),
                }
            )
    return pd.DataFrame(rows)


def grid_table(
    frame: pd.DataFrame,
    metric: str,
    first: str,
    second: str,
    scenario: str,
    at: int | None = None,
) -> pd.DataFrame:
    """The final value of `metric` in `scenario` over a grid of two swept parameters.

    A table with `first` as rows and `second` as columns.
    """
    table = final_values(frame, metric, at, [first, second])
    table = table[table["scenario"] == scenario]
    return table.pivot_table(index=first, columns=second, values=metric)


def claim_robustness(
    frame: pd.DataFrame, claims: Sequence[Claim], parameters: Sequence[str] = ()
) -> pd.DataFrame:
    """Where each claim holds: its paired difference per design point.

    For each applicable claim and design point: the paired difference and whether it has the
    claimed sign (and whether its interval excludes zero on that side).

    Returns claim, design_point, the swept parameters, step, pairs, mean, low, high, holds
    (mean has the claimed sign) and holds_clearly (the whole interval has it).
    """
    scenarios = set(frame["scenario"].astype(str))
    rows = []
    points = frame.drop_duplicates("design_point").set_index("design_point")
    for claim in claims:
        if not claim.applies_to(scenarios):
            continue
        for design_point in sorted(frame["design_point"].unique()):
            steps, treatment, control = paired_matrix(
                frame, claim.metric, claim.treatment, claim.control, int(design_point)
            )
            if treatment.shape[0] == 0:
                continue
            step = int(steps[-1]) if claim.step is None else int(claim.step)
            column = int(np.searchsorted(steps, step))
            mean, low, high = bootstrap_mean_interval(treatment[:, column] - control[:, column])
            rows.append(
                {
                    "claim": claim.name,
                    "design_point": int(design_point),
                    **{p: points.loc[design_point, p] for p in parameters if p in points},
                    "step": step,
                    "pairs": treatment.shape[0],
                    "mean": float(mean),
                    "low": float(low),
                    "high": float(high),
                    "holds": bool(np.sign(mean) == claim.sign),
                    "holds_clearly": bool((low > 0) if claim.sign > 0 else (high < 0)),
                }
            )
    return pd.DataFrame(rows)


def robustness_summary(robustness: pd.DataFrame, claims: Sequence[Claim]) -> pd.DataFrame:
    """Per claim: how many design points, and the share where it holds (and holds clearly)."""
    if robustness.empty:
        return pd.DataFrame(
            columns=["claim", "claim_text", "design_points", "holds", "holds_clearly"]
        )
    text = {c.name: c.text for c in claims}
    summary = robustness.groupby("claim", sort=False).agg(
        design_points=("design_point", "count"),
        holds=("holds", "mean"),
        holds_clearly=("holds_clearly", "mean"),
    )
    summary.insert(0, "claim_text", [text[name] for name in summary.index])
    return summary.reset_index()
