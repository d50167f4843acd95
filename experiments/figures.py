"""Figures of a comparison (matplotlib, written as PNG files).

Every figure says in its caption that it shows model indices, not forecasts. Colours come from
`experiments.palette` (Okabe-Ito, safe for colour-blind readers), shared with the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.io import write_atomic
from experiments.palette import SCENARIO_COLOURS

CAPTION = "Model indices from simulated ensembles, not forecasts."


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.text(0.01, 0.005, CAPTION, fontsize=7, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    write_atomic(path, lambda temp: fig.savefig(temp, format="png", dpi=110))
    plt.close(fig)
    return path


def trajectories(bands: pd.DataFrame, metric: str, path: Path) -> Path:
    """Ensemble mean of `metric` over time per scenario with its 95% interval band.

    With several design points each gets its own thin line and no band.
    """
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, (scenario, rows) in enumerate(bands.groupby("scenario", sort=False)):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        points = rows["design_point"].unique()
        for k, (_, one) in enumerate(rows.groupby("design_point")):
            label = scenario if k == 0 else None
            if len(points) == 1:
                ax.fill_between(
                    one["step"], one["low"], one["high"], color=colour, alpha=0.25, linewidth=0
                )
                ax.plot(one["step"], one["mean"], color=colour, label=label, linewidth=2)
            else:
                ax.plot(
                    one["step"], one["mean"], color=colour, label=label, linewidth=0.8, alpha=0.7
                )
    ax.set_xlabel("step (week)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric}: ensemble mean with 95% Monte Carlo interval")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _save(fig, path)


def difference_curves(
    curves: Mapping[str, pd.DataFrame], metric: str, baseline: str, path: Path
) -> Path:
    """Paired difference from the baseline over time, one line and band per scenario."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.axhline(0.0, color="#333333", linewidth=0.8)
    for i, (scenario, curve) in enumerate(curves.items()):
        colour = SCENARIO_COLOURS[(i + 1) % len(SCENARIO_COLOURS)]
        ax.fill_between(
            curve["step"], curve["low"], curve["high"], color=colour, alpha=0.25, linewidth=0
        )
        ax.plot(curve["step"], curve["mean"], color=colour, linewidth=2, label=scenario)
    ax.set_xlabel("step (week)")
    ax.set_ylabel(f"difference in {metric}")
    ax.set_title(f"{metric}: scenario minus {baseline}, paired by seed (95% bootstrap band)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _save(fig, path)


def sobol_bars(indices: pd.DataFrame, metric: str, path: Path) -> Path:
    """First-order and total Sobol indices per parameter with their intervals."""
    scenarios = list(dict.fromkeys(indices["scenario"]))
    fig, axes = plt.subplots(
        1, len(scenarios), figsize=(4 + 3 * len(scenarios), 4.5), squeeze=False
    )
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        rows = indices[indices["scenario"] == scenario]
        x = np.arange(len(rows))
        ax.bar(
            x - 0.2,
            rows["S1"],
            0.4,
            yerr=rows["S1_conf"],
            color=SCENARIO_COLOURS[0],
            label="first order S1",
            capsize=3,
        )
        ax.bar(
            x + 0.2,
            rows["ST"],
            0.4,
            yerr=rows["ST_conf"],
            color=SCENARIO_COLOURS[1],
            label="total ST",
            capsize=3,
        )
        ax.set_xticks(x, rows["parameter"], rotation=30, ha="right", fontsize=8)
        ax.set_title(scenario, fontsize=10)
        ax.set_ylim(bottom=min(0.0, float((rows["S1"] - rows["S1_conf"]).min())))
        ax.grid(alpha=0.3, axis="y")
    axes[0][0].set_ylabel(f"Sobol index of {metric}")
    axes[0][0].legend(fontsize=8, frameon=False)
    return _save(fig, path)


def heatmap(
    table: pd.DataFrame, metric: str, title: str, path: Path, diverging: bool = False
) -> Path:
    """A heatmap of a table (rows: one parameter, columns: another)."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    values = table.to_numpy(dtype=float)
    if diverging:
        bound = float(np.nanmax(np.abs(values))) or 1.0
        image = ax.imshow(
            values, cmap="PuOr", vmin=-bound, vmax=bound, origin="lower", aspect="auto"
        )
    else:
        image = ax.imshow(values, cmap="viridis", origin="lower", aspect="auto")
    ax.set_xticks(range(len(table.columns)), [f"{v:g}" for v in table.columns], fontsize=8)
    ax.set_yticks(range(len(table.index)), [f"{v:g}" for v in table.index], fontsize=8)
    ax.set_xlabel(str(table.columns.name))
    ax.set_ylabel(str(table.index.name))
    for (r, c), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(c, r, f"{value:.3f}", ha="center", va="center", fontsize=7, color="white")
    fig.colorbar(image, ax=ax, label=metric)
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


def parameter_scatter(
    table: pd.DataFrame, metric: str, parameters: Sequence[str], path: Path
) -> Path:
    """The final value of `metric` against each swept parameter, one colour per scenario."""
    fig, axes = plt.subplots(
        1, len(parameters), figsize=(4 * len(parameters) + 1, 4), squeeze=False
    )
    for ax, parameter in zip(axes[0], parameters, strict=True):
        for i, (scenario, rows) in enumerate(table.groupby("scenario", sort=False)):
            ax.scatter(
                rows[parameter],
                rows[metric],
                s=14,
                color=SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                label=scenario,
                alpha=0.8,
            )
        ax.set_xlabel(parameter, fontsize=9)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(f"final {metric}")
    axes[0][0].legend(fontsize=8, frameon=False)
    return _save(fig, path)
